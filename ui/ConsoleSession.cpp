#include "ConsoleSession.h"
#include "ComputeClient.h"
#include "EventStream.h"

namespace {
constexpr int kFirstBackoffMs = 1000;
constexpr int kMaxBackoffMs = 30000;

bool refused(const ClientError &e)
{
    return e.kind == ClientError::Kind::Http && (e.status == 401 || e.status == 403);
}
}

ConsoleSession::ConsoleSession(QObject *parent)
    : QObject(parent)
    , m_client(new ComputeClient(ClientConnection {}, this))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &ConsoleSession::attempt);
    connect(m_client, &ComputeClient::sessionRefreshed, this, &ConsoleSession::sessionRefreshed);
}

ConsoleSession::~ConsoleSession()
{
    delete m_events;
}

void ConsoleSession::connectTo(const ClientConnection &connection, const QString &profileName)
{
    disconnectFromServer();
    m_profile = profileName;
    m_client->setConnection(connection);
    m_backoffMs = 0;
    attempt();
}

void ConsoleSession::disconnectFromServer()
{
    ++m_generation;
    m_retry.stop();
    delete m_events;
    m_events = nullptr;
    if (m_state != State::Idle)
        setState(State::Idle);
}

void ConsoleSession::retryNow()
{
    if (m_state == State::Reconnecting || m_state == State::Failed) {
        m_retry.stop();
        m_backoffMs = 0;
        if (m_events) {
            // the stream has its own backoff: start it over now
            m_events->stop();
            m_events->start();
            return;
        }
        attempt();
    }
}

void ConsoleSession::switchWorkspace(const QString &workspaceId)
{
    ClientConnection c = m_client->connection();
    if (c.workspace == workspaceId)
        return;
    c.workspace = workspaceId;
    connectTo(c, m_profile);
}

bool ConsoleSession::isAdmin() const
{
    return m_me.role == QLatin1String("owner") || m_me.role == QLatin1String("admin");
}

QString ConsoleSession::serverUrl() const
{
    return m_client->connection().server;
}

QString ConsoleSession::apiKey() const
{
    return m_client->connection().apiKey;
}

void ConsoleSession::attempt()
{
    const quint64 generation = ++m_generation;
    setState(m_state == State::Idle || m_state == State::Connected ? State::Connecting : State::Reconnecting,
        m_lastError);
    m_client->whoAmI([this, generation](ClientResult<WhoAmI> r) {
        if (generation != m_generation)
            return;
        if (!r) {
            if (refused(r.error()))
                return setState(State::Failed, r.error());
            return scheduleRetry(r.error());
        }
        m_backoffMs = 0;
        m_me = r.value();
        emit identityChanged();
        openEvents();
        setState(State::Connected);
        emit reset();
    });
}

void ConsoleSession::openEvents()
{
    delete m_events;
    m_events = new EventStream(m_client, {}, 0, this);
    connect(m_events, &EventStream::event, this, &ConsoleSession::event);
    connect(m_events, &EventStream::connected, this, [this] {
        if (m_state != State::Connected)
            setState(State::Connected);
    });
    connect(m_events, &EventStream::disconnected, this, [this](const ClientError &why, int retryInMs) {
        Q_UNUSED(retryInMs);
        setState(State::Reconnecting, why);
    });
    connect(m_events, &EventStream::failed, this, [this](const ClientError &why) { setState(State::Failed, why); });
    m_events->start();
}

void ConsoleSession::scheduleRetry(const ClientError &why)
{
    m_backoffMs = m_backoffMs == 0 ? kFirstBackoffMs : qMin(m_backoffMs * 2, kMaxBackoffMs);
    setState(State::Reconnecting, why);
    m_retry.start(m_backoffMs);
}

void ConsoleSession::setState(State state, const ClientError &error)
{
    m_lastError = error;
    if (m_state == state && state != State::Reconnecting)
        return;
    m_state = state;
    emit connectionStateChanged(state);
}

#include "EventStream.h"

#include "ComputeClient.h"
#include "SseChannel.h"

#include <QJsonDocument>
#include <QTimer>

EventStream::EventStream(ComputeClient *client, QStringList types, qint64 sinceSeq, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_types(std::move(types))
    , m_channel(new SseChannel(client, this))
    , m_lastSeq(sinceSeq)
{
    connect(m_channel, &SseChannel::event, this, &EventStream::onEvent);
    connect(m_channel, &SseChannel::closed, this, &EventStream::onClosed);
    connect(m_channel, &SseChannel::opened, this, [this] {
        m_backoffMs = 0;
        m_connected = true;
        emit connected();
    });
}

EventStream::~EventStream() = default;

void EventStream::start()
{
    m_running = true;
    connectNow();
}

void EventStream::stop()
{
    m_running = false;
    m_connected = false;
    m_channel->close();
}

void EventStream::connectNow()
{
    if (!m_running)
        return;
    QUrlQuery q;
    if (!m_types.isEmpty())
        q.addQueryItem(QStringLiteral("type"), m_types.join(QLatin1Char(',')));
    m_channel->open(QStringLiteral("/v0/events"), q, m_lastSeq > 0 ? QByteArray::number(m_lastSeq) : QByteArray());
}

void EventStream::onEvent(const SseEvent &e)
{
    const qint64 seq = e.id.toLongLong();
    if (seq > 0 && seq <= m_lastSeq)
        return;
    const QJsonObject o = QJsonDocument::fromJson(e.data).object();
    ClientEvent ev;
    ev.seq = seq > 0 ? seq : qint64(o.value(QStringLiteral("seq")).toDouble());
    ev.type = o.value(QStringLiteral("type")).toString(QString::fromUtf8(e.event));
    ev.at = o.value(QStringLiteral("at")).toString();
    ev.workspaceId = o.value(QStringLiteral("workspaceId")).toString();
    ev.data = o.value(QStringLiteral("data")).toObject();
    if (ev.seq > 0)
        m_lastSeq = ev.seq;
    emit event(ev);
}

void EventStream::onClosed(const ClientError &error)
{
    m_connected = false;
    if (!m_running)
        return;
    if (error.kind == ClientError::Kind::Http && (error.status == 401 || error.status == 403 || error.status == 404)) {
        m_running = false;
        return emit failed(error);
    }
    m_backoffMs = m_backoffMs == 0 ? 250 : std::min(5000, m_backoffMs * 2);
    const int delay = std::max(m_backoffMs, error.retryAfterSeconds > 0 ? error.retryAfterSeconds * 1000 : 0);
    emit disconnected(error, delay);
    QTimer::singleShot(delay, this, [this] { connectNow(); });
}

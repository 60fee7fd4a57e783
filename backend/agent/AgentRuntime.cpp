// The agent's event-loop side: identity (agent.json), push channel with backoff, long poll, heartbeat,
// and the jobs it runs. Nothing here blocks: GPU detection runs on the global thread pool.
#include "AgentRuntime.h"
#include "GpuInventory.h"

#include <QDir>
#include <QFile>
#include <QFutureWatcher>
#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPromise>
#include <QSaveFile>
#include <QStandardPaths>
#include <QSysInfo>
#include <QThread>
#include <QThreadPool>
#include <QTimer>
#include <QWebSocket>

#include <memory>

namespace {
constexpr int kMaxDoneKeys = 4096;
constexpr int kPushConnectTimeoutMs = 15000;
constexpr int kPushPingMs = 20000;
constexpr int kPushSilenceMs = 75000; // no message and no pong for this long: the socket is dead
constexpr int kPushStableMs = 10000; // a connection that lived this long resets the backoff

const QString kCommand = QStringLiteral("COMMAND");
const QString kContainer = QStringLiteral("CONTAINER");

double procMemGib(const char *field)
{
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(prefix)) {
            const QList<QByteArray> parts = line.mid(prefix.size()).simplified().split(' ');
            return parts.value(0).toDouble() / (1024.0 * 1024.0); // kB -> GiB
        }
    }
    return 0;
}

double loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readAll().split(' ').value(0).toDouble();
}

bool isLoopback(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress a(host);
    return !a.isNull() && a.isLoopback();
}

// A stored identity is reused for the same server; a loopback server may have changed port
// (serve --listen 127.0.0.1:0 with --with-agent).
bool sameServer(const QUrl &a, const QUrl &b)
{
    const auto norm = [](const QUrl &u) { return u.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments); };
    if (norm(a) == norm(b))
        return true;
    return a.scheme() == b.scheme() && isLoopback(a.host()) && isLoopback(b.host()) && norm(a).path() == norm(b).path();
}

QString round2(double v)
{
    return QString::number(v, 'f', 2);
}
} // namespace

AgentRuntime::AgentRuntime(AgentConfig c, QObject *parent)
    : QObject(parent)
    , m_config(std::move(c))
    , m_gpuAllocator({})
{
    m_slots = m_config.slotCount > 0 ? m_config.slotCount : qMax(1, QThread::idealThreadCount());
    m_capabilities = {kCommand};
    for (const char *engine : {"podman", "docker"}) {
        if (!QStandardPaths::findExecutable(QString::fromLatin1(engine)).isEmpty()) {
            m_containerEngine = QString::fromLatin1(engine);
            m_capabilities.append(kContainer);
            break;
        }
    }
    for (const QString &cap : std::as_const(m_config.extraCapabilities)) {
        const QString t = cap.trimmed();
        if (!t.isEmpty() && !m_capabilities.contains(t))
            m_capabilities.append(t);
    }
    if (m_config.heartbeatIntervalSeconds < 1)
        m_config.heartbeatIntervalSeconds = 30;

    m_nam = new QNetworkAccessManager(this);
    m_outbox = new AgentOutbox(
        [this](const QString &call, const QByteArray &body, Done done) { post(call, body, std::move(done)); }, this);
    connect(m_outbox, &AgentOutbox::startRefused, this, [this](const QString &jobId, int attempt, const QString &why) {
        killJob(jobId, attempt, QStringLiteral("server refused started: ") + why);
    });
    connect(m_outbox, &AgentOutbox::resultAnswered, this, [this](const QString &jobId, int attempt, bool accepted) {
        qInfo().noquote() << QStringLiteral("agent: result delivered job=%1 attempt=%2 accepted=%3")
                                 .arg(jobId)
                                 .arg(attempt)
                                 .arg(accepted ? "true" : "false");
        checkDrained();
    });
    connect(m_outbox, &AgentOutbox::idle, this, &AgentRuntime::checkDrained);

    m_heartbeatTimer = new QTimer(this);
    connect(m_heartbeatTimer, &QTimer::timeout, this, &AgentRuntime::sendHeartbeat);
    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &AgentRuntime::connectPush);
    m_pingTimer = new QTimer(this);
    connect(m_pingTimer, &QTimer::timeout, this, [this] {
        if (!m_socket || !m_pushConnected)
            return;
        if (m_pushActivity.elapsed() > kPushSilenceMs) {
            QWebSocket *s = m_socket;
            s->abort(); // half-open: no pong, no message; reconnect
            if (s == m_socket)
                onPushClosed();
        } else
            m_socket->ping();
    });
    m_pollRetryTimer = new QTimer(this);
    m_pollRetryTimer->setSingleShot(true);
    connect(m_pollRetryTimer, &QTimer::timeout, this, &AgentRuntime::maybePoll);
}

AgentRuntime::~AgentRuntime()
{
    stop();
}

QString AgentRuntime::nodeId() const
{
    return m_nodeId;
}

int AgentRuntime::runningCount() const
{
    return int(m_running.size());
}

bool AgentRuntime::pushConnected() const
{
    return m_pushConnected;
}

// ---- transport ---------------------------------------------------------------------------------

QUrl AgentRuntime::endpoint(const QString &path, bool webSocket) const
{
    QUrl u = m_config.serverUrl;
    QString base = u.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    u.setPath(base + path);
    u.setQuery(QString());
    u.setFragment(QString());
    if (webSocket)
        u.setScheme(u.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    return u;
}

QNetworkReply *AgentRuntime::post(
    const QString &call, const QJsonObject &body, Done done, int timeoutMs, bool withRegistrationKey)
{
    return post(
        call, QJsonDocument(body).toJson(QJsonDocument::Compact), std::move(done), timeoutMs, withRegistrationKey);
}

QNetworkReply *AgentRuntime::post(
    const QString &call, const QByteArray &jsonBody, Done done, int timeoutMs, bool withRegistrationKey)
{
    QNetworkRequest req(endpoint(QStringLiteral("/api/compute/nodes/") + call));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("X-API-Key", (withRegistrationKey ? m_config.registrationKey : m_nodeKey).toUtf8());
    req.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = m_nam->post(req, jsonBody);
    const quint64 epoch = m_epoch;
    connect(
        reply, &QNetworkReply::finished, this, [this, reply, epoch, withRegistrationKey, call, done = std::move(done)] {
            reply->deleteLater();
            if (m_stopped)
                return;
            const AgentReply r = AgentReply::fromNetworkReply(reply);
            if (r.httpStatus == 0 && m_serverReachable) {
                m_serverReachable = false;
                qWarning().noquote() << "agent: control plane unreachable:" << r.message;
            } else if (r.httpStatus != 0 && !m_serverReachable) {
                m_serverReachable = true;
                qInfo().noquote() << "agent: control plane reachable again";
            }
            if (!withRegistrationKey && epoch == m_epoch) {
                if (r.kind == AgentReply::Kind::Unauthorized) {
                    qWarning().noquote() << "agent: server refused the node key on" << call;
                    onIdentityRefused();
                } else if (r.kind == AgentReply::Kind::Success || r.kind == AgentReply::Kind::NoData) {
                    confirmIdentity();
                }
            }
            done(r);
        });
    return reply;
}

// ---- identity ----------------------------------------------------------------------------------

void AgentRuntime::start()
{
    if (m_started)
        return;
    m_started = true;
    m_clock.start();
    QMetaObject::invokeMethod(this, &AgentRuntime::begin, Qt::QueuedConnection);
}

void AgentRuntime::begin()
{
    if (m_stopped)
        return;
    if (!QDir().mkpath(m_config.workDir)) {
        Q_EMIT fatalError(tr("cannot create the work directory %1").arg(m_config.workDir));
        stop();
        return;
    }
    // [sandbox] job user, jobs directory and cgroups, settled before any job can arrive.
    QString sandboxError;
    if (!m_sandbox.setUp(m_config.sandbox, m_config.workDir, &sandboxError)) {
        Q_EMIT fatalError(sandboxError);
        stop();
        return;
    }
    qInfo().noquote() << QStringLiteral("agent: starting server=%1 work-dir=%2 slots=%3 capabilities=%4")
                             .arg(m_config.serverUrl.toString(), m_config.workDir)
                             .arg(m_slots)
                             .arg(m_capabilities.join(QLatin1Char(',')));
    detectGpusAsync([this](const QList<GpuDevice> &gpus) {
        m_gpus = gpus;
        QList<int> indexes;
        for (const GpuDevice &g : gpus)
            indexes.append(g.index);
        m_gpuAllocator = GpuAllocator(indexes);
        if (!gpus.isEmpty())
            qInfo().noquote() << "agent: found" << gpus.size() << "GPU(s)";
        if (loadIdentity()) {
            qInfo().noquote() << "agent: using stored identity node=" + m_nodeId;
            goOnline();
        } else {
            registerNode();
        }
    });
}

bool AgentRuntime::loadIdentity()
{
    QFile f(QDir(m_config.workDir).filePath(QStringLiteral("agent.json")));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    const QUrl url(o.value(QStringLiteral("serverUrl")).toString());
    const QString id = o.value(QStringLiteral("nodeId")).toString();
    const QString key = o.value(QStringLiteral("nodeKey")).toString();
    if (id.isEmpty() || key.isEmpty()) {
        qWarning().noquote() << "agent: ignoring unreadable" << f.fileName();
        return false;
    }
    if (!sameServer(url, m_config.serverUrl)) {
        qInfo().noquote() << "agent: stored identity belongs to" << url.toString() << "; registering anew";
        return false;
    }
    m_nodeId = id;
    m_nodeKey = key;
    ++m_epoch;
    return true;
}

bool AgentRuntime::saveIdentity()
{
    const QString path = QDir(m_config.workDir).filePath(QStringLiteral("agent.json"));
    QSaveFile f(path);
    const QFileDevice::Permissions owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.setPermissions(owner);
    const QJsonObject o {{QStringLiteral("serverUrl"), m_config.serverUrl.toString()},
        {QStringLiteral("nodeId"), m_nodeId}, {QStringLiteral("nodeKey"), m_nodeKey}};
    f.write(QJsonDocument(o).toJson());
    if (!f.commit())
        return false;
    return QFile::setPermissions(path, owner);
}

void AgentRuntime::registerNode()
{
    if (m_stopped || m_registering)
        return;
    if (m_config.registrationKey.isEmpty()) {
        Q_EMIT fatalError(
            tr("no stored node identity for %1 and no registration key given").arg(m_config.serverUrl.toString()));
        stop();
        return;
    }
    m_registering = true;
    sendRegistration(m_gpus);
}

void AgentRuntime::sendRegistration(const QList<GpuDevice> &gpus)
{
    QJsonObject labels;
    for (auto it = m_config.labels.cbegin(); it != m_config.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    QJsonArray gpuArr;
    for (const GpuDevice &g : gpus)
        gpuArr.append(g.toJson());
    const QJsonObject body {
        {QStringLiteral("name"), m_config.name.isEmpty() ? QSysInfo::machineHostName() : m_config.name},
        {QStringLiteral("hostname"), QSysInfo::machineHostName()},
        {QStringLiteral("version"), QStringLiteral(TANVRIT_VERSION)}, {QStringLiteral("labels"), labels},
        {QStringLiteral("capabilities"), QJsonArray::fromStringList(m_capabilities)},
        {QStringLiteral("isolation"), m_sandbox.isolation()}, // [sandbox]
        {QStringLiteral("resources"),
            QJsonObject {{QStringLiteral("cpu"), QThread::idealThreadCount()},
                {QStringLiteral("memGib"), procMemGib("MemTotal")}, {QStringLiteral("slots"), m_slots}}},
        {QStringLiteral("gpus"), gpuArr}};
    post(
        QStringLiteral("register"), body,
        [this, gpus](const AgentReply &r) {
            const QJsonObject p = r.payload.toObject();
            const QString id = p.value(QStringLiteral("nodeId")).toString();
            const QString key = p.value(QStringLiteral("nodeKey")).toString();
            if (r.ok() && !id.isEmpty() && !key.isEmpty()) {
                m_registering = false;
                m_registerBackoff.reset();
                m_nodeId = id;
                m_nodeKey = key;
                ++m_epoch;
                const int wait = p.value(QStringLiteral("pollWaitSeconds")).toInt();
                if (wait > 0)
                    m_pollWaitSeconds = qMin(25, wait);
                if (!saveIdentity())
                    qWarning().noquote() << "agent: could not write agent.json in" << m_config.workDir
                                         << "(the next start registers again)";
                m_confirmed = false;
                confirmIdentity();
                goOnline();
                return;
            }
            if (r.kind == AgentReply::Kind::Unauthorized || r.kind == AgentReply::Kind::Rejected) {
                m_registering = false;
                Q_EMIT fatalError(tr("registration refused: %1").arg(r.describe()));
                stop();
                return;
            }
            const int delay = qMax(m_registerBackoff.next(), r.retryAfterMs);
            qWarning().noquote() << "agent: registration failed:" << r.describe()
                                 << QStringLiteral("; retrying in %1 ms").arg(delay);
            QTimer::singleShot(delay, this, [this, gpus] {
                if (!m_stopped)
                    sendRegistration(gpus);
            });
        },
        15000, true);
}

void AgentRuntime::confirmIdentity()
{
    if (m_confirmed || m_nodeId.isEmpty())
        return;
    m_confirmed = true;
    qInfo().noquote() << "agent: registered node=" + m_nodeId;
    Q_EMIT registered(m_nodeId);
}

void AgentRuntime::onIdentityRefused()
{
    if (m_registering || m_stopped)
        return;
    if (m_config.registrationKey.isEmpty()) {
        Q_EMIT fatalError(tr("the server refused this node's key and no registration key was given"));
        stop();
        return;
    }
    qWarning().noquote() << "agent: node key refused; stopping the old identity's jobs and registering again";
    // The old node's jobs are no longer ours (it was removed, or the server lost it).
    killAll(QStringLiteral("node key refused"));
    m_outbox->clear();
    m_nodeId.clear();
    m_nodeKey.clear();
    m_confirmed = false;
    ++m_epoch;
    m_heartbeatTimer->stop();
    m_drainAcked = false;
    if (m_draining && !m_localDrain)
        m_draining = false; // a new node starts ONLINE
    if (m_socket)
        m_socket->abort();
    registerNode();
}

void AgentRuntime::goOnline()
{
    if (m_stopped)
        return;
    m_heartbeatTimer->start(m_config.heartbeatIntervalSeconds * 1000);
    sendHeartbeat();
    if (m_localDrain)
        postDrain();
    if (m_config.usePush)
        connectPush();
    maybePoll();
}

// ---- push channel ------------------------------------------------------------------------------

void AgentRuntime::connectPush()
{
    if (m_stopped || !m_config.usePush || m_nodeKey.isEmpty() || m_registering || m_socket)
        return;
    auto *s = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = s;
    connect(s, &QWebSocket::connected, this, [this, s] {
        if (s != m_socket)
            return;
        m_pushConnected = true;
        m_pushFailing = false;
        m_pushUpFor.start();
        m_pushActivity.start();
        m_pingTimer->start(kPushPingMs);
        qInfo().noquote() << "agent: push channel connected";
        Q_EMIT pushConnectedChanged(true);
        sendHeartbeat();
    });
    connect(s, &QWebSocket::disconnected, this, [this, s] {
        if (s == m_socket)
            onPushClosed();
    });
    connect(s, &QWebSocket::stateChanged, this, [this, s](QAbstractSocket::SocketState st) {
        if (s == m_socket && st == QAbstractSocket::UnconnectedState)
            onPushClosed();
    });
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    connect(s, &QWebSocket::errorOccurred, this, [this, s](QAbstractSocket::SocketError) {
#else
    connect(
        s, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this, s](QAbstractSocket::SocketError) {
#endif
        // A refused handshake (HTTP 4xx/5xx) reports an error but stays "connecting" in Qt 6.4.
        if (s != m_socket || m_pushConnected)
            return;
        if (!m_pushFailing)
            qWarning().noquote() << "agent: push channel unavailable:" << s->errorString()
                                 << "(long polling; retrying with backoff)";
        m_pushFailing = true;
        s->abort();
        onPushClosed();
    });
    connect(s, &QWebSocket::textMessageReceived, this, &AgentRuntime::onPushMessage);
    connect(s, &QWebSocket::pong, this, [this] { m_pushActivity.restart(); });
    QTimer::singleShot(kPushConnectTimeoutMs, s, [this, s] {
        if (s == m_socket && !m_pushConnected) {
            s->abort();
            if (s == m_socket)
                onPushClosed(); // abort() did not report the state change
        }
    });
    QNetworkRequest req(endpoint(QStringLiteral("/v0/agents/connect"), true));
    req.setRawHeader("X-API-Key", m_nodeKey.toUtf8());
    s->open(req);
}

void AgentRuntime::onPushClosed()
{
    QWebSocket *s = m_socket;
    m_socket = nullptr;
    if (!s)
        return;
    disconnect(s, nullptr, this, nullptr);
    s->deleteLater();
    const int code = int(s->closeCode());
    m_pingTimer->stop();
    if (m_pushConnected) {
        m_pushConnected = false;
        if (m_pushUpFor.elapsed() >= kPushStableMs)
            m_pushBackoff.reset();
        qInfo().noquote() << QStringLiteral("agent: push channel closed code=%1 %2").arg(code).arg(s->closeReason());
        Q_EMIT pushConnectedChanged(false);
    }
    if (code == 4001)
        qWarning().noquote() << "agent: the server refused the node key on the push channel";
    if (m_stopped)
        return;
    if (!m_reconnectTimer->isActive())
        m_reconnectTimer->start(m_pushBackoff.next());
    maybePoll();
}

void AgentRuntime::onPushMessage(const QString &text)
{
    if (m_stopped)
        return;
    m_pushActivity.restart();
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = o.value(QStringLiteral("type")).toString();
    const QString jobId = o.value(QStringLiteral("jobId")).toString();
    const int attempt = o.value(QStringLiteral("attempt")).toInt();
    if (type == QLatin1String("assign"))
        handleAssignments(o.value(QStringLiteral("assignments")).toArray());
    else if (type == QLatin1String("cancel") && !jobId.isEmpty())
        cancelJob(jobId, attempt);
    else if (type == QLatin1String("kill") && !jobId.isEmpty())
        killJob(jobId, attempt, QStringLiteral("server: no longer this agent's"));
    else if (type == QLatin1String("drain"))
        onServerDrain();
    else
        qDebug().noquote() << "agent: ignoring push message" << text.left(200);
}

// ---- poll, heartbeat, drain --------------------------------------------------------------------

void AgentRuntime::maybePoll()
{
    if (m_stopped || m_nodeKey.isEmpty() || m_registering || m_pollRetryTimer->isActive())
        return;
    if (m_config.usePush && m_pushConnected)
        return;
    // Also polled when full or draining (max 0): cancels for running jobs arrive by poll while the
    // push channel is down. A parked poll asking for less than we can now take is replaced (the server
    // answers the older one NO_DATA).
    const int max = m_draining ? 0 : qMax(0, freeSlots());
    if (m_pollReply && max <= m_pollMax)
        return;
    const QJsonObject body {{QStringLiteral("waitSeconds"), m_pollWaitSeconds}, {QStringLiteral("max"), max}};
    auto self = std::make_shared<QNetworkReply *>(nullptr);
    *self = post(
        QStringLiteral("poll"), body,
        [this, self](const AgentReply &r) {
            const bool current = m_pollReply == *self;
            if (current)
                m_pollReply = nullptr;
            if (r.ok() || r.kind == AgentReply::Kind::NoData) {
                if (current)
                    m_pollBackoff.reset();
                const QJsonObject p = r.payload.toObject();
                handleAssignments(p.value(QStringLiteral("assignments")).toArray());
                for (const QJsonValue &c : p.value(QStringLiteral("cancel")).toArray()) {
                    const QJsonObject o = c.toObject();
                    if (!o.value(QStringLiteral("jobId")).toString().isEmpty())
                        cancelJob(
                            o.value(QStringLiteral("jobId")).toString(), o.value(QStringLiteral("attempt")).toInt());
                }
                maybePoll();
                return;
            }
            if (!current)
                return;
            if (r.kind == AgentReply::Kind::Rejected)
                qWarning().noquote() << "agent: poll refused:" << r.describe();
            m_pollRetryTimer->start(qMax(m_pollBackoff.next(), r.retryAfterMs));
        },
        (m_pollWaitSeconds + 10) * 1000);
    m_pollReply = *self;
    m_pollMax = max;
}

void AgentRuntime::sendHeartbeat()
{
    if (m_stopped || m_nodeKey.isEmpty() || m_registering || m_heartbeatInFlight)
        return;
    const double load = loadAverage();
    QJsonArray running;
    QSet<QString> listed;
    const auto add = [&](const QString &jobId, int attempt) {
        if (!listed.contains(AgentOutbox::key(jobId, attempt))) {
            listed.insert(AgentOutbox::key(jobId, attempt));
            running.append(QJsonObject {{QStringLiteral("jobId"), jobId}, {QStringLiteral("attempt"), attempt}});
        }
    };
    for (const RunningJob &j : std::as_const(m_running)) {
        if (!j.killed)
            add(j.jobId, j.attempt);
    }
    for (const QJsonObject &a : std::as_const(m_queue))
        add(a.value(QStringLiteral("jobId")).toString(), a.value(QStringLiteral("attempt")).toInt(1));
    for (const auto &[jobId, attempt] : m_outbox->unsettled())
        add(jobId, attempt);
    QJsonArray gpus;
    for (const GpuDevice &g : std::as_const(m_gpus))
        gpus.append(g.toJson());
    QJsonObject body {{QStringLiteral("load"), load},
        {QStringLiteral("freeCpu"), qMax(0.0, QThread::idealThreadCount() - load)},
        {QStringLiteral("freeMemGib"), procMemGib("MemAvailable")}, {QStringLiteral("gpus"), gpus},
        {QStringLiteral("runningJobs"), running}, {QStringLiteral("isolation"), m_sandbox.isolation()}};
    // Until the server has heard one heartbeat from this process: whatever it gave this node before
    // (another process, before a restart) is not running here.
    if (!m_heartbeatAcked)
        body.insert(QStringLiteral("restarted"), true);
    m_heartbeatInFlight = true;
    const qint64 sentAt = m_clock.elapsed();
    post(QStringLiteral("heartbeat"), body, [this, sentAt](const AgentReply &r) {
        m_heartbeatInFlight = false;
        if (!r.ok())
            return; // the next tick tries again; a refused key is handled in post()
        m_heartbeatAcked = true;
        const QJsonObject p = r.payload.toObject();
        const QString state = p.value(QStringLiteral("state")).toString();
        if (state == QLatin1String("DRAINING")) {
            onServerDrain();
        } else if (state == QLatin1String("ONLINE") && m_draining && !m_localDrain && sentAt > m_drainSinceMs) {
            qInfo().noquote() << "agent: the server lifted the drain; taking jobs again";
            m_draining = false;
            m_drainedEmitted = false;
            maybePoll();
        }
        for (const QJsonValue &v : p.value(QStringLiteral("kill")).toArray()) {
            const QJsonObject k = v.toObject();
            if (!k.value(QStringLiteral("jobId")).toString().isEmpty())
                killJob(k.value(QStringLiteral("jobId")).toString(), k.value(QStringLiteral("attempt")).toInt(),
                    QStringLiteral("server: no longer this agent's"));
        }
    });
    if (!m_gpus.isEmpty() && !m_gpuDetectRunning) {
        detectGpusAsync([this](const QList<GpuDevice> &gpus) {
            if (!gpus.isEmpty())
                m_gpus = gpus; // fresh utilisation for the next heartbeat
        });
    }
}

void AgentRuntime::detectGpusAsync(std::function<void(const QList<GpuDevice> &)> done)
{
    m_gpuDetectRunning = true;
    auto promise = std::make_shared<QPromise<QList<GpuDevice>>>();
    auto *watcher = new QFutureWatcher<QList<GpuDevice>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::move(done)] {
        watcher->deleteLater();
        m_gpuDetectRunning = false;
        const QFuture<QList<GpuDevice>> f = watcher->future();
        if (!m_stopped)
            done(f.resultCount() > 0 ? f.result() : QList<GpuDevice>());
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise] {
        promise->addResult(GpuInventory::detect());
        promise->finish();
    });
}

void AgentRuntime::drain()
{
    if (m_stopped)
        return;
    m_localDrain = true;
    if (!m_draining) {
        m_draining = true;
        m_drainSinceMs = m_clock.isValid() ? m_clock.elapsed() : 0;
        qInfo().noquote() << "agent: draining: finishing running jobs, taking no new ones";
    }
    postDrain();
    checkDrained();
}

void AgentRuntime::postDrain()
{
    if (m_stopped || m_drainPosting || m_drainAcked || m_nodeKey.isEmpty() || m_registering)
        return;
    m_drainPosting = true;
    post(QStringLiteral("drain"), QJsonObject(), [this](const AgentReply &r) {
        m_drainPosting = false;
        if (r.ok() || r.kind == AgentReply::Kind::Rejected) {
            if (!r.ok())
                qWarning().noquote() << "agent: server refused drain:" << r.describe();
            m_drainBackoff.reset();
            m_drainAcked = true;
            checkDrained();
            return;
        }
        QTimer::singleShot(qMax(m_drainBackoff.next(), r.retryAfterMs), this, &AgentRuntime::postDrain);
    });
}

void AgentRuntime::onServerDrain()
{
    if (m_draining)
        return;
    m_draining = true;
    m_drainSinceMs = m_clock.elapsed();
    qInfo().noquote() << "agent: the server asked to drain: finishing running jobs, taking no new ones";
    checkDrained();
}

void AgentRuntime::checkDrained()
{
    if (!m_draining || m_drainedEmitted || m_stopped || !m_running.isEmpty() || !m_queue.isEmpty()
        || !m_outbox->isIdle() || (m_localDrain && !m_drainAcked))
        return;
    m_drainedEmitted = true;
    qInfo().noquote() << "agent: drained";
    Q_EMIT drained();
}

void AgentRuntime::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_heartbeatTimer->stop();
    m_reconnectTimer->stop();
    m_pingTimer->stop();
    m_pollRetryTimer->stop();
    m_pollReply = nullptr;
    for (QNetworkReply *r : m_nam->findChildren<QNetworkReply *>())
        r->abort();
    if (QWebSocket *s = m_socket) {
        m_socket = nullptr;
        disconnect(s, nullptr, this, nullptr);
        s->abort();
        s->deleteLater();
    }
    if (m_pushConnected) {
        m_pushConnected = false;
        Q_EMIT pushConnectedChanged(false);
    }
    const int killed = int(m_running.size());
    for (const RunningJob &j : std::as_const(m_running)) {
        disconnect(j.process, nullptr, this, nullptr);
        m_gpuAllocator.release(AgentOutbox::key(j.jobId, j.attempt));
        delete j.process; // SIGKILL to the group, reaped
    }
    m_running.clear();
    m_queue.clear();
    m_queuedKeys.clear();
    m_outbox->clear();
    if (m_started)
        qInfo().noquote() << "agent: stopped; killed" << killed << "running job(s)";
}

// ---- jobs --------------------------------------------------------------------------------------

void AgentRuntime::handleAssignments(const QJsonArray &assignments)
{
    for (const QJsonValue &v : assignments) {
        const QJsonObject a = v.toObject();
        const QString jobId = a.value(QStringLiteral("jobId")).toString();
        const int attempt = a.value(QStringLiteral("attempt")).toInt(1);
        if (jobId.isEmpty() || attempt < 1) {
            qWarning().noquote() << "agent: ignoring an assignment without jobId/attempt";
            continue;
        }
        const QString key = AgentOutbox::key(jobId, attempt);
        if (isKnown(key))
            continue; // re-sent until `started` reaches the server
        if (m_draining)
            qInfo().noquote() << "agent: assignment while draining (sent before the drain); running it job=" + jobId;
        m_queue.append(a);
        m_queuedKeys.insert(key);
    }
    startQueued();
}

void AgentRuntime::startQueued()
{
    while (!m_stopped && !m_queue.isEmpty() && m_running.size() < m_slots) {
        const QJsonObject a = m_queue.takeFirst();
        m_queuedKeys.remove(
            AgentOutbox::key(a.value(QStringLiteral("jobId")).toString(), a.value(QStringLiteral("attempt")).toInt(1)));
        startJob(a);
    }
}

void AgentRuntime::startJob(const QJsonObject &a)
{
    const QString jobId = a.value(QStringLiteral("jobId")).toString();
    const int attempt = a.value(QStringLiteral("attempt")).toInt(1);
    const QString key = AgentOutbox::key(jobId, attempt);
    QString type = a.value(QStringLiteral("type")).toString();
    if (type.isEmpty())
        type = kCommand;
    if (!m_capabilities.contains(type)) {
        failUnstarted(jobId, attempt, JobState::Failed, tr("this agent does not run jobs of type %1").arg(type));
        return;
    }
    const int gpus = a.value(QStringLiteral("resources")).toObject().value(QStringLiteral("gpus")).toInt();
    QList<int> devices;
    if (gpus > 0) {
        const std::optional<QList<int>> got = m_gpuAllocator.allocate(key, gpus);
        if (!got) {
            failUnstarted(jobId, attempt, JobState::Failed,
                tr("needs %1 GPU(s); %2 of this agent's %3 are free")
                    .arg(gpus)
                    .arg(m_gpuAllocator.freeCount())
                    .arg(m_gpus.size()));
            return;
        }
        devices = *got;
    }
    JobProcess::Spec spec;
    QString error;
    if (!buildSpec(a, type, devices, spec, &error)) {
        m_gpuAllocator.release(key);
        failUnstarted(jobId, attempt, JobState::Failed, error);
        return;
    }
    auto *p = new JobProcess(spec, this);
    connect(p, &JobProcess::linesReady, this, [this, key, jobId, attempt](const QList<LogLine> &lines) {
        const auto it = m_running.constFind(key);
        if (it != m_running.cend() && !it->killed)
            m_outbox->appendLines(jobId, attempt, lines);
    });
    connect(p, &JobProcess::finished, this, [this, key](const JobOutcome &o) { onJobFinished(key, o); });
    if (!p->start(&error)) {
        delete p;
        m_gpuAllocator.release(key);
        failUnstarted(jobId, attempt, JobState::Failed, error);
        return;
    }
    m_running.insert(key, RunningJob {jobId, attempt, p, false});
    m_outbox->begin(jobId, attempt, p->pid());
    qInfo().noquote() << QStringLiteral("agent: job started job=%1 attempt=%2 pid=%3 type=%4%5")
                             .arg(jobId)
                             .arg(attempt)
                             .arg(p->pid())
                             .arg(type)
                             .arg(devices.isEmpty()
                                     ? QString()
                                     : QStringLiteral(" gpus=") + GpuAllocator::cudaVisibleDevices(devices));
    Q_EMIT jobStarted(jobId);
}

bool AgentRuntime::buildSpec(
    const QJsonObject &a, const QString &type, const QList<int> &devices, JobProcess::Spec &spec, QString *error) const
{
    spec.jobId = a.value(QStringLiteral("jobId")).toString();
    spec.attempt = a.value(QStringLiteral("attempt")).toInt(1);
    // [sandbox] jobs directory, user, cgroup and limits; a container engine's client runs as the agent.
    const QJsonObject resources = a.value(QStringLiteral("resources")).toObject();
    m_sandbox.apply(spec, resources, type == kContainer);
    spec.graceMs = m_config.graceMs;
    spec.timeoutSeconds = qMax(0, a.value(QStringLiteral("timeoutSeconds")).toInt());
    const QJsonObject env = a.value(QStringLiteral("env")).toObject();
    for (auto it = env.begin(); it != env.end(); ++it)
        spec.env.insert(it.key(), it->isString() ? it->toString() : it->toVariant().toString());
    for (const QJsonValue &v : a.value(QStringLiteral("redact")).toArray()) {
        if (!v.toString().isEmpty())
            spec.redact.append(v.toString());
    }
    const QString wd = a.value(QStringLiteral("workingDir")).toString();
    if (!wd.isEmpty())
        spec.workingDir = QDir(spec.workRoot).absoluteFilePath(wd); // relative: under jobs/
    const QString command = a.value(QStringLiteral("command")).toString();
    QStringList argv;
    for (const QJsonValue &v : a.value(QStringLiteral("argv")).toArray())
        argv.append(v.toString());

    if (type == kContainer) {
        const QString image = a.value(QStringLiteral("image")).toString();
        if (m_containerEngine.isEmpty() || image.isEmpty()) {
            *error
                = image.isEmpty() ? tr("CONTAINER job without an image") : tr("neither podman nor docker is installed");
            return false;
        }
        // Named, so a stop reaches the container itself and not only the engine's client process.
        const QString name = QStringLiteral("tanvrit-%1-%2").arg(spec.jobId).arg(spec.attempt);
        spec.argv = {m_containerEngine, QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("--name"), name,
            QStringLiteral("--label"), QStringLiteral("tanvrit.job=%1/%2").arg(spec.jobId).arg(spec.attempt)};
        spec.stopArgv = {m_containerEngine, QStringLiteral("stop"), QStringLiteral("-t"),
            QString::number(std::max(1, spec.graceMs / 1000)), name};
        spec.killArgv = {m_containerEngine, QStringLiteral("rm"), QStringLiteral("-f"), name};
        // `-e NAME` takes the value from the engine's own environment (spec.env): values stay off argv/ps.
        for (auto it = spec.env.cbegin(); it != spec.env.cend(); ++it)
            spec.argv << QStringLiteral("-e") << it.key();
        if (!devices.isEmpty()) {
            if (m_containerEngine == QLatin1String("docker")) {
                spec.argv << QStringLiteral("--gpus")
                          << QStringLiteral("\"device=%1\"").arg(GpuAllocator::cudaVisibleDevices(devices));
            } else {
                for (int d : devices)
                    spec.argv << QStringLiteral("--device") << QStringLiteral("nvidia.com/gpu=%1").arg(d);
            }
        }
        spec.argv << m_sandbox.containerLimitArgs(resources); // [sandbox] the container is not in our cgroup
        spec.argv << image;
        QStringList cmd;
        for (const QJsonValue &v : a.value(QStringLiteral("cmd")).toArray())
            cmd.append(v.toString());
        if (cmd.isEmpty() && !command.isEmpty())
            cmd = {QStringLiteral("/bin/sh"), QStringLiteral("-c"), command};
        else if (cmd.isEmpty())
            cmd = argv;
        spec.argv << cmd;
        return true;
    }

    if (command.isEmpty() && (argv.isEmpty() || argv.first().isEmpty())) {
        *error = tr("nothing to run: neither command nor argv");
        return false;
    }
    spec.command = command;
    spec.argv = argv;
    // A job sees exactly the GPUs it was given; one that asked for none sees none. The indexes are
    // NVML's, which count in PCI bus order; CUDA's default order is fastest first, so say which.
    if (!m_gpus.isEmpty())
        spec.env.insert(QStringLiteral("CUDA_DEVICE_ORDER"), QStringLiteral("PCI_BUS_ID"));
    if (!devices.isEmpty())
        spec.env.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), GpuAllocator::cudaVisibleDevices(devices));
    else if (!m_gpus.isEmpty() && !spec.env.contains(QStringLiteral("CUDA_VISIBLE_DEVICES")))
        spec.env.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), QString());
    return true;
}

void AgentRuntime::onJobFinished(const QString &key, const JobOutcome &outcome)
{
    const auto it = m_running.find(key);
    if (it == m_running.end())
        return;
    const RunningJob job = *it;
    m_running.erase(it);
    job.process->deleteLater();
    m_gpuAllocator.release(key);
    rememberDone(key);
    const QString state = JobStates::name(outcome.state);
    if (job.killed) {
        m_outbox->drop(job.jobId, job.attempt);
        qInfo().noquote()
            << QStringLiteral("agent: job stopped (taken away) job=%1 attempt=%2").arg(job.jobId).arg(job.attempt);
    } else {
        QJsonObject result {{QStringLiteral("jobId"), job.jobId}, {QStringLiteral("attempt"), job.attempt},
            {QStringLiteral("state"), state},
            {QStringLiteral("exitCode"), outcome.exitCode ? QJsonValue(*outcome.exitCode) : QJsonValue()},
            {QStringLiteral("runtimeMs"), outcome.runtimeMs}, {QStringLiteral("cpuSeconds"), outcome.cpuSeconds},
            {QStringLiteral("error"), outcome.error}};
        if (outcome.peakMemoryBytes >= 0) // [sandbox] peak memory, and the detail of a coded error
            result.insert(QStringLiteral("peakMemoryBytes"), outcome.peakMemoryBytes);
        if (!outcome.message.isEmpty())
            result.insert(QStringLiteral("message"), outcome.message);
        m_outbox->finish(job.jobId, job.attempt, result);
        qInfo().noquote() << QStringLiteral(
            "agent: job finished job=%1 attempt=%2 state=%3 exit=%4 runtimeMs=%5 cpu=%6 peakMiB=%7")
                                 .arg(job.jobId)
                                 .arg(job.attempt)
                                 .arg(state)
                                 .arg(outcome.exitCode ? QString::number(*outcome.exitCode) : QStringLiteral("-"))
                                 .arg(outcome.runtimeMs)
                                 .arg(round2(outcome.cpuSeconds))
                                 .arg(outcome.peakMemoryBytes >= 0 ? round2(outcome.peakMemoryBytes / 1048576.0)
                                                                   : QStringLiteral("-"));
    }
    Q_EMIT jobFinished(job.jobId, state);
    startQueued();
    maybePoll();
    checkDrained();
}

void AgentRuntime::failUnstarted(const QString &jobId, int attempt, JobState state, const QString &error)
{
    rememberDone(AgentOutbox::key(jobId, attempt));
    const QString name = JobStates::name(state);
    m_outbox->finish(jobId, attempt,
        QJsonObject {{QStringLiteral("jobId"), jobId}, {QStringLiteral("attempt"), attempt},
            {QStringLiteral("state"), name}, {QStringLiteral("exitCode"), QJsonValue()},
            {QStringLiteral("runtimeMs"), 0}, {QStringLiteral("cpuSeconds"), 0}, {QStringLiteral("error"), error}});
    qWarning().noquote() << QStringLiteral("agent: job not started job=%1 attempt=%2 state=%3: %4")
                                .arg(jobId)
                                .arg(attempt)
                                .arg(name, error);
    Q_EMIT jobFinished(jobId, name);
}

QList<QString> AgentRuntime::keysOf(const QString &jobId, int attempt) const
{
    if (attempt > 0)
        return {AgentOutbox::key(jobId, attempt)};
    QList<QString> keys; // no attempt given: every attempt of that job we hold
    for (const RunningJob &j : m_running) {
        if (j.jobId == jobId)
            keys.append(AgentOutbox::key(j.jobId, j.attempt));
    }
    for (const QJsonObject &a : m_queue) {
        if (a.value(QStringLiteral("jobId")).toString() == jobId)
            keys.append(AgentOutbox::key(jobId, a.value(QStringLiteral("attempt")).toInt(1)));
    }
    return keys;
}

void AgentRuntime::cancelJob(const QString &jobId, int attempt)
{
    for (const QString &key : keysOf(jobId, attempt)) {
        const auto it = m_running.find(key);
        if (it != m_running.end() && !it->killed) {
            qInfo().noquote() << QStringLiteral("agent: cancelling job=%1 attempt=%2").arg(jobId).arg(it->attempt);
            it->process->cancel();
            continue;
        }
        if (unqueue(key))
            failUnstarted(jobId, key.section(QLatin1Char('#'), -1).toInt(), JobState::Cancelled,
                tr("cancelled before it started"));
        else if (attempt > 0 && !m_doneKeys.contains(key) && !m_outbox->contains(jobId, attempt))
            // the assignment never reached us: say so, or the job would wait in CANCELLING forever
            failUnstarted(jobId, attempt, JobState::Cancelled, tr("cancelled before it reached the agent"));
    }
}

void AgentRuntime::killJob(const QString &jobId, int attempt, const QString &why)
{
    for (const QString &key : keysOf(jobId, attempt)) {
        const int att = key.section(QLatin1Char('#'), -1).toInt();
        const auto it = m_running.find(key);
        if (it != m_running.end()) {
            if (!it->killed)
                qInfo().noquote()
                    << QStringLiteral("agent: killing job=%1 attempt=%2 (%3)").arg(jobId).arg(att).arg(why);
            it->killed = true;
            it->process->cancel();
        }
        unqueue(key);
        m_outbox->drop(jobId, att);
        rememberDone(key);
    }
    checkDrained();
}

void AgentRuntime::killAll(const QString &why)
{
    const QList<RunningJob> running = m_running.values();
    for (const RunningJob &j : running)
        killJob(j.jobId, j.attempt, why);
    for (const QString &key : std::as_const(m_queuedKeys))
        rememberDone(key);
    m_queue.clear();
    m_queuedKeys.clear();
}

bool AgentRuntime::unqueue(const QString &key)
{
    if (!m_queuedKeys.remove(key))
        return false;
    m_queue.removeIf([&key](const QJsonObject &a) {
        return AgentOutbox::key(
                   a.value(QStringLiteral("jobId")).toString(), a.value(QStringLiteral("attempt")).toInt(1))
            == key;
    });
    return true;
}

bool AgentRuntime::isKnown(const QString &key) const
{
    if (m_running.contains(key) || m_queuedKeys.contains(key) || m_doneKeys.contains(key))
        return true;
    return m_outbox->contains(key.section(QLatin1Char('#'), 0, -2), key.section(QLatin1Char('#'), -1).toInt());
}

void AgentRuntime::rememberDone(const QString &key)
{
    if (m_doneKeys.contains(key))
        return;
    m_doneKeys.insert(key);
    m_doneOrder.enqueue(key);
    while (m_doneOrder.size() > kMaxDoneKeys)
        m_doneKeys.remove(m_doneOrder.dequeue());
}

int AgentRuntime::freeSlots() const
{
    return m_slots - int(m_running.size()) - int(m_queue.size());
}

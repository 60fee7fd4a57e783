// The agent's orchestrator: registers (or reuses agent.json), then drives the push channel, long poll,
// heartbeat and drain, handing assignments to AgentJobs. Nothing here blocks: GPU detection runs on the
// global thread pool.
#include "AgentRuntime.h"
#include "ContainerProbe.h"
#include "HostInfo.h"
#include "PushChannel.h"
#include "WorkDirReaper.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSysInfo>
#include <QThread>
#include <QTimer>

#include <memory>

namespace {
constexpr int kEngineProbeTimeoutMs = 10000;

} // namespace

AgentRuntime::AgentRuntime(AgentConfig c, QObject *parent)
    : QObject(parent)
    , m_config(std::move(c))
    , m_specBuilder(QDir(m_config.workDir).filePath(QStringLiteral("jobs")), m_config.graceMs)
{
    m_slots = m_config.slotCount > 0 ? m_config.slotCount : qMax(1, QThread::idealThreadCount());
    // CONTAINER is added once an engine has answered (begin()); it cannot be claimed by flag
    m_capabilities = {JobSpecBuilder::kCommand};
    for (const QString &cap : std::as_const(m_config.extraCapabilities)) {
        const QString t = cap.trimmed();
        if (t == JobSpecBuilder::kContainer)
            qWarning().noquote() << "agent: CONTAINER is offered only when podman or docker answers; ignoring it in "
                                    "--capabilities";
        else if (!t.isEmpty() && !m_capabilities.contains(t))
            m_capabilities.append(t);
    }
    if (m_config.heartbeatIntervalSeconds < 1)
        m_config.heartbeatIntervalSeconds = 30;

    m_tls = AgentTls(m_config.caCertificates, m_config.pinnedCertificate);
    m_nam = new QNetworkAccessManager(this);
    connect(
        m_nam, &QNetworkAccessManager::sslErrors, this, [this](QNetworkReply *reply, const QList<QSslError> &errors) {
            if (m_tls.isPinned(reply->sslConfiguration().peerCertificate())) {
                reply->ignoreSslErrors(errors);
                return;
            }
            if (!m_tlsRefused)
                qCritical().noquote() << "agent:" << AgentTls::describe(errors) << "(retrying)";
            m_tlsRefused = true;
        });
    m_outbox = new AgentOutbox(
        [this](const QString &call, const QByteArray &body, Done done) { post(call, body, std::move(done)); }, this);
    if (m_config.logSpoolBytes > 0)
        m_outbox->setLogCapBytes(m_config.logSpoolBytes);
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
    m_jobs = new AgentJobs(m_outbox, &m_specBuilder, this);
    m_jobs->setSlotCount(m_slots);
    m_jobs->setCapabilities(m_capabilities);
    // artifacts (Part 1): presigned with the node key, uploaded to the signed URL
    m_jobs->setArtifactUploads({m_nam, [this](const QString &pathAndQuery, bool withKey) {
                                    QUrl u = endpoint(pathAndQuery.section(QLatin1Char('?'), 0, 0));
                                    u.setQuery(pathAndQuery.section(QLatin1Char('?'), 1), QUrl::StrictMode);
                                    QNetworkRequest req(u);
                                    if (withKey)
                                        req.setRawHeader("X-API-Key", m_nodeKey.toUtf8());
                                    req.setTransferTimeout(120000);
                                    m_tls.apply(req);
                                    return req;
                                }});
    connect(m_jobs, &AgentJobs::jobStarted, this, &AgentRuntime::jobStarted);
    connect(m_jobs, &AgentJobs::jobFinished, this, &AgentRuntime::jobFinished);
    m_reaper = new WorkDirReaper(
        QDir(m_config.workDir).filePath(QStringLiteral("jobs")), m_config.keepWorkdirsHours,
        [this] { return m_jobs->runningDirs(); }, this);
    connect(m_jobs, &AgentJobs::jobDirEnded, m_reaper, &WorkDirReaper::jobEnded);
    connect(m_jobs, &AgentJobs::slotFreed, this, [this] {
        maybePoll();
        checkDrained();
    });

    m_heartbeatTimer = new QTimer(this);
    connect(m_heartbeatTimer, &QTimer::timeout, this, &AgentRuntime::sendHeartbeat);
    m_push = new PushChannel(this);
    m_push->setTls(m_tls);
    connect(m_push, &PushChannel::connectedChanged, this, [this](bool up) {
        Q_EMIT pushConnectedChanged(up);
        if (up)
            sendHeartbeat();
    });
    connect(m_push, &PushChannel::closed, this, &AgentRuntime::maybePoll);
    connect(m_push, &PushChannel::message, this, &AgentRuntime::onPushMessage);
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
    return m_jobs->runningCount();
}

bool AgentRuntime::pushConnected() const
{
    return m_push->isConnected();
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
    req.setRawHeader("X-API-Key", (withRegistrationKey ? registrationKey() : m_nodeKey).toUtf8());
    req.setTransferTimeout(timeoutMs);
    m_tls.apply(req);
    QNetworkReply *reply = m_nam->post(req, jsonBody);
    const quint64 epoch = m_epoch;
    const QString sentKey = withRegistrationKey ? QString() : m_nodeKey;
    connect(reply, &QNetworkReply::finished, this,
        [this, reply, epoch, sentKey, withRegistrationKey, call, done = std::move(done)] {
            reply->deleteLater();
            if (m_stopped)
                return;
            const AgentReply r = AgentReply::fromNetworkReply(reply);
            if (r.httpStatus == 0 && m_serverReachable) {
                m_serverReachable = false;
                qWarning().noquote() << "agent: control plane unreachable:" << r.message;
            } else if (r.httpStatus != 0 && !m_serverReachable) {
                m_serverReachable = true;
                m_tlsRefused = false;
                qInfo().noquote() << "agent: control plane reachable again";
            }
            if (!withRegistrationKey && epoch == m_epoch) {
                // a request that left with the key just rotated away is refused; the next one has the new key
                if (r.kind == AgentReply::Kind::Unauthorized && sentKey == m_nodeKey) {
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
    QString error;
    if (!m_lock.acquire(m_config.workDir, &error)) {
        Q_EMIT fatalError(error);
        stop();
        return;
    }
    // job user, jobs directory and cgroups, settled before any job can arrive
    if (!m_sandbox.setUp(m_config.sandbox, m_config.workDir, &error)) {
        Q_EMIT fatalError(error);
        stop();
        return;
    }
    m_specBuilder.setSandbox(&m_sandbox);
    m_reaper->setJobsRoot(m_sandbox.jobsDir());
    m_reaper->start();
    qInfo().noquote() << QStringLiteral("agent: starting server=%1 work-dir=%2 slots=%3")
                             .arg(m_config.serverUrl.toString(), m_config.workDir)
                             .arg(m_slots);
    // GPUs and a container engine are looked for at once, both off the event loop; registration waits
    // for both (what it offers depends on them).
    auto pending = std::make_shared<int>(2);
    const auto oneDone = [this, pending] {
        if (--*pending > 0 || m_stopped)
            return;
        m_jobs->setCapabilities(m_capabilities);
        qInfo().noquote() << "agent: capabilities" << m_capabilities.join(QLatin1Char(','));
        resumeOrRegister();
    };
    detectGpusAsync([this, oneDone](const QList<GpuDevice> &gpus) {
        m_gpus = gpus;
        m_jobs->setGpus(gpus);
        m_specBuilder.setHasGpus(!gpus.isEmpty());
        if (!gpus.isEmpty())
            qInfo().noquote() << "agent: found" << gpus.size() << "GPU(s)";
        oneDone();
    });
    auto *probe = new ContainerProbe(this);
    connect(probe, &ContainerProbe::finished, this, [this, probe, oneDone](const QString &engine, const QString &why) {
        probe->deleteLater();
        if (!engine.isEmpty()) {
            m_specBuilder.setContainerEngine(engine);
            m_capabilities.insert(1, JobSpecBuilder::kContainer);
            qInfo().noquote() << "agent: container engine" << engine << "answers; offering CONTAINER";
        } else if (!why.isEmpty()) {
            qInfo().noquote() << "agent: not offering CONTAINER:" << why;
        }
        oneDone();
    });
    probe->start(kEngineProbeTimeoutMs);
}

// A stored identity is this node unless the operator asked for another name: then it is a new node,
// registered anew (the old one stays on the server and goes LOST), or, with no key to register with,
// the agent refuses to start rather than run under a name it was not given.
void AgentRuntime::resumeOrRegister()
{
    QString why;
    std::optional<AgentIdentity> stored = m_identityStore.load(m_config.serverUrl, &why);
    if (!stored && !why.isEmpty())
        qInfo().noquote() << "agent: not using" << m_identityStore.path() << "(" + why + "); registering anew";
    if (stored && !m_config.name.isEmpty() && !stored->name.isEmpty() && stored->name != m_config.name) {
        if (!hasRegistrationKey()) {
            Q_EMIT fatalError(tr("%1 holds node %2 registered as '%3', not '%4'. Start with --name %3 to run as "
                                 "that node, or give a registration key (--key) to register this work directory "
                                 "as a new node '%4'.")
                                  .arg(m_identityStore.path(), stored->nodeId, stored->name, m_config.name));
            stop();
            return;
        }
        qWarning().noquote() << QStringLiteral("agent: %1 holds node %2 registered as '%3'; --name %4 asked: "
                                               "registering a new node (%2 stays on the server and goes LOST)")
                                    .arg(m_identityStore.path(), stored->nodeId, stored->name, m_config.name);
        stored.reset();
    }
    if (!stored) {
        registerNode();
        return;
    }
    if (m_config.name.isEmpty())
        m_config.name = stored->name; // no --name: the node keeps the name it registered with
    m_nodeId = stored->nodeId;
    m_nodeKey = stored->nodeKey;
    ++m_epoch;
    qInfo().noquote() << "agent: using stored identity node=" + m_nodeId;
    goOnline();
}

bool AgentRuntime::hasRegistrationKey() const
{
    return !m_config.registrationKey.isEmpty() || !m_config.registrationKeyFile.isEmpty();
}

QString AgentRuntime::registrationKey() const
{
    if (!m_config.registrationKey.isEmpty())
        return m_config.registrationKey;
    QFile f(m_config.registrationKeyFile);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

// Once the node key works the workspace key is not needed: overwritten in place (when this is the
// only copy, so the bytes do not linger in freed memory) and dropped.
void AgentRuntime::forgetRegistrationKey()
{
    QString &key = m_config.registrationKey;
    if (key.isEmpty())
        return;
    if (key.isDetached())
        std::fill(key.data(), key.data() + key.size(), QChar(0));
    key = QString();
    qInfo().noquote() << "agent: holding the node key; the registration key is forgotten";
}

void AgentRuntime::registerNode()
{
    if (m_stopped || m_registering)
        return;
    if (!hasRegistrationKey()) {
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
    const QJsonObject body {{QStringLiteral("name"), registrationName()},
        {QStringLiteral("hostname"), QSysInfo::machineHostName()},
        {QStringLiteral("version"), QStringLiteral(TANVRIT_VERSION)}, {QStringLiteral("labels"), labels},
        {QStringLiteral("capabilities"), QJsonArray::fromStringList(m_capabilities)},
        {QStringLiteral("isolation"), m_sandbox.isolation()},
        {QStringLiteral("resources"),
            QJsonObject {{QStringLiteral("cpu"), QThread::idealThreadCount()},
                {QStringLiteral("memGib"), HostInfo::memGib("MemTotal")}, {QStringLiteral("slots"), m_slots}}},
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
                QString error;
                if (!m_identityStore.save({m_config.serverUrl, m_nodeId, m_nodeKey, registrationName()}, &error))
                    qWarning().noquote() << "agent: could not write" << m_identityStore.path() << ":" << error
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

QString AgentRuntime::registrationName() const
{
    return m_config.name.isEmpty() ? QSysInfo::machineHostName() : m_config.name;
}

void AgentRuntime::confirmIdentity()
{
    if (m_confirmed || m_nodeId.isEmpty())
        return;
    m_confirmed = true;
    forgetRegistrationKey();
    qInfo().noquote() << "agent: registered node=" + m_nodeId;
    Q_EMIT registered(m_nodeId);
}

void AgentRuntime::onIdentityRefused()
{
    if (m_registering || m_stopped)
        return;
    if (!hasRegistrationKey()) {
        Q_EMIT fatalError(tr("the server refused the key of node %1 (the node was removed, or the server lost it). "
                             "The registration key is forgotten once an agent holds its node key: start the agent "
                             "again with --key (or TANVRIT_REGISTRATION_KEY) to register this machine anew.")
                              .arg(m_nodeId));
        stop();
        return;
    }
    qWarning().noquote() << "agent: node key refused; stopping the old identity's jobs and registering again";
    // The old node's jobs are no longer ours (it was removed, or the server lost it).
    m_jobs->killAll(QStringLiteral("node key refused"));
    checkDrained();
    m_outbox->clear();
    m_nodeId.clear();
    m_nodeKey.clear();
    m_confirmed = false;
    ++m_epoch;
    m_heartbeatTimer->stop();
    m_drainAcked = false;
    if (m_draining && !m_localDrain)
        m_draining = false; // a new node starts ONLINE
    m_push->stop();
    registerNode();
}

void AgentRuntime::goOnline()
{
    if (m_stopped)
        return;
    // Before the first heartbeat: what an earlier process of this node finished but did not report is
    // listed in it as still held (so the server does not requeue it), then reported.
    QString error;
    if (!m_outbox->openSpool(QDir(m_config.workDir).filePath(QStringLiteral("outbox.spool")), m_nodeId, &error))
        qWarning().noquote() << "agent: cannot open the spool in" << m_config.workDir << ":" << error
                             << "(reports are kept in memory only)";
    m_heartbeatTimer->start(m_config.heartbeatIntervalSeconds * 1000);
    sendHeartbeat();
    if (m_localDrain)
        postDrain();
    if (m_config.usePush)
        m_push->start(endpoint(QStringLiteral("/v0/agents/connect"), true), m_nodeKey);
    maybePoll();
}

void AgentRuntime::onPushMessage(const QJsonObject &o)
{
    if (m_stopped)
        return;
    const QString type = o.value(QStringLiteral("type")).toString();
    const QString jobId = o.value(QStringLiteral("jobId")).toString();
    const int attempt = o.value(QStringLiteral("attempt")).toInt();
    if (type == QLatin1String("assign"))
        m_jobs->assign(o.value(QStringLiteral("assignments")).toArray(), m_draining);
    else if (type == QLatin1String("cancel") && !jobId.isEmpty())
        m_jobs->cancel(jobId, attempt);
    else if (type == QLatin1String("kill") && !jobId.isEmpty())
        killJob(jobId, attempt, QStringLiteral("server: no longer this agent's"));
    else if (type == QLatin1String("drain"))
        onServerDrain();
    else if (type == QLatin1String("rotate-key"))
        rotateNodeKey();
    else
        qDebug().noquote() << "agent: ignoring push message of type" << type.left(100);
}

void AgentRuntime::rotateNodeKey()
{
    if (m_stopped || m_rotatingKey || m_registering || m_nodeKey.isEmpty())
        return;
    m_rotatingKey = true;
    post(QStringLiteral("rotate-key"), QJsonObject(), [this](const AgentReply &r) {
        m_rotatingKey = false;
        const QString key = r.payload.toObject().value(QStringLiteral("nodeKey")).toString();
        if (!r.ok() || key.isEmpty()) {
            qWarning().noquote() << "agent: node key rotation failed:" << r.message
                                 << "(the server asks again at the next heartbeat)";
            return;
        }
        m_nodeKey = key;
        QString error;
        if (!m_identityStore.save({m_config.serverUrl, m_nodeId, m_nodeKey, registrationName()}, &error))
            qWarning().noquote() << "agent: the rotated node key could not be kept in" << m_identityStore.path() << ":"
                                 << error << "(a restart of this agent needs --key to register again)";
        qInfo().noquote() << "agent: node key rotated node=" + m_nodeId;
        if (m_config.usePush) {
            m_push->stop();
            m_push->start(endpoint(QStringLiteral("/v0/agents/connect"), true), m_nodeKey);
        }
    });
}

void AgentRuntime::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_heartbeatTimer->stop();
    m_pollRetryTimer->stop();
    m_pollReply = nullptr;
    for (QNetworkReply *r : m_nam->findChildren<QNetworkReply *>())
        r->abort();
    m_push->stop();
    delete m_reaper; // its timers; removals already handed to the thread pool finish on their own
    m_reaper = nullptr;
    const int killed = m_jobs->stopAll();
    m_outbox->clear();
    if (m_started)
        qInfo().noquote() << "agent: stopped; killed" << killed << "running job(s)";
}

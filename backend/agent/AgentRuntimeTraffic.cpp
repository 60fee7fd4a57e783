// The agent's steady traffic with the control plane once it is online: the long poll while the push
// channel is down, heartbeats (load, free resources, running jobs), and draining.
#include "AgentRuntime.h"
#include "HostInfo.h"
#include "PushChannel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QThread>
#include <QTimer>

void AgentRuntime::maybePoll()
{
    if (m_stopped || m_nodeKey.isEmpty() || m_registering || m_pollRetryTimer->isActive())
        return;
    if (m_config.usePush && m_push->isConnected())
        return;
    // Also polled when full or draining (max 0): cancels for running jobs arrive by poll while the
    // push channel is down. A parked poll asking for less than we can now take is replaced (the server
    // answers the older one NO_DATA).
    const int max = m_draining ? 0 : qMax(0, m_jobs->freeSlots());
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
                m_jobs->assign(p.value(QStringLiteral("assignments")).toArray(), m_draining);
                for (const QJsonValue &c : p.value(QStringLiteral("cancel")).toArray()) {
                    const QJsonObject o = c.toObject();
                    if (!o.value(QStringLiteral("jobId")).toString().isEmpty())
                        m_jobs->cancel(
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
    const double load = HostInfo::loadAverage();
    QJsonArray running;
    QSet<QString> listed;
    const auto add = [&](const QString &jobId, int attempt) {
        if (!listed.contains(AgentOutbox::key(jobId, attempt))) {
            listed.insert(AgentOutbox::key(jobId, attempt));
            running.append(QJsonObject {{QStringLiteral("jobId"), jobId}, {QStringLiteral("attempt"), attempt}});
        }
    };
    for (const auto &[jobId, attempt] : m_jobs->held())
        add(jobId, attempt);
    for (const auto &[jobId, attempt] : m_outbox->unsettled())
        add(jobId, attempt);
    QJsonArray gpus;
    for (const GpuDevice &g : std::as_const(m_gpus)) {
        GpuDevice held = g;
        held.jobId = m_jobs->gpuHolder(g.index);
        gpus.append(held.toJson());
    }
    QJsonObject body {{QStringLiteral("load"), load},
        {QStringLiteral("freeCpu"), qMax(0.0, QThread::idealThreadCount() - load)},
        {QStringLiteral("freeMemGib"), HostInfo::memGib("MemAvailable")}, {QStringLiteral("gpus"), gpus},
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
        if (p.value(QStringLiteral("rotateKey")).toBool())
            rotateNodeKey();
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
    HostInfo::detectGpusAsync(this, [this, done = std::move(done)](const QList<GpuDevice> &gpus) {
        m_gpuDetectRunning = false;
        if (!m_stopped)
            done(gpus);
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

void AgentRuntime::killJob(const QString &jobId, int attempt, const QString &why)
{
    m_jobs->kill(jobId, attempt, why);
    checkDrained();
}

void AgentRuntime::checkDrained()
{
    if (!m_draining || m_drainedEmitted || m_stopped || !m_jobs->isEmpty() || !m_outbox->isIdle()
        || (m_localDrain && !m_drainAcked))
        return;
    m_drainedEmitted = true;
    qInfo().noquote() << "agent: drained";
    Q_EMIT drained();
}

// Assignments to agents and what agents report back: pushed on a live channel or handed to a parked
// long poll, re-sent until the agent says it started, cancels, and started/result reports.
#include "AssignmentDelivery.h"

#include <atomic>
#include "AgentService.h"
#include "SecretRef.h"

#include <QDateTime>
#include <QJsonArray>

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
constexpr qint64 kResendAfterMs = 5000;
}

AssignmentDelivery::AssignmentDelivery(AgentService &service, JobService &jobs, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_jobs(jobs)
    , m_agents(service.entries())
{
    connect(&m_jobs, &JobService::cancelRequested, this, &AssignmentDelivery::onCancelRequested);
}

void AssignmentDelivery::resendUnacknowledged(AgentEntry &a)
{
    if (!a.push)
        return;
    const qint64 now = nowMs();
    for (const QString &id : a.undelivered) {
        if (now - a.sentAt.value(id) < kResendAfterMs)
            continue;
        const JobPtr j = m_jobs.find(id);
        QJsonObject assignment;
        if (j && j->agentId == a.info.id && assignmentFor(*j, assignment)
            && a.push(QJsonObject {{QStringLiteral("type"), QStringLiteral("assign")},
                {QStringLiteral("assignments"), QJsonArray {assignment}}}))
            a.sentAt[id] = now;
    }
}

QJsonObject AssignmentDelivery::assignmentJson(const Job &j)
{
    QJsonObject o;
    j.spec.writeJson(o);
    o.insert(QStringLiteral("jobId"), j.id);
    o.insert(QStringLiteral("attempt"), j.attempt);
    const QStringList secrets = j.spec.secretValues();
    if (!secrets.isEmpty())
        o.insert(QStringLiteral("redact"), QJsonArray::fromStringList(secrets)); // the agent masks them too
    return o;
}

// Part 2: the values of the vault secrets the job names join its env for this attempt only, and the
// agent's redaction list; they are never stored with the job.
bool AssignmentDelivery::assignmentFor(const Job &j, QJsonObject &out)
{
    out = assignmentJson(j);
    if (SecretRefs::vaultRefs(j.spec.secrets).isEmpty())
        return true;
    if (!m_secretResolver) {
        m_lastSecretError = QStringLiteral("this control plane holds no secrets");
        return false;
    }
    const auto values = m_secretResolver(j);
    if (!values) {
        m_lastSecretError = values.error().message;
        return false;
    }
    QJsonObject env = out.value(QStringLiteral("env")).toObject();
    QJsonArray redact = out.value(QStringLiteral("redact")).toArray();
    for (auto it = values.value().cbegin(); it != values.value().cend(); ++it) {
        env.insert(it.key(), it.value());
        redact.append(it.value());
    }
    out.insert(QStringLiteral("env"), env);
    out.insert(QStringLiteral("redact"), redact);
    return true;
}

void AssignmentDelivery::flushPoll(AgentEntry &a)
{
    if (!a.pollWaiter)
        return;
    const qint64 now = nowMs();
    QJsonArray assignments;
    for (const QString &id : a.undelivered) {
        const JobPtr j = m_jobs.find(id);
        if (!j || j->agentId != a.info.id)
            continue;
        if (now - a.sentAt.value(id) < kResendAfterMs)
            continue;
        QJsonObject assignment;
        if (!assignmentFor(*j, assignment))
            continue;
        a.sentAt[id] = now;
        assignments.append(assignment);
    }
    QJsonArray cancels;
    for (const QJsonObject &c : a.pendingControl)
        cancels.append(c);
    if (assignments.isEmpty() && cancels.isEmpty())
        return;
    a.pendingControl.clear();
    auto waiter = std::move(a.pollWaiter);
    a.pollWaiter = nullptr;
    if (a.pollTimer) {
        a.pollTimer->stop();
        a.pollTimer->deleteLater();
        a.pollTimer = nullptr;
    }
    waiter(
        QJsonArray {QJsonObject {{QStringLiteral("assignments"), assignments}, {QStringLiteral("cancel"), cancels}}});
}

void AssignmentDelivery::releasePolls()
{
    m_noParking = true;
    for (AgentEntry &a : m_agents) {
        if (a.pollTimer) {
            a.pollTimer->stop();
            a.pollTimer->deleteLater();
            a.pollTimer = nullptr;
        }
        if (a.pollWaiter)
            std::exchange(a.pollWaiter, nullptr)(QJsonArray());
    }
}

void AssignmentDelivery::poll(const Principal &node, int waitMs, std::function<void(const QJsonObject *)> done)
{
    if (m_noParking)
        waitMs = 0;
    AgentEntry *a = m_service.entryOf(node);
    if (!a) {
        done(nullptr);
        return;
    }
    m_service.touch(node.nodeId);
    if (a->pollWaiter) { // a newer poll replaces a parked one
        auto old = std::move(a->pollWaiter);
        a->pollWaiter = nullptr;
        old(QJsonArray());
    }
    if (a->pollTimer) {
        a->pollTimer->stop();
        a->pollTimer->deleteLater();
        a->pollTimer = nullptr;
    }
    a->pollWaiter = [done](const QJsonArray &payload) {
        if (payload.isEmpty())
            return done(nullptr);
        const QJsonObject o = payload.first().toObject();
        done(&o);
    };
    flushPoll(*a);
    if (!a->pollWaiter)
        return;
    a->pollTimer = new QTimer(this);
    a->pollTimer->setSingleShot(true);
    const QString id = node.nodeId;
    connect(a->pollTimer, &QTimer::timeout, this, [this, id] {
        auto it = m_agents.find(id);
        if (it == m_agents.end() || !it->pollWaiter)
            return;
        auto waiter = std::move(it->pollWaiter);
        it->pollWaiter = nullptr;
        it->pollTimer->deleteLater();
        it->pollTimer = nullptr;
        m_service.touch(id); // a parked poll is a sign of life
        waiter(QJsonArray());
    });
    a->pollTimer->start(waitMs);
}

void AssignmentDelivery::deliver(const QString &agentId, const JobPtr &job)
{
    auto it = m_agents.find(agentId);
    if (it == m_agents.end())
        return;
    AgentEntry &a = *it;
    QJsonObject assignment;
    if (!assignmentFor(*job, assignment)) {
        // part 2: a secret the job names is gone (or unreadable): the attempt cannot run as asked
        m_jobs.transition(job, JobState::Failed, QStringLiteral("system"), m_lastSecretError,
            [](Job &j) { j.error = QStringLiteral("secret_unavailable"); });
        return;
    }
    if (!a.undelivered.contains(job->id))
        a.undelivered.append(job->id);
    if (a.push
        && a.push(QJsonObject {{QStringLiteral("type"), QStringLiteral("assign")},
            {QStringLiteral("assignments"), QJsonArray {assignment}}})) {
        a.sentAt[job->id] = nowMs();
        return;
    }
    flushPoll(a);
}

void AssignmentDelivery::started(
    const Principal &node, const QString &jobId, int attempt, std::function<void(Result<QJsonObject>)> done)
{
    AgentEntry *a = m_service.entryOf(node);
    if (!a)
        return done(ApiError::notFound(QStringLiteral("unknown node")));
    m_service.touch(node.nodeId);
    a->undelivered.removeAll(jobId);
    a->sentAt.remove(jobId);
    const JobPtr j = m_jobs.find(jobId);
    if (!j || j->agentId != node.nodeId || j->attempt != attempt || !JobStates::isActive(j->state))
        return done(
            ApiError::conflict(QStringLiteral("job %1 attempt %2 is not this node's to run").arg(jobId).arg(attempt)));
    if (j->state == JobState::Assigned) {
        // answered once RUNNING is stored, so what the agent is told is what a reader sees
        const Status st = m_jobs.transition(
            j, JobState::Running, node.actor(), QStringLiteral("started on ") + a->info.name, {}, [j, done](bool ok) {
                if (!ok)
                    return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("could not store the start"),
                        {{QStringLiteral("retryAfter"), 1}}));
                done(QJsonObject {{QStringLiteral("state"), JobStates::name(j->state)}});
            });
        if (!st)
            done(st.error());
        return;
    }
    if (j->state == JobState::Cancelling)
        sendControl(*a,
            {{QStringLiteral("type"), QStringLiteral("cancel")}, {QStringLiteral("jobId"), jobId},
                {QStringLiteral("attempt"), attempt}});
    done(QJsonObject {{QStringLiteral("state"), JobStates::name(j->state)}});
}

void AssignmentDelivery::result(
    const Principal &node, const AgentReport &r, std::function<void(Result<QJsonObject>)> done)
{
    AgentEntry *a = m_service.entryOf(node);
    if (!a)
        return done(ApiError::notFound(QStringLiteral("unknown node")));
    m_service.touch(node.nodeId);
    a->undelivered.removeAll(r.jobId);
    a->sentAt.remove(r.jobId);
    const JobPtr j = m_jobs.find(r.jobId);
    auto refuse = [&](const QString &state) {
        done(QJsonObject {{QStringLiteral("accepted"), false}, {QStringLiteral("state"), state}});
    };
    if (!j) {
        const auto st = m_jobs.terminalStateOf(r.jobId);
        return refuse(st ? JobStates::name(*st) : QStringLiteral("UNKNOWN"));
    }
    if (j->agentId != node.nodeId || j->attempt != r.attempt || !JobStates::isActive(j->state))
        return refuse(JobStates::name(j->state));
    JobState to = r.state;
    if (j->state == JobState::Cancelling && to != JobState::Succeeded)
        to = JobState::Cancelled;
    const auto setOutcome = [r](Job &job) {
        job.exitCode = r.exitCode;
        job.runtimeMs = r.runtimeMs;
        job.cpuSeconds = r.cpuSeconds;
        job.peakMemoryBytes = r.peakMemoryBytes;
        job.error = r.error;
    };
    QString reason
        = r.error.isEmpty() ? (r.exitCode ? QStringLiteral("exit code %1").arg(*r.exitCode) : QString()) : r.error;
    if (!r.message.isEmpty())
        reason += QStringLiteral(": ") + r.message;
    const bool ownFailure = to == JobState::Failed || to == JobState::TimedOut;
    if (ownFailure && j->retryCount < j->spec.maxRetries) {
        m_jobs.retryAutomatically(
            j, node.actor(), JobStates::name(to) + QStringLiteral(": ") + reason, setOutcome, [done, j](bool ok) {
                done(QJsonObject {
                    {QStringLiteral("accepted"), ok}, {QStringLiteral("state"), JobStates::name(j->state)}});
            });
        return;
    }
    const Status st = m_jobs.transition(j, to, node.actor(), reason, setOutcome, [done, j](bool ok) {
        done(QJsonObject {{QStringLiteral("accepted"), ok}, {QStringLiteral("state"), JobStates::name(j->state)}});
    });
    if (!st)
        refuse(JobStates::name(j->state));
}

void AssignmentDelivery::onCancelRequested(const JobPtr &job)
{
    auto it = m_agents.find(job->agentId);
    if (it == m_agents.end()) {
        m_jobs.transition(
            job, JobState::Cancelled, QStringLiteral("system"), QStringLiteral("cancelled; its agent is gone"));
        return;
    }
    AgentEntry &a = *it;
    if (job->state == JobState::Cancelling && a.undelivered.contains(job->id) && !a.sentAt.contains(job->id)) {
        // never handed out: nothing runs it
        a.undelivered.removeAll(job->id);
        m_jobs.transition(
            job, JobState::Cancelled, QStringLiteral("system"), QStringLiteral("cancelled before it started"));
        return;
    }
    sendControl(a,
        {{QStringLiteral("type"), QStringLiteral("cancel")}, {QStringLiteral("jobId"), job->id},
            {QStringLiteral("attempt"), job->attempt}});
}

void AssignmentDelivery::sendControl(AgentEntry &a, const QJsonObject &msg)
{
    if (a.push && a.push(msg))
        return;
    a.pendingControl.append(QJsonObject {{QStringLiteral("jobId"), msg.value(QStringLiteral("jobId"))},
        {QStringLiteral("attempt"), msg.value(QStringLiteral("attempt"))}});
    flushPoll(a);
}

quint64 AssignmentDelivery::attachChannel(const QString &nodeId, std::function<bool(const QJsonObject &)> push)
{
    static std::atomic<quint64> lastChannel {0}; // several control planes may share a process
    auto it = m_agents.find(nodeId);
    if (it == m_agents.end())
        return 0;
    it->push = std::move(push);
    it->channel = ++lastChannel;
    it->info.pushConnected = true;
    m_service.touch(nodeId);
    // hand over anything waiting
    const qint64 now = nowMs();
    QJsonArray assignments;
    for (const QString &id : it->undelivered)
        if (const JobPtr j = m_jobs.find(id); j && j->agentId == nodeId) {
            QJsonObject assignment;
            if (!assignmentFor(*j, assignment))
                continue;
            assignments.append(assignment);
            it->sentAt[id] = now;
        }
    if (!assignments.isEmpty())
        it->push({{QStringLiteral("type"), QStringLiteral("assign")}, {QStringLiteral("assignments"), assignments}});
    for (const QJsonObject &c : std::exchange(it->pendingControl, {}))
        it->push(QJsonObject {{QStringLiteral("type"), QStringLiteral("cancel")},
            {QStringLiteral("jobId"), c.value(QStringLiteral("jobId"))},
            {QStringLiteral("attempt"), c.value(QStringLiteral("attempt"))}});
    return it->channel;
}

void AssignmentDelivery::detachChannel(const QString &nodeId, quint64 channel)
{
    auto it = m_agents.find(nodeId);
    if (it == m_agents.end() || it->channel != channel)
        return;
    it->push = nullptr;
    it->info.pushConnected = false;
}

// Agents are kept in memory (their row is stored on every state change). A job leaves an agent's books
// only after its leaving transition is durable, so capacity is never handed out twice.
#include "AgentService.h"
#include "AgentRepository.h"
#include "AuthService.h"
#include "EventBus.h"
#include "Store.h"
#include "Ulid.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
constexpr qint64 kResendAfterMs = 5000;

// An agent's job isolation as it reports it; anything unknown counts as none.
QString isolationName(const QJsonValue &v)
{
    const QString s = v.toString();
    return s == QLatin1String("cgroup-v1") || s == QLatin1String("cgroup-v2") ? s : QStringLiteral("none");
}
}

Result<RegisterRequest> RegisterRequest::fromJson(const QJsonObject &o)
{
    static const QRegularExpression keyRe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.\\-/]{0,62}$"));
    static const QRegularExpression typeRe(QStringLiteral("^[A-Za-z][A-Za-z0-9_\\-]{0,63}$"));
    QJsonObject fields;
    RegisterRequest r;
    r.name = o.value(QStringLiteral("name")).toString().trimmed();
    if (r.name.isEmpty() || r.name.size() > 128)
        fields.insert(QStringLiteral("name"), QStringLiteral("required, at most 128 characters"));
    r.hostname = o.value(QStringLiteral("hostname")).toString().left(255);
    r.version = o.value(QStringLiteral("version")).toString().left(64);
    const QJsonObject labels = o.value(QStringLiteral("labels")).toObject();
    if (labels.size() > 64)
        fields.insert(QStringLiteral("labels"), QStringLiteral("at most 64 labels"));
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (!keyRe.match(it.key()).hasMatch() || !it.value().isString() || it.value().toString().size() > 256)
            fields.insert(QStringLiteral("labels.") + it.key(), QStringLiteral("invalid label"));
        else
            r.labels.insert(it.key(), it.value().toString());
    }
    for (const auto &c : o.value(QStringLiteral("capabilities")).toArray()) {
        if (!typeRe.match(c.toString()).hasMatch())
            fields.insert(QStringLiteral("capabilities"), QStringLiteral("job type names only"));
        else if (!r.capabilities.contains(c.toString()))
            r.capabilities << c.toString();
    }
    if (r.capabilities.isEmpty())
        r.capabilities << QStringLiteral("COMMAND");
    const QJsonObject res = o.value(QStringLiteral("resources")).toObject();
    r.cpu = res.value(QStringLiteral("cpu")).toDouble();
    r.memGib = res.value(QStringLiteral("memGib")).toDouble();
    r.slotCount = res.value(QStringLiteral("slots")).toInt(0);
    if (r.cpu < 0 || r.cpu > 100000 || r.memGib < 0 || r.memGib > 1e7 || r.slotCount < 0 || r.slotCount > 100000)
        fields.insert(QStringLiteral("resources"), QStringLiteral("out of range"));
    if (r.slotCount == 0)
        r.slotCount = std::max(1, int(r.cpu));
    const QJsonArray gpus = o.value(QStringLiteral("gpus")).toArray();
    if (gpus.size() > 64)
        fields.insert(QStringLiteral("gpus"), QStringLiteral("at most 64 GPUs"));
    for (const auto &g : gpus)
        r.gpus << GpuDevice::fromJson(g.toObject());
    r.isolation = isolationName(o.value(QStringLiteral("isolation")));
    if (!fields.isEmpty())
        return ApiError::validation(fields);
    return r;
}

Result<AgentReport> AgentReport::fromJson(const QJsonObject &o)
{
    AgentReport r;
    r.jobId = o.value(QStringLiteral("jobId")).toString();
    r.attempt = o.value(QStringLiteral("attempt")).toInt();
    const auto st = JobStates::parse(o.value(QStringLiteral("state")).toString());
    QJsonObject fields;
    if (r.jobId.isEmpty())
        fields.insert(QStringLiteral("jobId"), QStringLiteral("required"));
    if (r.attempt < 1)
        fields.insert(QStringLiteral("attempt"), QStringLiteral("required, from 1"));
    if (!st || !JobStates::isTerminal(*st))
        fields.insert(QStringLiteral("state"), QStringLiteral("one of SUCCEEDED, FAILED, TIMED_OUT, CANCELLED"));
    if (!fields.isEmpty())
        return ApiError::validation(fields);
    r.state = *st;
    if (o.value(QStringLiteral("exitCode")).isDouble())
        r.exitCode = o.value(QStringLiteral("exitCode")).toInt();
    r.runtimeMs = qint64(o.value(QStringLiteral("runtimeMs")).toDouble(-1));
    r.cpuSeconds = o.value(QStringLiteral("cpuSeconds")).toDouble(-1);
    const double peak = o.value(QStringLiteral("peakMemoryBytes")).toDouble(-1);
    r.peakMemoryBytes = peak >= 0 && peak < 9e15 ? qint64(peak) : -1;
    r.error = o.value(QStringLiteral("error")).toString().left(2000);
    r.message = o.value(QStringLiteral("message")).toString().left(2000);
    return r;
}

AgentService::AgentService(
    Store &store, AuthService &auth, JobService &jobs, EventBus &events, int timeoutSeconds, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_auth(auth)
    , m_jobs(jobs)
    , m_events(events)
    , m_timeoutSeconds(timeoutSeconds)
{
    connect(&m_jobs, &JobService::cancelRequested, this, &AgentService::onCancelRequested);
    connect(&m_jobs, &JobService::jobChanged, this, &AgentService::onJobChanged);
    m_liveness.setInterval(std::min(1000, timeoutSeconds * 250));
    connect(&m_liveness, &QTimer::timeout, this, &AgentService::checkLiveness);
}

bool AgentService::load()
{
    const qint64 now = nowMs();
    for (const Agent &a : AgentRepository::loadAll(m_store.reader())) {
        AgentEntry e;
        e.info = a;
        e.info.pushConnected = false;
        e.slotCount = std::max(1, a.slotCount);
        e.lastSeen = now; // give every agent a full timeout to come back after a restart
        m_agents.insert(a.id, e);
    }
    // re-attach unfinished jobs to their agents
    for (const JobPtr &j : m_jobs.unfinished()) {
        if (JobStates::isActive(j->state) && m_agents.contains(j->agentId)) {
            m_agents[j->agentId].jobs.insert(j->id);
            if (j->state == JobState::Assigned)
                m_agents[j->agentId].undelivered.append(j->id);
        }
    }
    m_liveness.start();
    return true;
}

void AgentService::storeAgent(const Agent &a)
{
    m_store.writer().enqueue([a](SqlSession &s) { return AgentRepository::upsert(s, a); });
}

QJsonObject AgentService::assignmentJson(const Job &j)
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

AgentEntry *AgentService::nodeEntry(const Principal &node)
{
    auto it = m_agents.find(node.nodeId);
    if (it == m_agents.end() || it->info.workspaceId != node.workspaceId)
        return nullptr;
    return &*it;
}

void AgentService::registerAgent(
    const Principal &p, const RegisterRequest &r, std::function<void(Result<QJsonObject>)> done)
{
    if (!p.atLeast(Role::Admin))
        return done(
            ApiError::make(ErrorCode::Forbidden, QStringLiteral("registering nodes needs an admin or owner key")));
    AgentEntry e;
    Agent &a = e.info;
    a.id = Ulid::withPrefix(QStringLiteral("node"));
    a.workspaceId = p.workspaceId;
    a.name = r.name;
    a.hostname = r.hostname;
    a.version = r.version;
    a.labels = r.labels;
    a.capabilities = r.capabilities;
    a.isolation = r.isolation;
    a.cpu = r.cpu;
    a.memGib = r.memGib;
    a.freeCpu = r.cpu;
    a.freeMemGib = r.memGib;
    a.gpus = r.gpus;
    a.registeredAt = a.lastHeartbeat = nowMs();
    e.slotCount = r.slotCount;
    a.slotCount = r.slotCount;
    e.lastSeen = a.registeredAt;
    const Agent snapshot = a;
    m_agents.insert(a.id, e);
    const StoredEvent ev = m_events.make(a.workspaceId, QStringLiteral("agent.registered"),
        {{QStringLiteral("agentId"), a.id}, {QStringLiteral("name"), a.name}});
    m_store.writer().enqueue([snapshot, ev](SqlSession &s) {
        return AgentRepository::upsert(s, snapshot) && EventRepository::insert(s, ev);
    });
    m_auth.mintNodeKey(a.workspaceId, a.id, [this, snapshot, ev, slotCount = r.slotCount, done](Result<MintedKey> key) {
        if (!key) {
            m_agents.remove(snapshot.id);
            return done(key.error());
        }
        m_events.announce(ev);
        qInfo().noquote() << "agent registered id=" + snapshot.id << "name=" + snapshot.name
                          << "slots=" + QString::number(slotCount);
        Q_EMIT agentsChanged();
        done(QJsonObject {{QStringLiteral("nodeId"), snapshot.id}, {QStringLiteral("nodeKey"), key.value().secret},
            {QStringLiteral("heartbeatIntervalSeconds"), std::min(30, std::max(1, m_timeoutSeconds / 3))},
            {QStringLiteral("pollWaitSeconds"), 25}});
        Q_EMIT capacityChanged();
    });
}

void AgentService::touch(const QString &nodeId)
{
    auto it = m_agents.find(nodeId);
    if (it == m_agents.end())
        return;
    it->lastSeen = nowMs();
    if (it->info.state == AgentState::Lost) {
        it->info.state = AgentState::Online;
        storeAgent(it->info);
        const StoredEvent ev = m_events.make(
            it->info.workspaceId, QStringLiteral("agent.online"), {{QStringLiteral("agentId"), nodeId}});
        m_store.writer().enqueue([ev](SqlSession &s) { return EventRepository::insert(s, ev); },
            [this, ev](bool ok) {
                if (ok)
                    m_events.announce(ev);
            });
        qInfo().noquote() << "agent back online id=" + nodeId;
        Q_EMIT agentsChanged();
        Q_EMIT capacityChanged();
    }
}

Result<QJsonObject> AgentService::heartbeat(const Principal &node, const QJsonObject &body)
{
    AgentEntry *a = nodeEntry(node);
    if (!a)
        return ApiError::notFound(QStringLiteral("unknown node"));
    touch(node.nodeId);
    Agent &info = a->info;
    info.lastHeartbeat = nowMs();
    info.load = body.value(QStringLiteral("load")).toDouble();
    info.freeCpu = body.value(QStringLiteral("freeCpu")).toDouble(info.freeCpu);
    info.freeMemGib = body.value(QStringLiteral("freeMemGib")).toDouble(info.freeMemGib);
    if (body.contains(QStringLiteral("isolation")))
        info.isolation = isolationName(body.value(QStringLiteral("isolation")));
    const QJsonArray gpus = body.value(QStringLiteral("gpus")).toArray();
    if (!gpus.isEmpty() && gpus.size() <= 64) {
        info.gpus.clear();
        for (const auto &g : gpus)
            info.gpus << GpuDevice::fromJson(g.toObject());
    }
    info.runningJobs.clear();
    QJsonArray kill;
    QSet<QString> reported;
    for (const auto &v : body.value(QStringLiteral("runningJobs")).toArray()) {
        const QJsonObject r = v.toObject();
        const QString jobId = r.value(QStringLiteral("jobId")).toString();
        const int attempt = r.value(QStringLiteral("attempt")).toInt();
        reported.insert(jobId);
        if (info.runningJobs.size() < 1000)
            info.runningJobs << jobId;
        const JobPtr j = m_jobs.find(jobId);
        if (!j || j->agentId != node.nodeId || j->attempt != attempt || !a->jobs.contains(jobId))
            kill.append(QJsonObject {{QStringLiteral("jobId"), jobId}, {QStringLiteral("attempt"), attempt}});
    }
    if (body.value(QStringLiteral("restarted")).toBool()) {
        // A restarted agent process runs nothing an earlier one started: those jobs are lost. A job
        // still ASSIGNED is not: its assignment is (re)sent until this process reports it started,
        // and it may be on its way right now (assigned after this heartbeat left the agent).
        const QSet<QString> mine = a->jobs;
        for (const QString &id : mine) {
            if (reported.contains(id) || a->undelivered.contains(id))
                continue;
            if (JobPtr j = m_jobs.find(id); j && j->state != JobState::Assigned)
                m_jobs.requeueOrFail(j, node.actor(), QStringLiteral("agent_lost"), QStringLiteral("agent restarted"));
        }
    }
    storeAgent(info);
    return QJsonObject {{QStringLiteral("state"), Agent::stateName(info.state)}, {QStringLiteral("kill"), kill}};
}

void AgentService::flushPoll(AgentEntry &a)
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
        a.sentAt[id] = now;
        assignments.append(assignmentJson(*j));
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

void AgentService::releasePolls()
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

void AgentService::poll(const Principal &node, int waitMs, std::function<void(const QJsonObject *)> done)
{
    if (m_noParking)
        waitMs = 0;
    AgentEntry *a = nodeEntry(node);
    if (!a) {
        done(nullptr);
        return;
    }
    touch(node.nodeId);
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
        touch(id); // a parked poll is a sign of life
        waiter(QJsonArray());
    });
    a->pollTimer->start(waitMs);
}

void AgentService::deliver(const QString &agentId, const JobPtr &job)
{
    auto it = m_agents.find(agentId);
    if (it == m_agents.end())
        return;
    AgentEntry &a = *it;
    if (!a.undelivered.contains(job->id))
        a.undelivered.append(job->id);
    if (a.push
        && a.push(QJsonObject {{QStringLiteral("type"), QStringLiteral("assign")},
            {QStringLiteral("assignments"), QJsonArray {assignmentJson(*job)}}})) {
        a.sentAt[job->id] = nowMs();
        return;
    }
    flushPoll(a);
}

Result<QJsonObject> AgentService::started(const Principal &node, const QString &jobId, int attempt)
{
    AgentEntry *a = nodeEntry(node);
    if (!a)
        return ApiError::notFound(QStringLiteral("unknown node"));
    touch(node.nodeId);
    a->undelivered.removeAll(jobId);
    a->sentAt.remove(jobId);
    const JobPtr j = m_jobs.find(jobId);
    if (!j || j->agentId != node.nodeId || j->attempt != attempt || !JobStates::isActive(j->state))
        return ApiError::conflict(
            QStringLiteral("job %1 attempt %2 is not this node's to run").arg(jobId).arg(attempt));
    if (j->state == JobState::Assigned)
        m_jobs.transition(j, JobState::Running, node.actor(), QStringLiteral("started on ") + a->info.name);
    else if (j->state == JobState::Cancelling)
        sendControl(*a,
            {{QStringLiteral("type"), QStringLiteral("cancel")}, {QStringLiteral("jobId"), jobId},
                {QStringLiteral("attempt"), attempt}});
    return QJsonObject {{QStringLiteral("state"), JobStates::name(j->state)}};
}

void AgentService::result(const Principal &node, const AgentReport &r, std::function<void(Result<QJsonObject>)> done)
{
    AgentEntry *a = nodeEntry(node);
    if (!a)
        return done(ApiError::notFound(QStringLiteral("unknown node")));
    touch(node.nodeId);
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

void AgentService::onJobChanged(const JobPtr &job, JobState from)
{
    Q_UNUSED(from);
    if (JobStates::isActive(job->state))
        return;
    // the job left its agent (finished or requeued): free the capacity
    for (auto it = m_agents.begin(); it != m_agents.end(); ++it) {
        if (it->jobs.remove(job->id)) {
            it->undelivered.removeAll(job->id);
            it->sentAt.remove(job->id);
            if (it->info.state == AgentState::Draining && it->jobs.isEmpty())
                announceDrained(*it);
            Q_EMIT capacityChanged();
            break;
        }
    }
}

void AgentService::onCancelRequested(const JobPtr &job)
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

void AgentService::sendControl(AgentEntry &a, const QJsonObject &msg)
{
    if (a.push && a.push(msg))
        return;
    a.pendingControl.append(QJsonObject {{QStringLiteral("jobId"), msg.value(QStringLiteral("jobId"))},
        {QStringLiteral("attempt"), msg.value(QStringLiteral("attempt"))}});
    flushPoll(a);
}

void AgentService::checkLiveness()
{
    const qint64 now = nowMs();
    for (auto it = m_agents.begin(); it != m_agents.end(); ++it) {
        AgentEntry &a = *it;
        if (a.info.state != AgentState::Lost && now - a.lastSeen > qint64(m_timeoutSeconds) * 1000) {
            markLost(a, QStringLiteral("no heartbeat for %1 s").arg((now - a.lastSeen) / 1000));
            continue;
        }
        // re-push assignments the agent has not acknowledged
        if (a.push) {
            for (const QString &id : a.undelivered) {
                if (now - a.sentAt.value(id) < kResendAfterMs)
                    continue;
                const JobPtr j = m_jobs.find(id);
                if (j && j->agentId == a.info.id
                    && a.push(QJsonObject {{QStringLiteral("type"), QStringLiteral("assign")},
                        {QStringLiteral("assignments"), QJsonArray {assignmentJson(*j)}}}))
                    a.sentAt[id] = now;
            }
        }
    }
}

void AgentService::markLost(AgentEntry &a, const QString &why)
{
    qWarning().noquote() << "agent lost id=" + a.info.id << "name=" + a.info.name << "reason=" + why;
    a.info.state = AgentState::Lost;
    storeAgent(a.info);
    const StoredEvent ev = m_events.make(a.info.workspaceId, QStringLiteral("agent.lost"),
        {{QStringLiteral("agentId"), a.info.id}, {QStringLiteral("reason"), why}});
    m_store.writer().enqueue([ev](SqlSession &s) { return EventRepository::insert(s, ev); },
        [this, ev](bool ok) {
            if (ok)
                m_events.announce(ev);
        });
    const QSet<QString> jobs = a.jobs;
    for (const QString &id : jobs) {
        const JobPtr j = m_jobs.find(id);
        if (j && JobStates::isActive(j->state))
            m_jobs.requeueOrFail(j, QStringLiteral("system"), QStringLiteral("agent_lost"),
                QStringLiteral("agent %1 lost: %2").arg(a.info.name, why));
    }
    a.undelivered.clear();
    a.sentAt.clear();
    Q_EMIT agentsChanged(); // queued jobs' pendingReason no longer counts this agent
    Q_EMIT capacityChanged();
}

void AgentService::announceDrained(const AgentEntry &a)
{
    qInfo().noquote() << "agent drained id=" + a.info.id;
    const StoredEvent ev = m_events.make(a.info.workspaceId, QStringLiteral("agent.drained"),
        {{QStringLiteral("agentId"), a.info.id}, {QStringLiteral("name"), a.info.name}});
    m_store.writer().enqueue([ev](SqlSession &s) { return EventRepository::insert(s, ev); },
        [this, ev](bool ok) {
            if (ok)
                m_events.announce(ev);
        });
}

Result<QJsonObject> AgentService::drain(const Principal &p, const QString &agentId)
{
    const QString id = p.isNode() && agentId.isEmpty() ? p.nodeId : agentId;
    auto it = m_agents.find(id);
    if (it == m_agents.end() || it->info.workspaceId != p.workspaceId)
        return ApiError::notFound(QStringLiteral("no agent ") + id);
    if (p.isNode() ? p.nodeId != id : !p.atLeast(Role::Admin))
        return ApiError::make(ErrorCode::Forbidden, QStringLiteral("draining agents needs an admin or owner key"));
    if (it->info.state != AgentState::Draining) {
        it->info.state = AgentState::Draining;
        storeAgent(it->info);
        if (it->push)
            it->push({{QStringLiteral("type"), QStringLiteral("drain")}});
        qInfo().noquote() << "agent draining id=" + id << "by=" + p.actor();
        if (it->jobs.isEmpty())
            announceDrained(*it); // else once its last job is done
        Q_EMIT agentsChanged();
    }
    QJsonObject o = it->info.toJson();
    o.insert(QStringLiteral("currentJobs"), QJsonArray::fromStringList(QStringList(it->jobs.begin(), it->jobs.end())));
    return o;
}

void AgentService::remove(const Principal &p, const QString &agentId, std::function<void(Status)> done)
{
    auto it = m_agents.find(agentId);
    if (it == m_agents.end() || it->info.workspaceId != p.workspaceId)
        return done(ApiError::notFound(QStringLiteral("no agent ") + agentId));
    if (!p.atLeast(Role::Admin))
        return done(
            ApiError::make(ErrorCode::Forbidden, QStringLiteral("removing agents needs an admin or owner key")));
    AgentEntry &a = *it;
    if (a.info.state != AgentState::Lost)
        markLost(a, QStringLiteral("removed by ") + p.actor());
    if (a.pollWaiter)
        a.pollWaiter(QJsonArray());
    delete a.pollTimer;
    const QString wsId = a.info.workspaceId;
    m_agents.erase(it);
    Q_EMIT agentsChanged();
    m_auth.revokeNodeKeys(agentId);
    const StoredEvent ev = m_events.make(wsId, QStringLiteral("agent.removed"), {{QStringLiteral("agentId"), agentId}});
    m_store.writer().enqueue(
        [agentId, ev](SqlSession &s) { return AgentRepository::remove(s, agentId) && EventRepository::insert(s, ev); },
        [this, ev, done](bool ok) {
            if (ok)
                m_events.announce(ev);
            ok ? done(Ok {}) : done(ApiError::internal(QStringLiteral("could not remove the agent")));
        });
}

void AgentService::rotateKey(const Principal &node, std::function<void(Result<QJsonObject>)> done)
{
    if (!nodeEntry(node))
        return done(ApiError::notFound(QStringLiteral("unknown node")));
    const QString oldKey = node.keyId;
    m_auth.mintNodeKey(node.workspaceId, node.nodeId, [this, oldKey, done](Result<MintedKey> key) {
        if (!key)
            return done(key.error());
        m_auth.revokeKey(oldKey, [done, secret = key.value().secret](bool ok) {
            ok ? done(QJsonObject {{QStringLiteral("nodeKey"), secret}})
               : done(ApiError::internal(QStringLiteral("could not revoke the old key")));
        });
    });
}

Result<QJsonObject> AgentService::get(const Principal &p, const QString &agentId) const
{
    auto it = m_agents.constFind(agentId);
    if (it == m_agents.constEnd() || it->info.workspaceId != p.workspaceId)
        return ApiError::notFound(QStringLiteral("no agent ") + agentId);
    QJsonObject o = it->info.toJson();
    o.insert(QStringLiteral("slots"), it->slotCount);
    o.insert(QStringLiteral("currentJobs"), QJsonArray::fromStringList(QStringList(it->jobs.begin(), it->jobs.end())));
    o.insert(QStringLiteral("pushConnected"), bool(it->push));
    return o;
}

QJsonArray AgentService::list(const Principal &p) const
{
    QJsonArray out;
    QStringList ids = m_agents.keys();
    std::sort(ids.begin(), ids.end());
    for (const QString &id : ids)
        if (auto r = get(p, id))
            out.append(r.value());
    return out;
}

int AgentService::onlineCount() const
{
    int n = 0;
    for (const auto &a : m_agents)
        n += a.info.state != AgentState::Lost;
    return n;
}

quint64 AgentService::attachChannel(const QString &nodeId, std::function<bool(const QJsonObject &)> push)
{
    static quint64 lastChannel = 0;
    auto it = m_agents.find(nodeId);
    if (it == m_agents.end())
        return 0;
    it->push = std::move(push);
    it->channel = ++lastChannel;
    it->info.pushConnected = true;
    touch(nodeId);
    // hand over anything waiting
    const qint64 now = nowMs();
    QJsonArray assignments;
    for (const QString &id : it->undelivered)
        if (const JobPtr j = m_jobs.find(id); j && j->agentId == nodeId) {
            assignments.append(assignmentJson(*j));
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

void AgentService::detachChannel(const QString &nodeId, quint64 channel)
{
    auto it = m_agents.find(nodeId);
    if (it == m_agents.end() || it->channel != channel)
        return;
    it->push = nullptr;
    it->info.pushConnected = false;
}

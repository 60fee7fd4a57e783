// Agents are kept in memory (their row is stored on every state change). A job leaves an agent's books
// only after its leaving transition is durable, so capacity is never handed out twice. What travels
// to agents (assignments, cancels) and their reports is AssignmentDelivery's.
#include "AgentService.h"
#include "AgentRepository.h"
#include "AssignmentDelivery.h"
#include "AuthService.h"
#include "EventBus.h"
#include "Store.h"
#include "Ulid.h"

#include <QDateTime>
#include <QJsonArray>

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
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
    m_delivery = new AssignmentDelivery(*this, jobs, this);
    connect(&m_jobs, &JobService::jobChanged, this, &AgentService::onJobChanged);
    m_liveness.setInterval(std::min(1000, timeoutSeconds * 250));
    connect(&m_liveness, &QTimer::timeout, this, &AgentService::checkLiveness);
    m_clock.start();
}

bool AgentService::load()
{
    for (const Agent &a : AgentRepository::loadAll(m_store.reader())) {
        AgentEntry e;
        e.info = a;
        e.info.pushConnected = false;
        e.slotCount = std::max(1, a.slotCount);
        e.lastSeen = m_clock.elapsed(); // give every agent a full timeout to come back after a restart
        m_agents.insert(a.id, e);
    }
    // re-attach unfinished jobs to their agents
    for (const JobPtr &j : m_jobs.onAgents()) {
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
    e.lastSeen = m_clock.elapsed();
    e.heardSinceStart = true;
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
    it->lastSeen = m_clock.elapsed();
    if (!it->heardSinceStart) {
        it->heardSinceStart = true;
        if (it->info.state == AgentState::Online)
            Q_EMIT capacityChanged(); // back after the restart: it may take queued jobs again
    }
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
    QJsonObject reply {{QStringLiteral("state"), Agent::stateName(info.state)}, {QStringLiteral("kill"), kill}};
    if (a->rotateKeyRequested)
        reply.insert(QStringLiteral("rotateKey"), true);
    return reply;
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

void AgentService::checkLiveness()
{
    // While this process did not run (a long walk on the event loop, swap, SIGSTOP) no agent could be
    // heard, so that time does not count against them: a check that comes late by more than a tick
    // moves every deadline by the delay. Agents' heartbeats that waited in socket buffers arrive next.
    const qint64 mono = m_clock.elapsed();
    const qint64 late = m_lastCheck > 0 ? mono - m_lastCheck - m_liveness.interval() : 0;
    m_lastCheck = mono;
    if (late > m_liveness.interval()) {
        qWarning().noquote() << "agents: the server did not run for" << late << "ms; agent deadlines moved by as much";
        for (AgentEntry &a : m_agents)
            a.lastSeen = std::min(mono, a.lastSeen + late);
    }
    for (auto it = m_agents.begin(); it != m_agents.end(); ++it) {
        AgentEntry &a = *it;
        if (a.info.state != AgentState::Lost && mono - a.lastSeen > qint64(m_timeoutSeconds) * 1000) {
            markLost(a, QStringLiteral("no heartbeat for %1 s").arg((mono - a.lastSeen) / 1000));
            continue;
        }
        m_delivery->resendUnacknowledged(a);
        if (a.info.drainDeadline > 0)
            enforceDrainDeadline(a, nowMs());
    }
}

void AgentService::enforceDrainDeadline(AgentEntry &a, qint64 nowWallMs)
{
    if (a.info.state != AgentState::Draining) {
        a.info.drainDeadline = 0;
        return;
    }
    if (nowWallMs < a.info.drainDeadline)
        return;
    a.info.drainDeadline = 0; // once: the jobs below leave the agent as their cancels complete
    storeAgent(a.info);
    qInfo().noquote() << "agent drain deadline passed id=" + a.info.id << "jobs=" + QString::number(a.jobs.size());
    const QSet<QString> jobs = a.jobs;
    for (const QString &id : jobs)
        m_jobs.cancelOnAgent(id, QStringLiteral("system"), QStringLiteral("drain deadline"));
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

Result<QJsonObject> AgentService::drain(const Principal &p, const QString &agentId, std::optional<int> deadlineSeconds)
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
    if (deadlineSeconds) {
        // a later drain with a deadline replaces the earlier one; stored, so it outlives a restart
        it->info.drainDeadline = nowMs() + qint64(*deadlineSeconds) * 1000;
        storeAgent(it->info);
        qInfo().noquote() << "agent drain deadline id=" + id << "in=" + QString::number(*deadlineSeconds) + "s";
        enforceDrainDeadline(*it, nowMs()); // 0 s: now
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

Result<QJsonObject> AgentService::requestKeyRotation(const Principal &p, const QString &agentId)
{
    auto it = m_agents.find(agentId);
    if (it == m_agents.end() || it->info.workspaceId != p.workspaceId)
        return ApiError::notFound(QStringLiteral("no agent ") + agentId);
    if (!p.atLeast(Role::Admin))
        return ApiError::make(
            ErrorCode::Forbidden, QStringLiteral("rotating agents' keys needs an admin or owner key"));
    it->rotateKeyRequested = true;
    const bool pushed = it->push && it->push({{QStringLiteral("type"), QStringLiteral("rotate-key")}});
    qInfo().noquote() << "agent key rotation requested id=" + agentId << "by=" + p.actor()
                      << (pushed ? "(pushed)" : "(at its next heartbeat)");
    QJsonObject o = it->info.toJson();
    o.insert(QStringLiteral("rotationRequested"), true);
    return o;
}

void AgentService::rotateKey(const Principal &node, std::function<void(Result<QJsonObject>)> done)
{
    AgentEntry *entry = nodeEntry(node);
    if (!entry)
        return done(ApiError::notFound(QStringLiteral("unknown node")));
    entry->rotateKeyRequested = false;
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
    // what the jobs on it asked for (the "used" side is what the agent reports free)
    double cpu = 0, memGib = 0;
    int gpus = 0;
    for (const QString &id : it->jobs)
        if (const JobPtr j = m_jobs.find(id)) {
            cpu += j->spec.resources.cpu;
            memGib += j->spec.resources.memGib;
            gpus += j->spec.resources.gpus;
        }
    o.insert(QStringLiteral("allocated"),
        QJsonObject {{QStringLiteral("cpu"), cpu}, {QStringLiteral("memGib"), memGib}, {QStringLiteral("gpus"), gpus}});
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

AgentEntry *AgentService::entryOf(const Principal &node)
{
    return nodeEntry(node);
}

void AgentService::releasePolls()
{
    m_delivery->releasePolls();
}

void AgentService::poll(const Principal &node, int waitMs, std::function<void(const QJsonObject *payload)> done)
{
    m_delivery->poll(node, waitMs, std::move(done));
}

void AgentService::started(
    const Principal &node, const QString &jobId, int attempt, std::function<void(Result<QJsonObject>)> done)
{
    m_delivery->started(node, jobId, attempt, std::move(done));
}

void AgentService::result(const Principal &node, const AgentReport &r, std::function<void(Result<QJsonObject>)> done)
{
    m_delivery->result(node, r, std::move(done));
}

quint64 AgentService::attachChannel(const QString &nodeId, std::function<bool(const QJsonObject &)> push)
{
    return m_delivery->attachChannel(nodeId, std::move(push));
}

void AgentService::detachChannel(const QString &nodeId, quint64 channel)
{
    m_delivery->detachChannel(nodeId, channel);
}

void AgentService::deliver(const QString &agentId, const JobPtr &job)
{
    m_delivery->deliver(agentId, job);
}

QJsonObject AgentService::assignmentJson(const Job &job)
{
    return AssignmentDelivery::assignmentJson(job);
}

// part 2: secret vaults
void AgentService::setSecretResolver(std::function<Result<QMap<QString, QString>>(const Job &)> r)
{
    m_delivery->setSecretResolver(std::move(r));
}

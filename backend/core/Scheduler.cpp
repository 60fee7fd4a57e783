// A pass walks the queue in order and gives each job the matching agent with the most free slots.
// A job's resources count against its agent from the moment of assignment until its leaving
// transition is durable (AgentService keeps those books).
#include "Scheduler.h"
#include "AgentService.h"
#include "Metrics.h"

#include <QDateTime>

Scheduler::Scheduler(JobService &jobs, AgentService &agents, Metrics &metrics, QObject *parent)
    : QObject(parent)
    , m_jobs(jobs)
    , m_agents(agents)
    , m_metrics(metrics)
{
    m_trigger.setSingleShot(true);
    m_trigger.setInterval(0);
    connect(&m_trigger, &QTimer::timeout, this, &Scheduler::pass);
    connect(&m_jobs, &JobService::jobQueued, this, [this](const JobPtr &j) {
        enqueue(j);
        m_fresh.append(j);
        requestPass();
    });
    connect(&m_agents, &AgentService::capacityChanged, this, [this] {
        m_capacityChanged = true;
        requestPass();
    });
    connect(&m_agents, &AgentService::agentsChanged, this, [this] {
        m_capacityChanged = true;
        m_reasonsStale = true;
        requestPass();
    });
}

void Scheduler::start()
{
    for (const JobPtr &j : m_jobs.unfinished())
        if (j->state == JobState::Queued)
            enqueue(j);
    requestPass();
}

void Scheduler::enqueue(const JobPtr &job)
{
    m_queue.insert({-job->spec.priority, job->id});
}

void Scheduler::requestPass()
{
    if (!m_trigger.isActive())
        m_trigger.start();
}

bool Scheduler::fits(const Job &job, const Capacity &c)
{
    const JobResources &r = job.spec.resources;
    return c.freeSlots > 0 && r.cpu <= c.freeCpu + 1e-9 && r.memGib <= c.freeMem + 1e-9 && r.gpus <= c.freeGpus;
}

QString Scheduler::whyNot(const Job &job) const
{
    QList<const AgentEntry *> c;
    for (const AgentEntry &a : m_agents.entries())
        if (a.info.workspaceId == job.workspaceId)
            c << &a;
    if (c.isEmpty())
        return QStringLiteral("no agent is registered in this workspace");
    c.erase(std::remove_if(c.begin(), c.end(), [](const AgentEntry *a) { return a->info.state == AgentState::Lost; }),
        c.end());
    if (c.isEmpty())
        return QStringLiteral("no agent is online");
    c.erase(std::remove_if(c.begin(), c.end(), [](const AgentEntry *a) { return a->info.state != AgentState::Online; }),
        c.end());
    if (c.isEmpty())
        return QStringLiteral("every online agent is draining");
    for (auto it = job.spec.labels.begin(); it != job.spec.labels.end(); ++it)
        c.erase(std::remove_if(c.begin(), c.end(),
                    [&](const AgentEntry *a) { return a->info.labels.value(it.key()) != it.value(); }),
            c.end());
    if (c.isEmpty()) {
        QStringList wanted;
        for (auto it = job.spec.labels.begin(); it != job.spec.labels.end(); ++it)
            wanted << it.key() + QLatin1Char('=') + it.value();
        return QStringLiteral("no online agent has the labels %1").arg(wanted.join(QLatin1Char(',')));
    }
    c.erase(std::remove_if(
                c.begin(), c.end(), [&](const AgentEntry *a) { return !a->info.capabilities.contains(job.spec.type); }),
        c.end());
    if (c.isEmpty())
        return QStringLiteral("no matching agent offers job type %1").arg(job.spec.type);
    const JobResources &r = job.spec.resources;
    c.erase(std::remove_if(c.begin(), c.end(),
                [&](const AgentEntry *a) {
                    return r.gpus > a->info.gpus.size() || (a->info.cpu > 0 && r.cpu > a->info.cpu)
                        || (a->info.memGib > 0 && r.memGib > a->info.memGib);
                }),
        c.end());
    if (c.isEmpty())
        return QStringLiteral("no matching agent is large enough (cpu %1, memGib %2, gpus %3)")
            .arg(r.cpu)
            .arg(r.memGib)
            .arg(r.gpus);
    return QStringLiteral("waiting for free capacity on %1 matching agent(s)").arg(c.size());
}

void Scheduler::pass()
{
    // free capacity per schedulable agent
    QHash<QString, Capacity> caps;
    int totalFreeSlots = 0;
    for (const AgentEntry &a : m_agents.entries()) {
        if (!m_agents.isSchedulable(a))
            continue;
        Capacity c;
        c.agentId = a.info.id;
        c.freeSlots = a.slotCount - int(a.jobs.size());
        c.freeCpu = a.info.cpu > 0 ? a.info.cpu : 1e9;
        c.freeMem = a.info.memGib > 0 ? a.info.memGib : 1e9;
        c.freeGpus = int(a.info.gpus.size());
        c.push = bool(a.push);
        for (const QString &id : a.jobs) {
            if (const JobPtr j = m_jobs.find(id)) {
                c.freeCpu -= j->spec.resources.cpu;
                c.freeMem -= j->spec.resources.memGib;
                c.freeGpus -= j->spec.resources.gpus;
            }
        }
        totalFreeSlots += std::max(0, c.freeSlots);
        caps.insert(c.agentId, c);
    }

    if (totalFreeSlots <= 0 && !m_capacityChanged) {
        // nothing can be placed and nothing changed for the waiting jobs: explain only the new ones
        for (const JobPtr &job : std::exchange(m_fresh, {}))
            if (job->state == JobState::Queued)
                m_jobs.setPendingReason(job, whyNot(*job));
        return;
    }
    const QList<JobPtr> fresh = std::exchange(m_fresh, {});
    const bool refreshReasons = std::exchange(m_reasonsStale, false);
    m_capacityChanged = false;
    // A reason depends on the agents only, so it is worked out again only when they changed.
    auto explain = [&](const JobPtr &job) {
        if (refreshReasons || job->pendingReason.isEmpty())
            m_jobs.setPendingReason(job, whyNot(*job));
    };
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        const JobPtr job = m_jobs.find(it->second);
        if (!job || job->state != JobState::Queued) {
            it = m_queue.erase(it);
            continue;
        }
        if (totalFreeSlots <= 0) {
            if (!refreshReasons) {
                // nothing more fits and no reason changed: stop here (a long queue is not walked for
                // every freed slot); jobs that arrived since the last pass still get their reason
                for (const JobPtr &j : fresh)
                    if (j->state == JobState::Queued)
                        explain(j);
                break;
            }
            explain(job);
            ++it;
            continue;
        }
        Capacity *best = nullptr;
        for (auto c = caps.begin(); c != caps.end(); ++c) {
            const AgentEntry &a = m_agents.entries()[c->agentId];
            if (a.info.workspaceId != job->workspaceId || !a.info.capabilities.contains(job->spec.type)
                || !fits(*job, *c))
                continue;
            bool labelsOk = true;
            for (auto l = job->spec.labels.begin(); l != job->spec.labels.end() && labelsOk; ++l)
                labelsOk = a.info.labels.value(l.key()) == l.value() && a.info.labels.contains(l.key());
            if (!labelsOk)
                continue;
            if (!best || c->freeSlots > best->freeSlots || (c->freeSlots == best->freeSlots && c->push && !best->push))
                best = &*c;
        }
        if (!best) {
            explain(job);
            ++it;
            continue;
        }
        --best->freeSlots;
        --totalFreeSlots;
        best->freeCpu -= job->spec.resources.cpu;
        best->freeMem -= job->spec.resources.memGib;
        best->freeGpus -= job->spec.resources.gpus;
        const QString agentId = best->agentId;
        AgentEntry &entry = m_agents.entries()[agentId];
        entry.jobs.insert(job->id);
        const qint64 queuedAt = job->history.isEmpty() ? job->createdAt : job->history.last().atMs;
        const Status st = m_jobs.transition(
            job, JobState::Assigned, QStringLiteral("scheduler"), QStringLiteral("assigned to ") + entry.info.name,
            [agentId](Job &j) { j.agentId = agentId; },
            [this, job, agentId, queuedAt](bool ok) {
                if (!ok) {
                    m_agents.entries()[agentId].jobs.remove(job->id);
                    return;
                }
                m_metrics.recordDispatch((QDateTime::currentMSecsSinceEpoch() - queuedAt) / 1000.0);
                if (job->state == JobState::Assigned && job->agentId == agentId) // not taken back meanwhile
                    m_agents.deliver(agentId, job);
            });
        if (!st)
            entry.jobs.remove(job->id);
        it = m_queue.erase(it);
    }
}

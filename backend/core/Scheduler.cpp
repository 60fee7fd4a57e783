// A pass walks the queue in order and gives each job the matching agent with the most free slots.
// A job's resources count against its agent from the moment of assignment until its leaving
// transition is durable (AgentService keeps those books). A profile that found no agent in a pass
// finds none for its later jobs either (capacity only shrinks during a pass), so they are skipped,
// and the walk stops once no profile can be placed.
#include "Scheduler.h"
#include "AgentService.h"
#include "Metrics.h"

#include <QDateTime>
#include <QSet>

namespace {
constexpr int kRetryAfterStoreFailureMs = 1000;
}

Scheduler::Scheduler(JobService &jobs, AgentService &agents, Metrics &metrics, QObject *parent)
    : QObject(parent)
    , m_jobs(jobs)
    , m_agents(agents)
    , m_metrics(metrics)
{
    m_trigger.setSingleShot(true);
    m_trigger.setInterval(0);
    connect(&m_trigger, &QTimer::timeout, this, &Scheduler::pass);
    m_retry.setSingleShot(true);
    m_retry.setInterval(kRetryAfterStoreFailureMs);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        m_capacityChanged = true;
        requestPass();
    });
    connect(&m_jobs, &JobService::jobQueued, this, [this](const QString &) {
        m_fresh = true;
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
    requestPass();
}

void Scheduler::requestPass()
{
    if (!m_trigger.isActive())
        m_trigger.start();
}

bool Scheduler::fits(const JobResources &r, const Capacity &c)
{
    return c.freeSlots > 0 && r.cpu <= c.freeCpu + 1e-9 && r.memGib <= c.freeMem + 1e-9 && r.gpus <= c.freeGpus;
}

QString Scheduler::whyNot(const JobProfile &job) const
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
    c.erase(std::remove_if(c.begin(), c.end(), [](const AgentEntry *a) { return !a->heardSinceStart; }), c.end());
    if (c.isEmpty())
        return QStringLiteral("waiting for the agents to reconnect after the control plane's restart");
    for (auto it = job.labels.begin(); it != job.labels.end(); ++it)
        c.erase(std::remove_if(c.begin(), c.end(),
                    [&](const AgentEntry *a) { return a->info.labels.value(it.key()) != it.value(); }),
            c.end());
    if (c.isEmpty()) {
        QStringList wanted;
        for (auto it = job.labels.begin(); it != job.labels.end(); ++it)
            wanted << it.key() + QLatin1Char('=') + it.value();
        return QStringLiteral("no online agent has the labels %1").arg(wanted.join(QLatin1Char(',')));
    }
    c.erase(std::remove_if(
                c.begin(), c.end(), [&](const AgentEntry *a) { return !a->info.capabilities.contains(job.type); }),
        c.end());
    if (c.isEmpty())
        return QStringLiteral("no matching agent offers job type %1").arg(job.type);
    const JobResources &r = job.resources;
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

void Scheduler::explainNewProfiles()
{
    for (JobProfile *p : m_jobs.queue().profiles())
        if (p->pendingReason.isEmpty())
            JobQueue::setReason(*p, whyNot(*p));
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
            const JobPtr j = m_jobs.find(id);
            const JobResources r = j ? j->spec.resources : m_reserved.value(id);
            c.freeCpu -= r.cpu;
            c.freeMem -= r.memGib;
            c.freeGpus -= r.gpus;
        }
        totalFreeSlots += std::max(0, c.freeSlots);
        caps.insert(c.agentId, c);
    }

    if (std::exchange(m_reasonsStale, false))
        for (JobProfile *p : m_jobs.queue().profiles())
            JobQueue::setReason(*p, whyNot(*p));
    const bool fresh = std::exchange(m_fresh, false);
    if (totalFreeSlots <= 0 || (!m_capacityChanged && !fresh)) {
        explainNewProfiles();
        return;
    }
    m_capacityChanged = false;

    struct Placement
    {
        QString jobId;
        QString agentId;
        JobResources resources;
        qint64 queuedAt;
    };
    QList<Placement> placements;
    QSet<const JobProfile *> stuck; // profiles that found no agent in this pass
    const qsizetype profileCount = m_jobs.queue().profiles().size();
    for (const auto &[key, entry] : m_jobs.queue().order()) {
        if (totalFreeSlots <= 0 || stuck.size() >= profileCount)
            break;
        const JobProfile &job = *entry.profile;
        if (stuck.contains(&job))
            continue;
        Capacity *best = nullptr;
        for (auto c = caps.begin(); c != caps.end(); ++c) {
            const AgentEntry &a = m_agents.entries()[c->agentId];
            if (a.info.workspaceId != job.workspaceId || !a.info.capabilities.contains(job.type)
                || !fits(job.resources, *c))
                continue;
            bool labelsOk = true;
            for (auto l = job.labels.begin(); l != job.labels.end() && labelsOk; ++l)
                labelsOk = a.info.labels.contains(l.key()) && a.info.labels.value(l.key()) == l.value();
            if (!labelsOk)
                continue;
            if (!best || c->freeSlots > best->freeSlots || (c->freeSlots == best->freeSlots && c->push && !best->push))
                best = &*c;
        }
        if (!best) {
            stuck.insert(&job);
            continue;
        }
        --best->freeSlots;
        --totalFreeSlots;
        best->freeCpu -= job.resources.cpu;
        best->freeMem -= job.resources.memGib;
        best->freeGpus -= job.resources.gpus;
        placements.append({key.second, best->agentId, job.resources, entry.queuedAt});
    }
    explainNewProfiles();

    // Stored one by one; until its commit the job holds its place on the agent's books.
    for (const Placement &pl : placements) {
        AgentEntry &entry = m_agents.entries()[pl.agentId];
        entry.jobs.insert(pl.jobId);
        m_reserved.insert(pl.jobId, pl.resources);
        const QString agentId = pl.agentId;
        const QString jobId = pl.jobId;
        const qint64 queuedAt = pl.queuedAt;
        m_jobs.assign(jobId, agentId, entry.info.name, [this, agentId, jobId, queuedAt](const JobPtr &job) {
            m_reserved.remove(jobId);
            auto it = m_agents.entries().find(agentId);
            if (!job) {
                // not stored: the job is queued as before; try again in a moment
                if (it != m_agents.entries().end())
                    it->jobs.remove(jobId);
                m_retry.start();
                return;
            }
            m_metrics.recordDispatch((QDateTime::currentMSecsSinceEpoch() - queuedAt) / 1000.0);
            if (it == m_agents.entries().end() || it->info.state == AgentState::Lost) {
                // its agent went away while the assignment was being stored
                m_jobs.requeueOrFail(job, QStringLiteral("system"), QStringLiteral("agent_lost"),
                    QStringLiteral("agent %1 lost before the job reached it").arg(agentId));
                return;
            }
            if (job->state == JobState::Assigned && job->agentId == agentId)
                m_agents.deliver(agentId, job);
        });
    }
}

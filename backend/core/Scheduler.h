// Places QUEUED jobs on agents: online and not draining, every label the job asks for, the job's type,
// and free slots/cpu/memory/GPUs. Higher priority first, then oldest. One pass at a time, on the
// owner thread, so a job is never assigned twice. Unplaceable jobs carry a pendingReason, worked out
// when the job arrives and again only when the agents change (a freed slot changes no reason).
#pragma once

#include "JobService.h"

#include <QObject>
#include <QTimer>
#include <set>

class AgentService;
class Metrics;
struct AgentEntry;

class Scheduler : public QObject
{
    Q_OBJECT
public:
    Scheduler(JobService &jobs, AgentService &agents, Metrics &metrics, QObject *parent = nullptr);
    void start();
    void requestPass(); // coalesced: many triggers in one event-loop turn make one pass

private:
    struct Capacity
    {
        QString agentId;
        int freeSlots = 0;
        double freeCpu = 0;
        double freeMem = 0;
        int freeGpus = 0;
        bool push = false;
    };
    void enqueue(const JobPtr &job);
    void pass();
    QString whyNot(const Job &job) const;
    static bool fits(const Job &job, const Capacity &c);

    JobService &m_jobs;
    AgentService &m_agents;
    Metrics &m_metrics;
    std::set<std::pair<int, QString>> m_queue; // (-priority, id): id order is age order
    QList<JobPtr> m_fresh; // queued since the last pass
    bool m_capacityChanged = true;
    bool m_reasonsStale = true; // the set of agents changed since reasons were given
    QTimer m_trigger;
};

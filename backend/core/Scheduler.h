// Places QUEUED jobs on agents: online and not draining, every label the job asks for, the job's type,
// and free slots/cpu/memory/GPUs. Higher priority first, then oldest. One pass at a time, on the
// owner thread, so a job is never assigned twice. Why a job waits (pendingReason) depends only on its
// profile and the agents, so it is worked out per profile: when one appears and when the agents change.
#pragma once

#include "JobService.h"

#include <QObject>
#include <QTimer>

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

    // Why jobs of this profile cannot be placed now (the agents as they are).
    QString whyNot(const JobProfile &profile) const;

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
    void pass();
    static bool fits(const JobResources &r, const Capacity &c);
    void explainNewProfiles();

    JobService &m_jobs;
    AgentService &m_agents;
    Metrics &m_metrics;
    QHash<QString, JobResources> m_reserved; // assignments being stored: their resources are taken
    bool m_capacityChanged = true;
    bool m_reasonsStale = true; // the set of agents changed since reasons were given
    bool m_fresh = false; // jobs were queued since the last pass
    QTimer m_trigger;
    QTimer m_retry; // a pass again after an assignment could not be stored
};

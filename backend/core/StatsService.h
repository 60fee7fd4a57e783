// The dashboard's figures of one workspace (GET /v0/stats): jobs by state from JobService's counters,
// the last hour's finished jobs and latest failures from one index, agents and GPUs from memory.
#pragma once

#include "Principal.h"

#include <QJsonObject>

class AgentService;
class JobService;
class Store;

class StatsService
{
public:
    StatsService(Store &store, JobService &jobs, AgentService &agents);

    static constexpr int kMinutes = 60; // finishedPerMinute covers this many minutes, the current one last
    static constexpr int kRecentFailures = 10;

    QJsonObject stats(const Principal &p, qint64 nowMs) const;

private:
    Store &m_store;
    JobService &m_jobs;
    AgentService &m_agents;
};

// Every part is bounded whatever the number of jobs: counters in memory, an index range of one hour,
// and two index walks of at most kRecentFailures rows.
#include "StatsService.h"
#include "AgentService.h"
#include "JobRepository.h"
#include "JobService.h"
#include "Store.h"

#include <QJsonArray>
#include <algorithm>

StatsService::StatsService(Store &store, JobService &jobs, AgentService &agents)
    : m_store(store)
    , m_jobs(jobs)
    , m_agents(agents)
{
}

QJsonObject StatsService::stats(const Principal &p, qint64 nowMs) const
{
    static const JobState kStates[] = {JobState::Queued, JobState::Assigned, JobState::Running, JobState::Cancelling,
        JobState::Succeeded, JobState::Failed, JobState::TimedOut, JobState::Cancelled};
    const QHash<JobState, qint64> counts = m_jobs.stateCounts(p.workspaceId);
    QJsonObject byState;
    for (JobState s : kStates)
        byState.insert(JobStates::name(s), std::max<qint64>(0, counts.value(s)));

    // the last kMinutes whole minutes, the current (partial) one last
    const qint64 lastMinute = nowMs / 60000;
    const qint64 firstMinute = lastMinute - kMinutes + 1;
    struct Minute
    {
        qint64 succeeded = 0, failed = 0, cancelled = 0;
    };
    QList<Minute> minutes(kMinutes);
    qint64 succeeded = 0, failed = 0;
    for (const JobRepository::FinishedCount &c :
        JobRepository::finishedSince(m_store.reader(), p.workspaceId, firstMinute * 60000)) {
        const qint64 i = c.minute - firstMinute;
        if (i < 0 || i >= kMinutes)
            continue;
        if (c.state == QLatin1String("SUCCEEDED"))
            minutes[i].succeeded += c.count, succeeded += c.count;
        else if (c.state == QLatin1String("CANCELLED"))
            minutes[i].cancelled += c.count;
        else
            minutes[i].failed += c.count, failed += c.count;
    }
    QJsonArray perMinute;
    for (int i = 0; i < kMinutes; ++i)
        perMinute.append(QJsonObject {{QStringLiteral("minute"), isoTime((firstMinute + i) * 60000)},
            {QStringLiteral("succeeded"), minutes[i].succeeded}, {QStringLiteral("failed"), minutes[i].failed},
            {QStringLiteral("cancelled"), minutes[i].cancelled}});

    QList<Job> failures = JobRepository::recentFailures(m_store.reader(), p.workspaceId, kRecentFailures);
    std::sort(failures.begin(), failures.end(), [](const Job &a, const Job &b) {
        return a.finishedAt != b.finishedAt ? a.finishedAt > b.finishedAt : a.id > b.id;
    });
    QJsonArray recent;
    for (const Job &j : failures.mid(0, kRecentFailures)) {
        QString command = j.spec.command.isEmpty() ? j.spec.argv.join(QLatin1Char(' ')) : j.spec.command;
        if (command.isEmpty())
            command = j.spec.image;
        recent.append(QJsonObject {{QStringLiteral("id"), j.id}, {QStringLiteral("state"), JobStates::name(j.state)},
            {QStringLiteral("error"), j.error},
            {QStringLiteral("exitCode"), j.exitCode ? QJsonValue(*j.exitCode) : QJsonValue()},
            {QStringLiteral("finishedAt"), isoTime(j.finishedAt)}, {QStringLiteral("command"), command.left(200)}});
    }

    int online = 0, draining = 0, lost = 0, gpuTotal = 0, gpuBusy = 0, utilSum = 0, utilCount = 0;
    for (const AgentEntry &a : std::as_const(m_agents.entries())) {
        if (a.info.workspaceId != p.workspaceId)
            continue;
        switch (a.info.state) {
        case AgentState::Online:
            ++online;
            break;
        case AgentState::Draining:
            ++draining;
            break;
        case AgentState::Lost:
            ++lost;
            continue; // a lost agent's GPUs are not the fleet's now
        }
        gpuTotal += a.info.gpus.size();
        int held = 0;
        for (const QString &id : a.jobs)
            if (const JobPtr j = m_jobs.find(id))
                held += j->spec.resources.gpus;
        gpuBusy += std::min(held, int(a.info.gpus.size()));
        for (const GpuDevice &g : a.info.gpus) {
            utilSum += std::clamp(g.utilizationPercent, 0, 100);
            ++utilCount;
        }
    }
    const qint64 finished = succeeded + failed;
    return {{QStringLiteral("jobsByState"), byState},
        {QStringLiteral("queueDepth"), byState.value(QStringLiteral("QUEUED"))},
        {QStringLiteral("finishedPerMinute"), perMinute},
        {QStringLiteral("failureRate"), finished > 0 ? double(failed) / double(finished) : 0.0},
        {QStringLiteral("agents"),
            QJsonObject {{QStringLiteral("online"), online}, {QStringLiteral("draining"), draining},
                {QStringLiteral("lost"), lost}}},
        {QStringLiteral("gpus"),
            QJsonObject {{QStringLiteral("total"), gpuTotal}, {QStringLiteral("busy"), gpuBusy},
                {QStringLiteral("utilizationPercent"), utilCount > 0 ? double(utilSum) / utilCount : 0.0}}},
        {QStringLiteral("recentFailures"), recent}, {QStringLiteral("at"), isoTime(nowMs)}};
}

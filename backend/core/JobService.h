// The rules of jobs: submit, read, list, cancel, retry and every state transition. Jobs on agents live
// in memory in full; QUEUED jobs only as the scheduler needs them (JobQueue), their JSON comes from the
// store. Every change is stored first: memory, the scheduler's view and the event stream follow the commit.
#pragma once

#include "ApiError.h"
#include "IdempotencyCache.h"
#include "Job.h"
#include "JobQuery.h"
#include "JobQueue.h"
#include "KeyQuotas.h"
#include "Principal.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>

class Store;
class EventBus;
class SqlSession;

using JobPtr = std::shared_ptr<Job>;
using JobCallback = std::function<void(Result<JobPtr>)>;

struct SubmitOptions
{
    QString idempotencyKey;
    // schedules (part 4): more to store in the job's own transaction (a schedule's slot record), so the job
    // and the record of why it exists commit together or not at all.
    std::function<bool(SqlSession &, const Job &)> alsoStore;
};

class JobService : public QObject
{
    Q_OBJECT
public:
    JobService(Store &store, EventBus &events, QObject *parent = nullptr);

    bool load(QString *error);

    // The client-facing rules.
    void submit(const Principal &p, JobSpec spec, const SubmitOptions &opts, JobCallback done);
    Result<QByteArray> jobJson(const Principal &p, const QString &id);
    Result<QByteArray> listJson(const Principal &p, const JobQuery &q);
    void cancel(const Principal &p, const QString &id, const QString &reason, JobCallback done);
    void retry(const Principal &p, const QString &id, JobCallback done);
    // A rule of the system (an agent's drain deadline) stops a job on an agent: CANCELLING, then the
    // agent is told. Nothing happens for a job no longer on an agent or already being cancelled.
    void cancelOnAgent(const QString &id, const QString &actor, const QString &reason);

    // For the agent plane: jobs on agents (ASSIGNED, RUNNING, CANCELLING), in full.
    JobPtr find(const QString &id) const { return m_onAgents.value(id); }
    const QHash<QString, JobPtr> &onAgents() const { return m_onAgents; }
    bool isUnfinished(const QString &id) const; // queued, on an agent, or with a change being stored
    // For the scheduler: the queued jobs, and QUEUED -> ASSIGNED. `done` gets the job once the change is
    // durable, or nullptr when it could not be stored (the job is queued again, as before).
    JobQueue &queue() { return m_queue; }
    void assign(
        const QString &id, const QString &agentId, const QString &agentName, std::function<void(const JobPtr &)> done);

    // Moves a job on an agent to `to`: `mutate` shapes the new state, which is stored, then becomes the
    // job's state in memory, then is announced. While a change of the job is being stored, the next
    // waits for it. Returns an error only when the transition is not allowed now.
    Status transition(const JobPtr &job, JobState to, const QString &actor, const QString &reason,
        const std::function<void(Job &)> &mutate = {}, std::function<void(bool)> done = {});
    // The agent running it is gone: a new attempt while lost-requeues remain (max(maxRetries, 2)),
    // else FAILED with `error`. A job being cancelled becomes CANCELLED.
    void requeueOrFail(const JobPtr &job, const QString &actor, const QString &error, const QString &reason);
    // The job failed on its own and has automatic retries left: a new attempt, straight back to QUEUED.
    void retryAutomatically(const JobPtr &job, const QString &actor, const QString &reason,
        const std::function<void(Job &)> &recordOutcome, std::function<void(bool)> done);
    std::optional<JobState> terminalStateOf(const QString &id); // from the store, for late results

    QHash<JobState, qint64> stateCounts() const { return m_counts; }
    // One workspace's jobs by state, kept as jobs change (GET /v0/stats reads no table for it).
    QHash<JobState, qint64> stateCounts(const QString &workspaceId) const
    {
        return m_workspaceCounts.value(workspaceId);
    }
    qint64 queueDepth() const;
    qsizetype cachedIdempotencyKeys() const { return m_idempotency.size(); }
    qsizetype quotaTrackedJobs() const { return m_quotas.trackedJobs(); }
    void expireIdempotencyKeys(qint64 nowMs); // memory and store; runs hourly on its own

Q_SIGNALS:
    void jobQueued(const QString &id); // new or requeued, after commit
    void jobChanged(const JobPtr &job, JobState from); // after commit
    void cancelRequested(const JobPtr &job); // a job on an agent must be stopped

private:
    struct Waiters
    {
        std::deque<std::function<void()>> next; // operations on the job waiting for the change in flight
    };
    QByteArray apiJson(const JobPtr &job);
    QByteArray withPendingReason(const QString &id, QByteArray doc) const;
    static Job advanced(const Job &current, JobState to, const QString &actor, const QString &reason,
        const std::function<void(Job &)> &mutate);
    // Stores `next` as the job's new state; on commit `job` becomes `next` and memory follows. `taken`:
    // the queue entry of a job leaving QUEUED, given back if the write fails.
    void commitChange(const JobPtr &job, Job next, std::optional<QueuedJob> taken, std::function<void(bool)> done);
    bool isBusy(const QString &id) const { return m_busy.contains(id); }
    void later(const QString &id, std::function<void()> fn) { m_busy[id].next.push_back(std::move(fn)); }
    void settle(const QString &id);
    void restoreQuotas();
    bool canManage(const Principal &p, const Job &job) const;
    void answerWithJob(const QString &workspaceId, const QString &jobId, const JobCallback &done);

    Store &m_store;
    EventBus &m_events;
    QHash<QString, JobPtr> m_onAgents; // ASSIGNED, RUNNING, CANCELLING
    QHash<QString, QByteArray> m_jsonCache; // API JSON of jobs on agents
    JobQueue m_queue; // QUEUED
    QHash<QString, Waiters> m_busy; // jobs with a change being stored
    IdempotencyCache m_idempotency;
    KeyQuotas m_quotas;
    QHash<QString, QList<JobCallback>> m_idempotencyPending; // key of a submit being stored -> repeats waiting
    QHash<JobState, qint64> m_counts;
    QHash<QString, QHash<JobState, qint64>> m_workspaceCounts;
    QTimer m_housekeeping;
};

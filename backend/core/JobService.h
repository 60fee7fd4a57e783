// The rules of jobs: submit, read, list, cancel, retry and every state transition. Unfinished jobs
// live in memory (the scheduler works on them); every change is stored before it is announced.
#pragma once

#include "ApiError.h"
#include "Job.h"
#include "JobRepository.h"
#include "Principal.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <functional>
#include <memory>

class Store;
class EventBus;

using JobPtr = std::shared_ptr<Job>;
using JobCallback = std::function<void(Result<JobPtr>)>;

struct SubmitOptions
{
    QString idempotencyKey;
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

    // For the scheduler and the agent plane. Unfinished jobs only.
    JobPtr find(const QString &id) const { return m_active.value(id); }
    const QHash<QString, JobPtr> &unfinished() const { return m_active; }
    // Moves job to `to`, appends history, stores, then announces. `mutate` runs before storing.
    Status transition(const JobPtr &job, JobState to, const QString &actor, const QString &reason,
                      const std::function<void(Job &)> &mutate = {}, std::function<void(bool)> done = {});
    void setPendingReason(const JobPtr &job, const QString &reason);
    // The agent running it is gone: a new attempt while lost-requeues remain (max(maxRetries, 2)),
    // else FAILED with `error`. A job being cancelled becomes CANCELLED.
    void requeueOrFail(const JobPtr &job, const QString &actor, const QString &error, const QString &reason);
    // The job failed on its own and has automatic retries left: a new attempt, straight back to QUEUED.
    void retryAutomatically(const JobPtr &job, const QString &actor, const QString &reason,
                            const std::function<void(Job &)> &recordOutcome, std::function<void(bool)> done);
    std::optional<JobState> terminalStateOf(const QString &id);   // from the store, for late results

    QHash<JobState, qint64> stateCounts() const { return m_counts; }
    qint64 queueDepth() const;

Q_SIGNALS:
    void jobQueued(const JobPtr &job);                      // new or requeued, after commit
    void jobChanged(const JobPtr &job, JobState from);      // after commit
    void cancelRequested(const JobPtr &job);                // a job on an agent must be stopped

private:
    QByteArray apiJson(const JobPtr &job);
    void storeChange(const JobPtr &job, JobState from, bool insert, const IdempotencyRecord *idem,
                     std::function<void(bool)> done);
    bool canManage(const Principal &p, const Job &job) const;
    void afterBarrier(std::function<void()> fn);

    Store &m_store;
    EventBus &m_events;
    QHash<QString, JobPtr> m_active;            // every unfinished job
    QHash<QString, QByteArray> m_jsonCache;     // API JSON of unfinished jobs
    QSet<QString> m_uncommitted;                // submitted, not yet durable
    QHash<QString, QString> m_idempotency;      // workspace \n key -> job id
    QHash<QString, qint64> m_idempotencyAt;
    QHash<JobState, qint64> m_counts;
};

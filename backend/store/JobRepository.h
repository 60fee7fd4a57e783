// SQL for jobs and idempotency keys. The `doc` column holds the job's API JSON, so a read is one fetch.
#pragma once

#include "Job.h"
#include "JobQuery.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <functional>
#include <optional>

class SqlSession;

struct IdempotencyRecord
{
    QString workspaceId;
    QString key;
    QString jobId;
    qint64 createdAt = 0;
};

// What placement needs of a QUEUED job, read without parsing its document in C++.
struct QueuedRow
{
    QString id;
    QString workspaceId;
    int priority = 0;
    qint64 queuedAt = 0;
    QString placementJson; // [type, resources, labels] as JSON text
};

namespace JobRepository {
bool insert(SqlSession &s, const Job &job, const QByteArray &doc);
bool update(SqlSession &s, const Job &job, const QByteArray &doc);
std::optional<QByteArray> doc(SqlSession &s, const QString &workspaceId, const QString &id);
std::optional<Job> job(SqlSession &s, const QString &workspaceId, const QString &id);
// Returns up to limit+1 rows (id, doc) so the caller can tell whether another page exists.
QList<QPair<QString, QByteArray>> list(SqlSession &s, const JobQuery &q, bool *ok);
QList<Job> loadOnAgents(SqlSession &s); // ASSIGNED, RUNNING, CANCELLING
bool forEachQueued(SqlSession &s, const std::function<void(const QueuedRow &)> &fn);
struct StateCount
{
    QString workspaceId;
    QString state;
    qint64 count = 0;
};
QList<StateCount> countByState(SqlSession &s); // per workspace and state
struct FinishedCount
{
    qint64 minute = 0; // ms since the epoch / 60000
    QString state;
    qint64 count = 0;
};
// Jobs of the workspace that finished since `sinceMs`, per minute and state (index jobs_finished).
QList<FinishedCount> finishedSince(SqlSession &s, const QString &workspaceId, qint64 sinceMs);
// The newest FAILED and the newest TIMED_OUT jobs, up to `limit` of each, by finish time.
QList<Job> recentFailures(SqlSession &s, const QString &workspaceId, int limit);
std::optional<JobState> stateOf(SqlSession &s, const QString &id);
// For API-key quotas at start: a key's unfinished jobs, and when its jobs of the workspace were submitted
// since `sinceMs` (walks the primary key from the ULID of sinceMs, not the whole table).
QStringList unfinishedJobsOfKey(SqlSession &s, const QString &workspaceId, const QString &keyId);
QList<qint64> submitTimesOfKey(SqlSession &s, const QString &workspaceId, const QString &keyId, qint64 sinceMs);

bool putIdempotencyKey(SqlSession &s, const IdempotencyRecord &r);
std::optional<IdempotencyRecord> idempotencyKey(SqlSession &s, const QString &workspaceId, const QString &key);
bool pruneIdempotencyKeys(SqlSession &s, qint64 beforeMs);
}

// SQL for jobs and idempotency keys. The `doc` column holds the job's API JSON, so a read is one fetch.
#pragma once

#include "Job.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <optional>

class SqlSession;

struct JobQuery
{
    QString workspaceId;
    std::optional<JobState> state;
    QList<QPair<QString, QString>> labels;   // all must match
    std::optional<qint64> since;             // createdAt >= since
    std::optional<qint64> until;             // createdAt < until
    int limit = 50;
    QString afterId;                         // cursor: ids strictly older than this
};

struct IdempotencyRecord
{
    QString workspaceId;
    QString key;
    QString jobId;
    qint64 createdAt = 0;
};

namespace JobRepository {
bool insert(SqlSession &s, const Job &job, const QByteArray &doc);
bool update(SqlSession &s, const Job &job, const QByteArray &doc);
std::optional<QByteArray> doc(SqlSession &s, const QString &workspaceId, const QString &id);
// Returns up to limit+1 rows (id, doc) so the caller can tell whether another page exists.
QList<QPair<QString, QByteArray>> list(SqlSession &s, const JobQuery &q, bool *ok);
QList<Job> loadUnfinished(SqlSession &s);
QList<QPair<QString, qint64>> countByState(SqlSession &s);

bool putIdempotencyKey(SqlSession &s, const IdempotencyRecord &r);
QList<IdempotencyRecord> idempotencyKeysSince(SqlSession &s, qint64 sinceMs);
bool pruneIdempotencyKeys(SqlSession &s, qint64 beforeMs);
}

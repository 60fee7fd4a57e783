// Jobs in SQLite: prepared statements only. The list walks an index newest-first from the cursor
// ((workspace_id, id), (workspace_id, state, id) or job_labels' key), so jobs inserted during a walk
// (newer ids) never shift its pages and a page costs the same with a thousand or a million jobs.
#include "JobRepository.h"
#include "SqlSession.h"
#include "Ulid.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QVariant>

#define UNFINISHED "state NOT IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED')"
#define FINISHED "state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED')"

namespace {
// A ULID's time is the time of its creation or, after the clock stepped back, a little later; bounds on
// createdAt become id bounds with that much slack, and the exact filter on created_at stays.
constexpr qint64 kIdClockSlackMs = 3600 * 1000;

QString idFloor(qint64 ms)
{
    return QStringLiteral("job_") + Ulid::floorOf(ms);
}
}

bool JobRepository::insert(SqlSession &s, const Job &job, const QByteArray &doc)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("INSERT INTO jobs(id, workspace_id, state, priority, created_at, updated_at, agent_id, doc) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(job.id);
    q.addBindValue(job.workspaceId);
    q.addBindValue(JobStates::name(job.state));
    q.addBindValue(job.spec.priority);
    q.addBindValue(job.createdAt);
    q.addBindValue(job.updatedAt);
    q.addBindValue(job.agentId.isEmpty() ? QVariant() : QVariant(job.agentId));
    q.addBindValue(QString::fromUtf8(doc));
    if (!SqlSession::run(q))
        return false;
    const auto &labels = job.spec.labels;
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        QSqlQuery &l
            = s.prepare(QStringLiteral("INSERT INTO job_labels(workspace_id, key, value, job_id) VALUES (?, ?, ?, ?)"));
        l.addBindValue(job.workspaceId);
        l.addBindValue(it.key());
        l.addBindValue(it.value());
        l.addBindValue(job.id);
        if (!SqlSession::run(l))
            return false;
    }
    return true;
}

bool JobRepository::update(SqlSession &s, const Job &job, const QByteArray &doc)
{
    QSqlQuery &q
        = s.prepare(QStringLiteral("UPDATE jobs SET state = ?, updated_at = ?, agent_id = ?, doc = ? WHERE id = ?"));
    q.addBindValue(JobStates::name(job.state));
    q.addBindValue(job.updatedAt);
    q.addBindValue(job.agentId.isEmpty() ? QVariant() : QVariant(job.agentId));
    q.addBindValue(QString::fromUtf8(doc));
    q.addBindValue(job.id);
    return SqlSession::run(q) && q.numRowsAffected() == 1;
}

std::optional<QByteArray> JobRepository::doc(SqlSession &s, const QString &workspaceId, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT doc FROM jobs WHERE id = ? AND workspace_id = ?"));
    q.addBindValue(id);
    q.addBindValue(workspaceId);
    if (!SqlSession::run(q) || !q.next())
        return std::nullopt;
    QByteArray out = q.value(0).toString().toUtf8();
    q.finish();
    return out;
}

std::optional<Job> JobRepository::job(SqlSession &s, const QString &workspaceId, const QString &id)
{
    const auto d = doc(s, workspaceId, id);
    if (!d)
        return std::nullopt;
    return Job::fromJson(QJsonDocument::fromJson(*d).object());
}

QList<QPair<QString, QByteArray>> JobRepository::list(SqlSession &s, const JobQuery &jq, bool *ok)
{
    // With a label filter the walk runs on job_labels' key for the first label, else on the jobs indexes.
    QString sql;
    QVariantList binds;
    qsizetype firstExtraLabel = 0;
    if (!jq.labels.isEmpty()) {
        sql = QStringLiteral("SELECT j.id, j.doc FROM job_labels l JOIN jobs j ON j.id = l.job_id "
                             "WHERE l.workspace_id = ? AND l.key = ? AND l.value = ?");
        binds << jq.workspaceId << jq.labels.first().first << jq.labels.first().second;
        firstExtraLabel = 1;
    } else {
        sql = QStringLiteral("SELECT j.id, j.doc FROM jobs j WHERE j.workspace_id = ?");
        binds << jq.workspaceId;
    }
    const QString idCol = jq.labels.isEmpty() ? QStringLiteral("j.id") : QStringLiteral("l.job_id");
    if (jq.state) {
        sql += QStringLiteral(" AND j.state = ?");
        binds << JobStates::name(*jq.state);
    }
    if (!jq.afterId.isEmpty()) {
        sql += QStringLiteral(" AND %1 < ?").arg(idCol);
        binds << jq.afterId;
    }
    if (!jq.idPrefix.isEmpty()) {
        // a range on the id index: ids are ASCII and '~' sorts after every character an id holds
        sql += QStringLiteral(" AND %1 >= ? AND %1 < ?").arg(idCol);
        binds << jq.idPrefix << jq.idPrefix + QLatin1Char('~');
    }
    if (jq.since) {
        sql += QStringLiteral(" AND %1 >= ? AND j.created_at >= ?").arg(idCol);
        binds << idFloor(*jq.since - kIdClockSlackMs) << *jq.since;
    }
    if (jq.until) {
        sql += QStringLiteral(" AND %1 < ? AND j.created_at < ?").arg(idCol);
        binds << idFloor(*jq.until + kIdClockSlackMs) << *jq.until;
    }
    for (qsizetype i = firstExtraLabel; i < jq.labels.size(); ++i) {
        sql += QStringLiteral(" AND json_extract(j.doc, ?) = ?");
        binds << QStringLiteral("$.labels.\"%1\"").arg(jq.labels[i].first) << jq.labels[i].second;
    }
    sql += QStringLiteral(" ORDER BY %1 DESC LIMIT ?").arg(idCol);
    binds << jq.limit + 1;

    QSqlQuery &q = s.prepare(sql);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    QList<QPair<QString, QByteArray>> rows;
    *ok = SqlSession::run(q);
    while (*ok && q.next())
        rows.append({q.value(0).toString(), q.value(1).toString().toUtf8()});
    q.finish();
    return rows;
}

QList<Job> JobRepository::loadOnAgents(SqlSession &s)
{
    // The terms of jobs_unfinished's WHERE, repeated, let the planner use that index: without them it
    // walks every job in id order (a million documents read to find a few hundred).
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT doc FROM jobs WHERE " UNFINISHED " AND state IN ('ASSIGNED', 'RUNNING', 'CANCELLING') ORDER BY id"));
    QList<Job> jobs;
    if (!SqlSession::run(q))
        return jobs;
    while (q.next())
        jobs.append(Job::fromJson(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object()));
    q.finish();
    return jobs;
}

bool JobRepository::forEachQueued(SqlSession &s, const std::function<void(const QueuedRow &)> &fn)
{
    // One parse of each document in SQLite; the caller parses each distinct placement text once.
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT id, workspace_id, priority, updated_at, "
        "json_extract(doc, '$.type', '$.resources', '$.labels') FROM jobs WHERE " UNFINISHED " AND state = 'QUEUED'"));
    if (!SqlSession::run(q))
        return false;
    QueuedRow r;
    while (q.next()) {
        r.id = q.value(0).toString();
        r.workspaceId = q.value(1).toString();
        r.priority = q.value(2).toInt();
        r.queuedAt = q.value(3).toLongLong();
        r.placementJson = q.value(4).toString();
        fn(r);
    }
    q.finish();
    return true;
}

QList<JobRepository::StateCount> JobRepository::countByState(SqlSession &s)
{
    // walks the (workspace_id, state, id) index, not the documents
    QSqlQuery &q
        = s.prepare(QStringLiteral("SELECT workspace_id, state, COUNT(*) FROM jobs GROUP BY workspace_id, state"));
    QList<StateCount> out;
    if (!SqlSession::run(q))
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong()});
    q.finish();
    return out;
}

QList<JobRepository::FinishedCount> JobRepository::finishedSince(
    SqlSession &s, const QString &workspaceId, qint64 sinceMs)
{
    // the jobs_finished index holds only finished jobs by finish time: this reads the last hour, no more
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT updated_at / 60000, state, COUNT(*) FROM jobs INDEXED BY jobs_finished WHERE workspace_id = ? "
        "AND " FINISHED " AND updated_at >= ? GROUP BY 1, 2"));
    q.addBindValue(workspaceId);
    q.addBindValue(sinceMs);
    QList<FinishedCount> out;
    if (!SqlSession::run(q))
        return out;
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toLongLong()});
    q.finish();
    return out;
}

QList<Job> JobRepository::recentFailures(SqlSession &s, const QString &workspaceId, int limit)
{
    // one walk of the index per state, newest first, `limit` rows each; merged by the caller
    QList<Job> out;
    // (the partial index's own condition is repeated: SQLite uses a partial index only when the query
    // names its WHERE; the equality then walks one state's rows newest first, without a sort)
    for (const QString &sql : {QStringLiteral("SELECT doc FROM jobs INDEXED BY jobs_finished WHERE workspace_id = ? "
                                              "AND " FINISHED " AND state = 'FAILED' ORDER BY updated_at DESC LIMIT ?"),
             QStringLiteral("SELECT doc FROM jobs INDEXED BY jobs_finished WHERE workspace_id = ? AND " FINISHED
                            " AND state = 'TIMED_OUT' ORDER BY updated_at DESC LIMIT ?")}) {
        QSqlQuery &q = s.prepare(sql);
        q.addBindValue(workspaceId);
        q.addBindValue(limit);
        if (!SqlSession::run(q))
            return out;
        while (q.next())
            out.append(Job::fromJson(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object()));
        q.finish();
    }
    return out;
}

std::optional<JobState> JobRepository::stateOf(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT state FROM jobs WHERE id = ?"));
    q.addBindValue(id);
    if (!SqlSession::run(q) || !q.next())
        return std::nullopt;
    const auto st = JobStates::parse(q.value(0).toString());
    q.finish();
    return st;
}

bool JobRepository::putIdempotencyKey(SqlSession &s, const IdempotencyRecord &r)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO idempotency_keys(workspace_id, key, job_id, created_at) VALUES (?, ?, ?, ?)"));
    q.addBindValue(r.workspaceId);
    q.addBindValue(r.key);
    q.addBindValue(r.jobId);
    q.addBindValue(r.createdAt);
    return SqlSession::run(q);
}

std::optional<IdempotencyRecord> JobRepository::idempotencyKey(
    SqlSession &s, const QString &workspaceId, const QString &key)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT job_id, created_at FROM idempotency_keys WHERE workspace_id = ? AND key = ?"));
    q.addBindValue(workspaceId);
    q.addBindValue(key);
    if (!SqlSession::run(q) || !q.next())
        return std::nullopt;
    IdempotencyRecord r {workspaceId, key, q.value(0).toString(), q.value(1).toLongLong()};
    q.finish();
    return r;
}

bool JobRepository::pruneIdempotencyKeys(SqlSession &s, qint64 beforeMs)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM idempotency_keys WHERE created_at < ?"));
    q.addBindValue(beforeMs);
    return SqlSession::run(q);
}

QStringList JobRepository::unfinishedJobsOfKey(SqlSession &s, const QString &workspaceId, const QString &keyId)
{
    QStringList out;
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT id FROM jobs WHERE state NOT IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED') "
                       "AND workspace_id = ? AND json_extract(doc, '$.apiKeyId') = ?"));
    q.addBindValue(workspaceId);
    q.addBindValue(keyId);
    if (!SqlSession::run(q))
        return out;
    while (q.next())
        out << q.value(0).toString();
    q.finish();
    return out;
}

QList<qint64> JobRepository::submitTimesOfKey(
    SqlSession &s, const QString &workspaceId, const QString &keyId, qint64 sinceMs)
{
    QList<qint64> out;
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT created_at FROM jobs WHERE workspace_id = ? AND id >= ? AND json_extract(doc, '$.apiKeyId') = ? "
        "ORDER BY id"));
    q.addBindValue(workspaceId);
    q.addBindValue(QStringLiteral("job_") + Ulid::floorOf(sinceMs));
    q.addBindValue(keyId);
    if (!SqlSession::run(q))
        return out;
    while (q.next())
        out << q.value(0).toLongLong();
    q.finish();
    return out;
}

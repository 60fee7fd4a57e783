// Jobs in SQLite: prepared statements only; list pagination walks the (workspace_id, id) index
// downwards from the cursor, so jobs inserted during a walk (newer ids) never shift its pages.
#include "JobRepository.h"
#include "SqlSession.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QVariant>

bool JobRepository::insert(SqlSession &s, const Job &job, const QByteArray &doc)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO jobs(id, workspace_id, state, priority, created_at, updated_at, agent_id, doc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(job.id);
    q.addBindValue(job.workspaceId);
    q.addBindValue(JobStates::name(job.state));
    q.addBindValue(job.spec.priority);
    q.addBindValue(job.createdAt);
    q.addBindValue(job.updatedAt);
    q.addBindValue(job.agentId.isEmpty() ? QVariant() : QVariant(job.agentId));
    q.addBindValue(QString::fromUtf8(doc));
    return SqlSession::run(q);
}

bool JobRepository::update(SqlSession &s, const Job &job, const QByteArray &doc)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "UPDATE jobs SET state = ?, updated_at = ?, agent_id = ?, doc = ? WHERE id = ?"));
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

QList<QPair<QString, QByteArray>> JobRepository::list(SqlSession &s, const JobQuery &jq, bool *ok)
{
    QString sql = QStringLiteral("SELECT id, doc FROM jobs WHERE workspace_id = ?");
    QVariantList binds{jq.workspaceId};
    if (jq.state) {
        sql += QStringLiteral(" AND state = ?");
        binds << JobStates::name(*jq.state);
    }
    if (!jq.afterId.isEmpty()) {
        sql += QStringLiteral(" AND id < ?");
        binds << jq.afterId;
    }
    if (jq.since) {
        sql += QStringLiteral(" AND created_at >= ?");
        binds << *jq.since;
    }
    if (jq.until) {
        sql += QStringLiteral(" AND created_at < ?");
        binds << *jq.until;
    }
    for (const auto &[key, value] : jq.labels) {
        sql += QStringLiteral(" AND json_extract(doc, ?) = ?");
        binds << QStringLiteral("$.labels.\"%1\"").arg(key) << value;
    }
    sql += QStringLiteral(" ORDER BY id DESC LIMIT ?");
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

QList<Job> JobRepository::loadUnfinished(SqlSession &s)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT doc FROM jobs WHERE state NOT IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED') ORDER BY id"));
    QList<Job> jobs;
    if (!SqlSession::run(q))
        return jobs;
    while (q.next())
        jobs.append(Job::fromJson(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object()));
    q.finish();
    return jobs;
}

QList<QPair<QString, qint64>> JobRepository::countByState(SqlSession &s)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT state, COUNT(*) FROM jobs GROUP BY state"));
    QList<QPair<QString, qint64>> out;
    if (!SqlSession::run(q))
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toLongLong()});
    q.finish();
    return out;
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

QList<IdempotencyRecord> JobRepository::idempotencyKeysSince(SqlSession &s, qint64 sinceMs)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT workspace_id, key, job_id, created_at FROM idempotency_keys WHERE created_at >= ?"));
    q.addBindValue(sinceMs);
    QList<IdempotencyRecord> out;
    if (!SqlSession::run(q))
        return out;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong()});
    q.finish();
    return out;
}

bool JobRepository::pruneIdempotencyKeys(SqlSession &s, qint64 beforeMs)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM idempotency_keys WHERE created_at < ?"));
    q.addBindValue(beforeMs);
    return SqlSession::run(q);
}

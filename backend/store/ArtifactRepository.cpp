// Artifact rows: one per file, unique per (job, attempt, name).
#include "ArtifactRepository.h"
#include "SqlSession.h"

#include <QVariant>

namespace {
const QString kColumns = QStringLiteral("id, job_id, workspace_id, attempt, name, size, sha256, created_at, complete");

Artifact readArtifact(const QSqlQuery &q)
{
    Artifact a;
    a.id = q.value(0).toString();
    a.jobId = q.value(1).toString();
    a.workspaceId = q.value(2).toString();
    a.attempt = q.value(3).toInt();
    a.name = q.value(4).toString();
    a.size = q.value(5).toLongLong();
    a.sha256 = q.value(6).toString();
    a.createdAtMs = q.value(7).toLongLong();
    a.complete = q.value(8).toInt() != 0;
    return a;
}
}

namespace ArtifactRepository {
bool insert(SqlSession &s, const Artifact &a)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("INSERT INTO artifacts (") + kColumns + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(a.id);
    q.addBindValue(a.jobId);
    q.addBindValue(a.workspaceId);
    q.addBindValue(a.attempt);
    q.addBindValue(a.name);
    q.addBindValue(a.size);
    q.addBindValue(a.sha256);
    q.addBindValue(a.createdAtMs);
    q.addBindValue(a.complete ? 1 : 0);
    return SqlSession::run(q);
}

bool markComplete(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("UPDATE artifacts SET complete = 1 WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::run(q);
}

bool remove(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM artifacts WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::run(q);
}

bool removeJob(SqlSession &s, const QString &jobId)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM artifacts WHERE job_id = ?"));
    q.addBindValue(jobId);
    return SqlSession::run(q);
}

std::optional<Artifact> find(SqlSession &s, const QString &jobId, const QString &id)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM artifacts WHERE id = ? AND job_id = ?"));
    q.addBindValue(id);
    q.addBindValue(jobId);
    return SqlSession::row<Artifact>(q, readArtifact);
}

std::optional<Artifact> byName(SqlSession &s, const QString &jobId, int attempt, const QString &name)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kColumns
        + QStringLiteral(" FROM artifacts WHERE job_id = ? AND attempt = ? AND name = ?"));
    q.addBindValue(jobId);
    q.addBindValue(attempt);
    q.addBindValue(name);
    return SqlSession::row<Artifact>(q, readArtifact);
}

QList<Artifact> list(SqlSession &s, const QString &jobId, int limit)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kColumns
        + QStringLiteral(" FROM artifacts WHERE job_id = ? AND complete = 1 ORDER BY created_at, id LIMIT ?"));
    q.addBindValue(jobId);
    q.addBindValue(limit);
    return SqlSession::rows<Artifact>(q, readArtifact);
}

qint64 jobBytes(SqlSession &s, const QString &jobId, int *count)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COALESCE(SUM(size), 0), COUNT(*) FROM artifacts WHERE job_id = ?"));
    q.addBindValue(jobId);
    const auto r = SqlSession::row<QPair<qint64, int>>(
        q, [](const QSqlQuery &q) { return qMakePair(q.value(0).toLongLong(), q.value(1).toInt()); });
    if (count)
        *count = r ? r->second : 0;
    return r ? r->first : 0;
}

QStringList jobsOlderThan(SqlSession &s, qint64 cutoffMs, int limit)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT DISTINCT job_id FROM artifacts WHERE created_at < ? ORDER BY job_id LIMIT ?"));
    q.addBindValue(cutoffMs);
    q.addBindValue(limit);
    const QList<QString> ids = SqlSession::rows<QString>(q, [](const QSqlQuery &q) { return q.value(0).toString(); });
    return QStringList(ids.begin(), ids.end());
}

QList<Artifact> staleIncomplete(SqlSession &s, qint64 beforeMs, int limit)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kColumns
        + QStringLiteral(" FROM artifacts WHERE complete = 0 AND created_at < ? LIMIT ?"));
    q.addBindValue(beforeMs);
    q.addBindValue(limit);
    return SqlSession::rows<Artifact>(q, readArtifact);
}
}

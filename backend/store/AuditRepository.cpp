// The audit log in SQLite. Lists walk (workspace_id, [actor|action|subject,] seq) from the cursor, so a
// page costs the same however long the log is.
#include "AuditRepository.h"
#include "SqlSession.h"

#include <QVariant>

namespace {
constexpr const char *kColumns = "seq, workspace_id, at, actor, action, subject, source, outcome, detail, "
                                 "prev_hash, hash";

AuditRecord readRow(const QSqlQuery &q)
{
    AuditRecord r;
    r.seq = q.value(0).toLongLong();
    r.workspaceId = q.value(1).toString();
    r.at = q.value(2).toLongLong();
    r.actor = q.value(3).toString();
    r.action = q.value(4).toString();
    r.subject = q.value(5).toString();
    r.source = q.value(6).toString();
    r.outcome = q.value(7).toString();
    r.detail = q.value(8).toString().toUtf8();
    r.prevHash = q.value(9).toString();
    r.hash = q.value(10).toString();
    return r;
}
}

bool AuditRepository::insert(SqlSession &s, const AuditRecord &r)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO audit_log(seq, workspace_id, at, actor, action, subject, source, outcome, detail, prev_hash, "
        "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(r.seq);
    q.addBindValue(r.workspaceId);
    q.addBindValue(r.at);
    q.addBindValue(r.actor);
    q.addBindValue(r.action);
    q.addBindValue(r.subject);
    q.addBindValue(r.source);
    q.addBindValue(r.outcome);
    q.addBindValue(QString::fromUtf8(r.detail));
    q.addBindValue(r.prevHash);
    q.addBindValue(r.hash);
    return SqlSession::run(q);
}

bool AuditRepository::setHead(SqlSession &s, const QString &workspaceId, const AuditHead &head)
{
    QSqlQuery &h = s.prepare(QStringLiteral(
        "INSERT INTO audit_heads(workspace_id, seq, hash, count) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(workspace_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, count = excluded.count"));
    h.addBindValue(workspaceId);
    h.addBindValue(head.seq);
    h.addBindValue(head.hash);
    h.addBindValue(head.count);
    return SqlSession::run(h);
}

std::optional<AuditHead> AuditRepository::head(SqlSession &s, const QString &workspaceId, bool *ok)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT seq, hash, count FROM audit_heads WHERE workspace_id = ?"));
    q.addBindValue(workspaceId);
    const bool ran = SqlSession::run(q);
    if (ok)
        *ok = ran;
    if (!ran || !q.next())
        return std::nullopt;
    AuditHead h {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toLongLong()};
    q.finish();
    return h;
}

qint64 AuditRepository::maxLoggedSeq(SqlSession &s, bool *ok)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM audit_log"));
    *ok = SqlSession::run(q) && q.next();
    const qint64 n = *ok ? q.value(0).toLongLong() : 0;
    q.finish();
    return n;
}

qint64 AuditRepository::maxSeq(SqlSession &s, bool *ok)
{
    const qint64 logged = maxLoggedSeq(s, ok);
    if (!*ok)
        return 0;
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM audit_heads"));
    *ok = SqlSession::run(q) && q.next();
    const qint64 heads = *ok ? q.value(0).toLongLong() : 0;
    q.finish();
    return std::max(logged, heads);
}

QList<AuditRecord> AuditRepository::query(SqlSession &s, const AuditQuery &aq, bool *ok)
{
    // Only the filters present appear in the SQL, so the planner picks the index that matches them.
    QString sql = QStringLiteral("SELECT %1 FROM audit_log WHERE workspace_id = ?").arg(QLatin1String(kColumns));
    QVariantList binds {aq.workspaceId};
    if (!aq.actor.isEmpty()) {
        sql += QStringLiteral(" AND actor = ?");
        binds << aq.actor;
    }
    if (!aq.action.isEmpty()) {
        sql += QStringLiteral(" AND action = ?");
        binds << aq.action;
    }
    if (!aq.subject.isEmpty()) {
        sql += QStringLiteral(" AND subject = ?");
        binds << aq.subject;
    }
    if (aq.since) {
        sql += QStringLiteral(" AND at >= ?");
        binds << *aq.since;
    }
    if (aq.until) {
        sql += QStringLiteral(" AND at < ?");
        binds << *aq.until;
    }
    sql += QStringLiteral(" AND seq > ? ORDER BY seq LIMIT ?");
    binds << aq.afterSeq << aq.limit + 1;
    QSqlQuery &q = s.prepare(sql);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    QList<AuditRecord> rows;
    *ok = SqlSession::run(q);
    while (*ok && q.next())
        rows.append(readRow(q));
    q.finish();
    return rows;
}

bool AuditRepository::forEachInChain(
    SqlSession &s, const QString &workspaceId, qint64 maxSeq, const std::function<bool(const AuditRecord &)> &fn)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT %1 FROM audit_log WHERE workspace_id = ? AND seq <= ? ORDER BY seq")
                                 .arg(QLatin1String(kColumns)));
    q.addBindValue(workspaceId);
    q.addBindValue(maxSeq);
    if (!SqlSession::run(q))
        return false;
    while (q.next()) {
        if (!fn(readRow(q)))
            break;
    }
    q.finish();
    return true;
}

// Agents and events in SQLite.
#include "AgentRepository.h"
#include "SqlSession.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QVariant>

bool AgentRepository::upsert(SqlSession &s, const Agent &a)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO agents(id, workspace_id, name, state, doc, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET name = excluded.name, state = excluded.state, doc = excluded.doc"));
    q.addBindValue(a.id);
    q.addBindValue(a.workspaceId);
    q.addBindValue(a.name);
    q.addBindValue(Agent::stateName(a.state));
    q.addBindValue(QString::fromUtf8(QJsonDocument(a.toJson()).toJson(QJsonDocument::Compact)));
    q.addBindValue(a.registeredAt);
    return SqlSession::run(q);
}

bool AgentRepository::remove(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM agents WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::run(q);
}

QList<Agent> AgentRepository::loadAll(SqlSession &s)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT doc FROM agents ORDER BY id"));
    QList<Agent> out;
    if (!SqlSession::run(q))
        return out;
    while (q.next())
        out.append(Agent::fromJson(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object()));
    q.finish();
    return out;
}

bool EventRepository::insert(SqlSession &s, const StoredEvent &e)
{
    QSqlQuery &q
        = s.prepare(QStringLiteral("INSERT INTO events(seq, workspace_id, type, at, doc) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(e.seq);
    q.addBindValue(e.workspaceId);
    q.addBindValue(e.type);
    q.addBindValue(e.at);
    q.addBindValue(QString::fromUtf8(e.doc));
    return SqlSession::run(q);
}

QList<StoredEvent> EventRepository::after(SqlSession &s, qint64 seq, int limit)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT seq, workspace_id, type, at, doc FROM events WHERE seq > ? ORDER BY seq LIMIT ?"));
    q.addBindValue(seq);
    q.addBindValue(limit);
    QList<StoredEvent> out;
    if (!SqlSession::run(q))
        return out;
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong(),
            q.value(4).toString().toUtf8()});
    q.finish();
    return out;
}

qint64 EventRepository::maxSeq(SqlSession &s)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COALESCE(MAX(seq), 0) FROM events"));
    if (!SqlSession::run(q) || !q.next())
        return 0;
    const qint64 v = q.value(0).toLongLong();
    q.finish();
    return v;
}

bool EventRepository::pruneBefore(SqlSession &s, qint64 seq)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM events WHERE seq < ?"));
    q.addBindValue(seq);
    return SqlSession::run(q);
}

int EventRepository::pruneOldest(SqlSession &s, qint64 cutoffMs, int limit)
{
    QSqlQuery &first = s.prepare(QStringLiteral("SELECT MIN(seq) FROM events"));
    if (!SqlSession::run(first) || !first.next())
        return -1;
    const QVariant v = first.value(0);
    first.finish();
    if (v.isNull())
        return 0;
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM events WHERE seq < ? AND at < ?"));
    q.addBindValue(v.toLongLong() + limit);
    q.addBindValue(cutoffMs);
    if (!SqlSession::run(q))
        return -1;
    return q.numRowsAffected();
}

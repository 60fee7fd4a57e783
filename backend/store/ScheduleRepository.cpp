// Every statement prepared and cached per connection; the definition and the firing record are written by
// separate statements, so an edit never overwrites a slot fired meanwhile (nor the reverse).
#include "ScheduleRepository.h"
#include "SqlSession.h"

#include <QJsonDocument>
#include <QVariant>

namespace {
// the text columns are NOT NULL: a null QString would bind as NULL
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}
}

bool ScheduleRepository::insert(SqlSession &s, const Schedule &sch)
{
    QSqlQuery &q = s.prepare(QStringLiteral("INSERT INTO schedules(id, workspace_id, doc, created_at, last_slot, "
                                            "last_job_id, last_outcome) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(sch.id);
    q.addBindValue(sch.workspaceId);
    q.addBindValue(QString::fromUtf8(QJsonDocument(sch.definitionJson()).toJson(QJsonDocument::Compact)));
    q.addBindValue(sch.createdAt);
    q.addBindValue(sch.lastSlot);
    q.addBindValue(text(sch.lastJobId));
    q.addBindValue(text(sch.lastOutcome));
    return SqlSession::run(q);
}

bool ScheduleRepository::updateDefinition(SqlSession &s, const Schedule &sch)
{
    QSqlQuery &q = s.prepare(QStringLiteral("UPDATE schedules SET doc = ? WHERE id = ? AND workspace_id = ?"));
    q.addBindValue(QString::fromUtf8(QJsonDocument(sch.definitionJson()).toJson(QJsonDocument::Compact)));
    q.addBindValue(sch.id);
    q.addBindValue(sch.workspaceId);
    return SqlSession::run(q);
}

bool ScheduleRepository::recordSlot(
    SqlSession &s, const QString &id, qint64 slot, const QString &jobId, const QString &outcome)
{
    // never backwards: a late write of an older slot leaves the newer record
    QSqlQuery &q = s.prepare(QStringLiteral("UPDATE schedules SET last_slot = ?, last_job_id = ?, last_outcome = ? "
                                            "WHERE id = ? AND last_slot <= ?"));
    q.addBindValue(slot);
    q.addBindValue(text(jobId));
    q.addBindValue(text(outcome));
    q.addBindValue(id);
    q.addBindValue(slot);
    return SqlSession::run(q);
}

bool ScheduleRepository::remove(SqlSession &s, const QString &workspaceId, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM schedules WHERE id = ? AND workspace_id = ?"));
    q.addBindValue(id);
    q.addBindValue(workspaceId);
    return SqlSession::run(q);
}

QList<Schedule> ScheduleRepository::loadAll(SqlSession &s, bool *ok)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT id, workspace_id, doc, last_slot, last_job_id, last_outcome "
                                            "FROM schedules ORDER BY created_at, id"));
    if (ok)
        *ok = true;
    return SqlSession::rows<Schedule>(q, [](const QSqlQuery &r) {
        Schedule sch = Schedule::fromDefinition(QJsonDocument::fromJson(r.value(2).toString().toUtf8()).object());
        sch.id = r.value(0).toString();
        sch.workspaceId = r.value(1).toString();
        sch.lastSlot = r.value(3).toLongLong();
        sch.lastJobId = r.value(4).toString();
        sch.lastOutcome = r.value(5).toString();
        return sch;
    });
}

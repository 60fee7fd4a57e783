// SQL for schedules: definitions (a JSON document) and each schedule's firing record.
#pragma once

#include "Schedule.h"

#include <QList>

class SqlSession;

namespace ScheduleRepository {
bool insert(SqlSession &s, const Schedule &sch);
bool updateDefinition(SqlSession &s, const Schedule &sch);
// The slot `slot` was handled (a job submitted, or skipped): called in the job's own transaction.
bool recordSlot(SqlSession &s, const QString &id, qint64 slot, const QString &jobId, const QString &outcome);
bool remove(SqlSession &s, const QString &workspaceId, const QString &id);
QList<Schedule> loadAll(SqlSession &s, bool *ok = nullptr);
}

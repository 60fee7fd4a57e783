// JSON of the schedule answers into the client's types.
#include "ScheduleTypes.h"

#include <QJsonArray>

ScheduleView ScheduleView::fromJson(const QJsonObject &o)
{
    ScheduleView s;
    s.id = o.value(QStringLiteral("id")).toString();
    s.name = o.value(QStringLiteral("name")).toString();
    s.cron = o.value(QStringLiteral("cron")).toString();
    s.timeZone = o.value(QStringLiteral("timeZone")).toString();
    s.concurrencyPolicy = o.value(QStringLiteral("concurrencyPolicy")).toString();
    s.catchUp = o.value(QStringLiteral("catchUp")).toString();
    s.paused = o.value(QStringLiteral("paused")).toBool();
    s.jobTemplate = o.value(QStringLiteral("jobTemplate")).toObject();
    for (const auto &v : o.value(QStringLiteral("nextRuns")).toArray())
        s.nextRuns << v.toString();
    const QJsonObject last = o.value(QStringLiteral("lastRun")).toObject();
    s.lastSlot = last.value(QStringLiteral("slot")).toString();
    s.lastJobId = last.value(QStringLiteral("jobId")).toString();
    s.lastOutcome = last.value(QStringLiteral("outcome")).toString();
    s.lastState = last.value(QStringLiteral("state")).toString();
    s.json = o;
    return s;
}

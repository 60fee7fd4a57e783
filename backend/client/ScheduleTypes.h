// Schedules as the client sees them (GET /v0/schedules…): the definition, the next run times and the last run.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

struct ScheduleView
{
    QString id;
    QString name;
    QString cron;
    QString timeZone;
    QString concurrencyPolicy; // allow | forbid | replace
    QString catchUp; // once | skip
    bool paused = false;
    QJsonObject jobTemplate;
    QStringList nextRuns; // ISO times, UTC
    QString lastSlot; // ISO; empty when it never ran
    QString lastJobId;
    QString lastOutcome;
    QString lastState; // the last run's job state, if it has a job
    QJsonObject json;
    static ScheduleView fromJson(const QJsonObject &o);
};

struct ScheduleList
{
    QList<ScheduleView> schedules;
    QJsonObject json;
};

struct SchedulePreview
{
    QString cron;
    QString timeZone;
    QStringList nextRuns;
    QJsonObject json;
};

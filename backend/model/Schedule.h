// A schedule: a cron expression in a time zone, the job it submits at each slot, and what happens when a
// run is still active or slots were missed while the control plane was down.
#pragma once

#include "ApiError.h"

#include <QJsonObject>
#include <QString>

enum class ConcurrencyPolicy { Allow, Forbid, Replace };
enum class CatchUpPolicy { Once, Skip };

struct Schedule
{
    static constexpr int kMaxName = 128;

    QString id; // "sch_…"
    QString workspaceId;
    QString name;
    QString cron;
    QString timeZone = QStringLiteral("UTC");
    QJsonObject jobTemplate; // a submit body, validated like POST /v0/jobs
    ConcurrencyPolicy concurrency = ConcurrencyPolicy::Allow;
    CatchUpPolicy catchUp = CatchUpPolicy::Once;
    bool paused = false;
    QString createdBy; // the actor its jobs are submitted as ("user:<id>" or "key:<id>")
    qint64 createdAt = 0; // ms since epoch, on the schedules' clock
    qint64 updatedAt = 0;
    qint64 anchorAt = 0; // slots at or before this never run (set on create, resume, and a new cron or zone)

    // The firing record, stored in the same transaction as the job a slot created.
    qint64 lastSlot = 0; // the last slot handled (run or skipped), 0: none yet
    QString lastJobId; // the job of the last run, empty if none
    QString lastOutcome; // "submitted", "skipped: …", "failed: …"

    // Validates a POST body (create: name, cron and jobTemplate required) or a PATCH body (any subset) and
    // applies it to `s`; 422 with per-field messages (jobTemplate's as "jobTemplate.<field>").
    static Status apply(const QJsonObject &body, bool create, Schedule &s);

    QJsonObject definitionJson() const; // the stored definition (no firing record)
    static Schedule fromDefinition(const QJsonObject &o); // trusted input (the store)

    static QString policyName(ConcurrencyPolicy p);
    static QString policyName(CatchUpPolicy p);
};

// Schedules: their rules (create, read, change, pause, delete, preview) and their firing. All schedules live
// in memory (a bounded number per workspace); one single-shot timer on this thread wakes at the earliest due
// slot, and each slot's job is submitted through JobService with the slot record in the job's transaction.
#pragma once

#include "ApiError.h"
#include "CronExpression.h"
#include "Principal.h"
#include "Schedule.h"
#include "ScheduleClock.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>
#include <memory>
#include <set>

class Store;
class JobService;

using ScheduleCallback = std::function<void(Result<QJsonObject>)>;

class ScheduleService : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxPerWorkspace = 500;
    static constexpr int kPreviewRuns = 5;

    ScheduleService(Store &store, JobService &jobs, ScheduleClock clock, QObject *parent = nullptr);

    bool load(QString *error); // reads every schedule and arms the timer

    // Each answers (after commit where something changes) with the schedule's API JSON.
    void create(const Principal &p, const QJsonObject &body, ScheduleCallback done);
    void update(const Principal &p, const QString &id, const QJsonObject &body, ScheduleCallback done);
    void setPaused(const Principal &p, const QString &id, bool paused, ScheduleCallback done);
    void remove(const Principal &p, const QString &id, ScheduleCallback done);
    Result<QJsonObject> get(const Principal &p, const QString &id) const;
    QJsonObject list(const Principal &p) const;
    // {cron, timeZone} -> {cron, timeZone, nextRuns}: the next five run times, before anything is saved.
    Result<QJsonObject> preview(const QJsonObject &body) const;

    const ScheduleClock &clock() const { return m_clock; }
    qsizetype count() const { return m_schedules.size(); }

Q_SIGNALS:
    void slotHandled(const QString &scheduleId, qint64 slot, const QString &jobId); // after commit

private:
    using SchedulePtr = std::shared_ptr<Schedule>;
    SchedulePtr mine(const Principal &p, const QString &id) const; // nullptr: not found in p's workspace
    QJsonObject apiJson(const Schedule &s) const;
    void store(const SchedulePtr &next, bool isNew, ScheduleCallback done);

    // firing
    void arm(const Schedule &s); // (re)computes its due time
    void disarm(const QString &id);
    void rearmTimer();
    void tick();
    void fire(const SchedulePtr &s, qint64 slot, bool missed);
    void submitRun(const QString &id, qint64 slot);
    void handled(const QString &id, qint64 slot, const QString &jobId, const QString &outcome, bool durable);
    std::optional<qint64> latestDueSlot(const Schedule &s, qint64 now) const;
    static Principal actorOf(const Schedule &s);

    Store &m_store;
    JobService &m_jobs;
    ScheduleClock m_clock;
    qint64 m_startedAt = 0; // slots before this came due while the control plane was down
    QHash<QString, SchedulePtr> m_schedules;
    QHash<QString, int> m_perWorkspace;
    std::set<std::pair<qint64, QString>> m_due; // (due time on the clock, schedule id)
    QHash<QString, qint64> m_dueOf;
    QSet<QString> m_firing; // a slot's job is being stored
    QTimer m_timer;
};

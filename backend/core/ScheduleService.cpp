// Firing rules: a slot that came due while this process runs is run (several due at once, after a stall,
// run once); a slot that came due while the control plane was down is run once (catchUp once) or skipped.
// A slot counts as handled only when its record is stored; a job's slot record is stored with the job.
#include "ScheduleService.h"
#include "Job.h"
#include "JobRepository.h"
#include "JobService.h"
#include "ScheduleRepository.h"
#include "Store.h"
#include "Ulid.h"

#include <QDebug>
#include <QJsonArray>

#include <algorithm>

namespace {
constexpr int kFiresPerTick = 32; // bounded work per timer wake-up; the rest follow on the next turn
constexpr qint64 kMaxTimerMs = 3600 * 1000; // re-check at least hourly (the wall clock may have jumped)

ApiError unavailable()
{
    return ApiError::make(ErrorCode::Unavailable, QStringLiteral("the change could not be stored; nothing changed"),
        {{QStringLiteral("retryAfter"), 1}});
}

ApiError noSchedule(const QString &id)
{
    return ApiError::notFound(QStringLiteral("no schedule '%1'").arg(id.left(64)));
}
} // namespace

ScheduleService::ScheduleService(Store &store, JobService &jobs, ScheduleClock clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_jobs(jobs)
    , m_clock(clock)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ScheduleService::tick);
}

bool ScheduleService::load(QString *error)
{
    Q_UNUSED(error);
    m_startedAt = m_clock.nowMs();
    if (m_clock.isTestClock()) // tests tell slots missed while down from slots run live by this instant
        qInfo().noquote() << "schedules: started at" << isoTime(m_startedAt) << "on the test clock";
    for (const Schedule &s : ScheduleRepository::loadAll(m_store.reader())) {
        auto p = std::make_shared<Schedule>(s);
        m_schedules.insert(p->id, p);
        ++m_perWorkspace[p->workspaceId];
        arm(*p);
    }
    rearmTimer();
    return true;
}

ScheduleService::SchedulePtr ScheduleService::mine(const Principal &p, const QString &id) const
{
    SchedulePtr s = m_schedules.value(id);
    return s && s->workspaceId == p.workspaceId ? s : nullptr;
}

Principal ScheduleService::actorOf(const Schedule &s)
{
    Principal p;
    p.workspaceId = s.workspaceId;
    p.role = Role::Member; // only "own job" rights: it cancels (replace) the runs it submitted itself
    if (s.createdBy.startsWith(QLatin1String("user:"))) {
        p.kind = Principal::Kind::User;
        p.userId = s.createdBy.mid(5);
    } else {
        p.kind = Principal::Kind::Key;
        p.keyId = s.createdBy.mid(4);
    }
    return p;
}

QJsonObject ScheduleService::apiJson(const Schedule &s) const
{
    QJsonObject o = s.definitionJson();
    o.remove(QStringLiteral("anchorAt"));
    o.insert(QStringLiteral("id"), s.id);
    o.insert(QStringLiteral("workspaceId"), s.workspaceId);
    o.insert(QStringLiteral("createdAt"), isoTime(s.createdAt));
    o.insert(QStringLiteral("updatedAt"), isoTime(s.updatedAt));
    QJsonArray next;
    const auto cron = CronExpression::parse(s.cron);
    const auto zone = CronExpression::zone(s.timeZone);
    if (!s.paused && cron && zone)
        for (qint64 t : cron->nextRuns(std::max({m_clock.nowMs(), s.lastSlot, s.anchorAt}), *zone, kPreviewRuns))
            next.append(isoTime(t));
    o.insert(QStringLiteral("nextRuns"), next);
    if (s.lastSlot > 0) {
        QJsonObject last {{QStringLiteral("slot"), isoTime(s.lastSlot)}, {QStringLiteral("outcome"), s.lastOutcome},
            {QStringLiteral("jobId"), s.lastJobId.isEmpty() ? QJsonValue() : QJsonValue(s.lastJobId)}};
        if (!s.lastJobId.isEmpty()) {
            std::optional<JobState> st;
            if (const JobPtr j = m_jobs.find(s.lastJobId))
                st = j->state;
            else
                st = JobRepository::stateOf(m_store.reader(), s.lastJobId);
            if (st)
                last.insert(QStringLiteral("state"), JobStates::name(*st));
        }
        o.insert(QStringLiteral("lastRun"), last);
    } else {
        o.insert(QStringLiteral("lastRun"), QJsonValue());
    }
    return o;
}

Result<QJsonObject> ScheduleService::get(const Principal &p, const QString &id) const
{
    const SchedulePtr s = mine(p, id);
    if (!s)
        return noSchedule(id);
    return apiJson(*s);
}

QJsonObject ScheduleService::list(const Principal &p) const
{
    QList<SchedulePtr> own;
    for (const SchedulePtr &s : m_schedules)
        if (s->workspaceId == p.workspaceId)
            own << s;
    std::sort(own.begin(), own.end(), [](const SchedulePtr &a, const SchedulePtr &b) { return a->id < b->id; });
    QJsonArray out;
    for (const SchedulePtr &s : own)
        out.append(apiJson(*s));
    return {{QStringLiteral("schedules"), out}};
}

Result<QJsonObject> ScheduleService::preview(const QJsonObject &body) const
{
    QJsonObject fields;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != QLatin1String("cron") && it.key() != QLatin1String("timeZone"))
            fields.insert(it.key().left(64), QStringLiteral("unknown field"));
    QString why;
    const QJsonValue cronValue = body.value(QStringLiteral("cron"));
    const auto cron = cronValue.isString() ? CronExpression::parse(cronValue.toString(), &why) : std::nullopt;
    if (!cronValue.isString())
        fields.insert(QStringLiteral("cron"), QStringLiteral("is required (a string)"));
    else if (!cron)
        fields.insert(QStringLiteral("cron"), why);
    const QJsonValue zoneValue = body.value(QStringLiteral("timeZone"));
    const QString zoneName
        = zoneValue.isUndefined() || zoneValue.isNull() ? QStringLiteral("UTC") : zoneValue.toString();
    const auto zone = CronExpression::zone(zoneName);
    if (!zone)
        fields.insert(QStringLiteral("timeZone"),
            QStringLiteral("'%1' is not a known IANA time zone (e.g. Europe/Berlin, UTC)").arg(zoneName.left(64)));
    if (!fields.isEmpty())
        return ApiError::validation(fields);
    QJsonArray next;
    for (qint64 t : cron->nextRuns(m_clock.nowMs(), *zone, kPreviewRuns))
        next.append(isoTime(t));
    if (next.isEmpty())
        return ApiError::validation(
            {{QStringLiteral("cron"), QStringLiteral("never matches a date (e.g. 30 February)")}});
    return QJsonObject {{QStringLiteral("cron"), cron->text()}, {QStringLiteral("timeZone"), zoneName},
        {QStringLiteral("nextRuns"), next}};
}

void ScheduleService::create(const Principal &p, const QJsonObject &body, ScheduleCallback done)
{
    auto s = std::make_shared<Schedule>();
    if (const Status st = Schedule::apply(body, true, *s); !st)
        return done(st.error());
    if (m_perWorkspace.value(p.workspaceId) >= kMaxPerWorkspace)
        return done(ApiError::conflict(
            QStringLiteral("this workspace already has %1 schedules, the most it may have").arg(kMaxPerWorkspace)));
    const qint64 now = m_clock.nowMs();
    s->id = Ulid::withPrefix(QStringLiteral("sch"));
    s->workspaceId = p.workspaceId;
    s->createdBy = p.actor();
    s->createdAt = s->updatedAt = s->anchorAt = now;
    store(s, true, std::move(done));
}

void ScheduleService::update(const Principal &p, const QString &id, const QJsonObject &body, ScheduleCallback done)
{
    const SchedulePtr cur = mine(p, id);
    if (!cur)
        return done(noSchedule(id));
    auto next = std::make_shared<Schedule>(*cur);
    if (const Status st = Schedule::apply(body, false, *next); !st)
        return done(st.error());
    const qint64 now = m_clock.nowMs();
    // slots before a new timing, or before a resume, are not owed: nothing is caught up for them
    if (next->cron != cur->cron || next->timeZone != cur->timeZone || (cur->paused && !next->paused))
        next->anchorAt = std::max(next->anchorAt, now);
    next->updatedAt = now;
    store(next, false, std::move(done));
}

void ScheduleService::setPaused(const Principal &p, const QString &id, bool paused, ScheduleCallback done)
{
    update(p, id, {{QStringLiteral("paused"), paused}}, std::move(done));
}

void ScheduleService::store(const SchedulePtr &next, bool isNew, ScheduleCallback done)
{
    const Schedule snapshot = *next;
    const bool queued = m_store.writer().enqueue(
        [snapshot, isNew](SqlSession &s) {
            return isNew ? ScheduleRepository::insert(s, snapshot) : ScheduleRepository::updateDefinition(s, snapshot);
        },
        [this, next, isNew, done](bool ok) {
            if (!ok)
                return done(unavailable());
            SchedulePtr target = next;
            if (isNew) {
                m_schedules.insert(next->id, next);
                ++m_perWorkspace[next->workspaceId];
            } else {
                target = m_schedules.value(next->id);
                if (!target)
                    return done(noSchedule(next->id)); // deleted meanwhile
                // the definition changes; the firing record stays what it is now (a slot may have fired)
                Schedule merged = *next;
                merged.lastSlot = target->lastSlot;
                merged.lastJobId = target->lastJobId;
                merged.lastOutcome = target->lastOutcome;
                *target = merged;
            }
            arm(*target);
            rearmTimer();
            done(apiJson(*target));
        },
        StoreWriter::Admission::IfRoom);
    if (!queued)
        done(unavailable());
}

void ScheduleService::remove(const Principal &p, const QString &id, ScheduleCallback done)
{
    const SchedulePtr cur = mine(p, id);
    if (!cur)
        return done(noSchedule(id));
    const QString ws = cur->workspaceId;
    const bool queued
        = m_store.writer().enqueue([ws, id](SqlSession &s) { return ScheduleRepository::remove(s, ws, id); },
            [this, ws, id, done](bool ok) {
                if (!ok)
                    return done(unavailable());
                if (m_schedules.remove(id))
                    --m_perWorkspace[ws];
                disarm(id);
                rearmTimer();
                done(QJsonObject {{QStringLiteral("id"), id}, {QStringLiteral("deleted"), true}});
            },
            StoreWriter::Admission::IfRoom);
    if (!queued)
        done(unavailable());
}

// ---- firing ----

void ScheduleService::disarm(const QString &id)
{
    const auto it = m_dueOf.find(id);
    if (it == m_dueOf.end())
        return;
    m_due.erase({it.value(), id});
    m_dueOf.erase(it);
}

void ScheduleService::arm(const Schedule &s)
{
    disarm(s.id);
    if (s.paused || m_firing.contains(s.id))
        return;
    const auto cron = CronExpression::parse(s.cron);
    const auto zone = CronExpression::zone(s.timeZone);
    if (!cron || !zone)
        return;
    if (const auto next = cron->next(std::max(s.lastSlot, s.anchorAt), *zone)) {
        m_due.insert({*next, s.id});
        m_dueOf.insert(s.id, *next);
    }
}

void ScheduleService::rearmTimer()
{
    if (m_due.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = m_clock.realDelayMs(m_due.begin()->first - m_clock.nowMs());
    m_timer.start(int(std::clamp<qint64>(wait, 0, kMaxTimerMs)));
}

std::optional<qint64> ScheduleService::latestDueSlot(const Schedule &s, qint64 now) const
{
    const auto cron = CronExpression::parse(s.cron);
    const auto zone = CronExpression::zone(s.timeZone);
    if (!cron || !zone)
        return std::nullopt;
    const auto first = cron->next(std::max(s.lastSlot, s.anchorAt), *zone);
    if (!first || *first > now)
        return std::nullopt;
    // After a long downtime, start near `now` instead of walking every slot since the last one.
    qint64 latest = *first;
    for (qint64 window : {3600LL * 1000, 86400LL * 1000, 32 * 86400LL * 1000, 367 * 86400LL * 1000}) {
        if (now - window <= latest)
            break;
        if (const auto c = cron->next(now - window, *zone); c && *c <= now) {
            latest = *c;
            break;
        }
    }
    for (int i = 0; i < 100000; ++i) {
        const auto n = cron->next(latest, *zone);
        if (!n || *n > now)
            break;
        latest = *n;
    }
    return latest;
}

void ScheduleService::tick()
{
    const qint64 now = m_clock.nowMs();
    int fired = 0;
    while (!m_due.empty() && m_due.begin()->first <= now && fired < kFiresPerTick) {
        const QString id = m_due.begin()->second;
        disarm(id);
        const SchedulePtr s = m_schedules.value(id);
        if (!s || s->paused || m_firing.contains(id))
            continue;
        const auto slot = latestDueSlot(*s, now);
        if (!slot) {
            arm(*s);
            continue;
        }
        ++fired;
        m_firing.insert(id);
        fire(s, *slot, *slot < m_startedAt);
    }
    rearmTimer();
}

void ScheduleService::fire(const SchedulePtr &s, qint64 slot, bool missed)
{
    if (missed && s->catchUp == CatchUpPolicy::Skip)
        return handled(s->id, slot, s->lastJobId,
            QStringLiteral("skipped: missed while the control plane was down (catchUp skip)"), false);
    const bool active = !s->lastJobId.isEmpty() && m_jobs.isUnfinished(s->lastJobId);
    if (active && s->concurrency == ConcurrencyPolicy::Forbid)
        return handled(s->id, slot, s->lastJobId,
            QStringLiteral("skipped: the previous run %1 is still active (forbid)").arg(s->lastJobId), false);
    if (active && s->concurrency == ConcurrencyPolicy::Replace) {
        const QString id = s->id;
        m_jobs.cancel(actorOf(*s), s->lastJobId, QStringLiteral("replaced by the next run of schedule ") + id,
            [this, id, slot](Result<JobPtr>) { submitRun(id, slot); });
        return;
    }
    submitRun(s->id, slot);
}

void ScheduleService::submitRun(const QString &id, qint64 slot)
{
    const SchedulePtr s = m_schedules.value(id);
    if (!s) {
        m_firing.remove(id);
        return;
    }
    auto spec = JobSpec::fromJson(s->jobTemplate);
    if (!spec)
        return handled(id, slot, QString(), QStringLiteral("failed: the job template is not valid"), false);
    spec.value().labels.insert(QStringLiteral("tanvrit/schedule"), id);
    spec.value().labels.insert(QStringLiteral("tanvrit/schedule-slot"), isoTime(slot)); // which slot this run is for
    SubmitOptions opts;
    opts.alsoStore = [id, slot](SqlSession &sql, const Job &job) {
        return ScheduleRepository::recordSlot(sql, id, slot, job.id, QStringLiteral("submitted"));
    };
    m_jobs.submit(actorOf(*s), std::move(spec.value()), opts, [this, id, slot](Result<JobPtr> r) {
        if (r)
            return handled(id, slot, r.value()->id, QStringLiteral("submitted"), true);
        qWarning().noquote() << "schedules:" << id << "could not submit its run:" << r.error().message;
        handled(id, slot, QString(), QStringLiteral("failed: ") + r.error().message.left(300), false);
    });
}

void ScheduleService::handled(
    const QString &id, qint64 slot, const QString &jobId, const QString &outcome, bool durable)
{
    auto apply = [this, id, slot, jobId, outcome] {
        m_firing.remove(id);
        if (const SchedulePtr s = m_schedules.value(id)) {
            if (slot > s->lastSlot) {
                s->lastSlot = slot;
                s->lastJobId = jobId;
                s->lastOutcome = outcome;
            }
            arm(*s);
        }
        rearmTimer();
        Q_EMIT slotHandled(id, slot, jobId);
    };
    if (durable)
        return apply();
    m_store.writer().enqueue(
        [id, slot, jobId, outcome](
            SqlSession &sql) { return ScheduleRepository::recordSlot(sql, id, slot, jobId, outcome); },
        [apply](bool) { apply(); });
}

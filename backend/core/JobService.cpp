// Submit answers only after the job's transaction committed (durable 201). A terminal state is final:
// only an explicit retry (a new attempt) leaves it.
#include "JobService.h"
#include "EventBus.h"
#include "Store.h"
#include "Ulid.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace {
constexpr qint64 kIdempotencyWindowMs = 24LL * 3600 * 1000;

QString idemKey(const QString &ws, const QString &key)
{
    return ws + QLatin1Char('\n') + key;
}
}

JobService::JobService(Store &store, EventBus &events, QObject *parent)
    : QObject(parent), m_store(store), m_events(events)
{
}

bool JobService::load(QString *error)
{
    Q_UNUSED(error);
    for (const Job &j : JobRepository::loadUnfinished(m_store.reader()))
        m_active.insert(j.id, std::make_shared<Job>(j));
    for (const auto &[state, n] : JobRepository::countByState(m_store.reader()))
        if (auto st = JobStates::parse(state))
            m_counts[*st] = n;
    const qint64 since = QDateTime::currentMSecsSinceEpoch() - kIdempotencyWindowMs;
    for (const auto &r : JobRepository::idempotencyKeysSince(m_store.reader(), since)) {
        m_idempotency.insert(idemKey(r.workspaceId, r.key), r.jobId);
        m_idempotencyAt.insert(idemKey(r.workspaceId, r.key), r.createdAt);
    }
    m_store.writer().enqueue([since](SqlSession &s) { return JobRepository::pruneIdempotencyKeys(s, since); });
    return true;
}

qint64 JobService::queueDepth() const
{
    return m_counts.value(JobState::Queued);
}

QByteArray JobService::apiJson(const JobPtr &job)
{
    auto it = m_jsonCache.find(job->id);
    if (it != m_jsonCache.end())
        return *it;
    const QByteArray json = QJsonDocument(job->toJson()).toJson(QJsonDocument::Compact);
    m_jsonCache.insert(job->id, json);
    return json;
}

void JobService::afterBarrier(std::function<void()> fn)
{
    // Completes after everything queued before it is durable.
    m_store.writer().enqueue([](SqlSession &) { return true; }, [fn](bool) { fn(); });
}

void JobService::submit(const Principal &p, JobSpec spec, const SubmitOptions &opts, JobCallback done)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!opts.idempotencyKey.isEmpty()) {
        const QString k = idemKey(p.workspaceId, opts.idempotencyKey);
        const QString existing = m_idempotency.value(k);
        if (!existing.isEmpty() && now - m_idempotencyAt.value(k) < kIdempotencyWindowMs) {
            afterBarrier([this, existing, p, done] {
                if (JobPtr j = find(existing))
                    return done(j);
                const auto doc = JobRepository::doc(m_store.reader(), p.workspaceId, existing);
                if (!doc)
                    return done(ApiError::internal(QStringLiteral("the job of this idempotency key is gone")));
                done(std::make_shared<Job>(Job::fromJson(QJsonDocument::fromJson(*doc).object())));
            });
            return;
        }
    }

    auto job = std::make_shared<Job>();
    job->id = Ulid::withPrefix(QStringLiteral("job"));
    job->workspaceId = p.workspaceId;
    job->submittedBy = p.actor();
    job->spec = std::move(spec);
    job->state = JobState::Queued;
    job->createdAt = job->updatedAt = now;
    job->history.append({JobState::Queued, now, p.actor(), QStringLiteral("submitted"), 1});

    IdempotencyRecord idem;
    if (!opts.idempotencyKey.isEmpty()) {
        idem = {p.workspaceId, opts.idempotencyKey, job->id, now};
        m_idempotency.insert(idemKey(p.workspaceId, opts.idempotencyKey), job->id);
        m_idempotencyAt.insert(idemKey(p.workspaceId, opts.idempotencyKey), now);
    }
    m_active.insert(job->id, job);
    m_uncommitted.insert(job->id);
    storeChange(job, JobState::Queued, true, idem.key.isEmpty() ? nullptr : &idem, [this, job, opts, p, done](bool ok) {
        m_uncommitted.remove(job->id);
        if (!ok) {
            m_active.remove(job->id);
            m_jsonCache.remove(job->id);
            m_idempotency.remove(idemKey(p.workspaceId, opts.idempotencyKey));
            return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("the job could not be stored")));
        }
        done(job);
        Q_EMIT jobQueued(job);
    });
}

void JobService::storeChange(const JobPtr &job, JobState from, bool insert, const IdempotencyRecord *idem,
                             std::function<void(bool)> done)
{
    const QByteArray doc = QJsonDocument(job->toJson()).toJson(QJsonDocument::Compact);
    m_jsonCache.insert(job->id, doc);   // the stored document is the API representation
    const Job snapshot = *job;
    QJsonObject data{{QStringLiteral("jobId"), job->id},
                     {QStringLiteral("state"), JobStates::name(job->state)},
                     {QStringLiteral("attempt"), job->attempt}};
    QList<StoredEvent> events;
    if (insert) {
        events << m_events.make(job->workspaceId, QStringLiteral("job.created"), data);
    } else {
        data.insert(QStringLiteral("from"), JobStates::name(from));
        if (!job->history.isEmpty())
            data.insert(QStringLiteral("reason"), job->history.last().reason);
        if (job->exitCode)
            data.insert(QStringLiteral("exitCode"), *job->exitCode);
        events << m_events.make(job->workspaceId, QStringLiteral("job.transitioned"), data);
        if (JobStates::isTerminal(job->state))
            events << m_events.make(job->workspaceId, QStringLiteral("job.terminal"), data);
    }
    const bool hasIdem = idem != nullptr;
    const IdempotencyRecord idemCopy = hasIdem ? *idem : IdempotencyRecord{};
    m_store.writer().enqueue(
        [snapshot, doc, insert, events, hasIdem, idemCopy](SqlSession &s) {
            bool ok = insert ? JobRepository::insert(s, snapshot, doc) : JobRepository::update(s, snapshot, doc);
            if (ok && hasIdem)
                ok = JobRepository::putIdempotencyKey(s, idemCopy);
            for (const auto &e : events)
                ok = ok && EventRepository::insert(s, e);
            return ok;
        },
        [this, job, from, insert, events, done, snapshotState = snapshot.state](bool ok) {
            if (ok) {
                if (!insert)
                    --m_counts[from];
                ++m_counts[snapshotState];
                for (const auto &e : events)
                    m_events.announce(e);
                if (JobStates::isTerminal(snapshotState) && job->state == snapshotState) {
                    m_active.remove(job->id);
                    m_jsonCache.remove(job->id);
                }
            }
            if (done)
                done(ok);
            if (ok && !insert)
                Q_EMIT jobChanged(job, from);
        });
}

Status JobService::transition(const JobPtr &job, JobState to, const QString &actor, const QString &reason,
                              const std::function<void(Job &)> &mutate, std::function<void(bool)> done)
{
    const JobState from = job->state;
    if (!JobStates::canTransition(from, to))
        return ApiError::conflict(QStringLiteral("job %1 cannot go from %2 to %3")
                                      .arg(job->id, JobStates::name(from), JobStates::name(to)),
                                  {{QStringLiteral("state"), JobStates::name(from)}});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (JobStates::isTerminal(from) && to == JobState::Queued) {
        // a new attempt: keep the history, forget the last attempt's outcome
        if (!m_active.contains(job->id))
            m_active.insert(job->id, job);
        ++job->attempt;
        job->exitCode.reset();
        job->runtimeMs = -1;
        job->cpuSeconds = -1;
        job->peakMemoryBytes = -1;
        job->startedAt = job->finishedAt = 0;
        job->error.clear();
    }
    job->state = to;
    job->updatedAt = now;
    if (to != JobState::Queued)
        job->pendingReason.clear();
    if (to == JobState::Queued)
        job->agentId.clear();
    if (to == JobState::Running && job->startedAt == 0)
        job->startedAt = now;
    if (JobStates::isTerminal(to))
        job->finishedAt = now;
    if (mutate)
        mutate(*job);
    job->history.append({to, now, actor, reason, job->attempt});
    storeChange(job, from, false, nullptr, [this, job, to, done](bool ok) {
        if (ok && to == JobState::Queued)
            Q_EMIT jobQueued(job);
        if (done)
            done(ok);
    });
    return Ok{};
}

void JobService::requeueOrFail(const JobPtr &job, const QString &actor, const QString &error, const QString &reason)
{
    if (job->state == JobState::Cancelling) {
        transition(job, JobState::Cancelled, actor, reason);
        return;
    }
    if (job->lostCount < std::max(job->spec.maxRetries, 2)) {
        transition(job, JobState::Queued, actor, reason + QStringLiteral("; requeued"), [error](Job &j) {
            ++j.lostCount;
            ++j.attempt;
            j.error = error;
            j.exitCode.reset();
            j.runtimeMs = -1;
            j.cpuSeconds = -1;
            j.peakMemoryBytes = -1;
            j.startedAt = 0;
        });
        return;
    }
    transition(job, JobState::Failed, actor, reason, [error](Job &j) { j.error = error; });
}

void JobService::retryAutomatically(const JobPtr &job, const QString &actor, const QString &reason,
                                    const std::function<void(Job &)> &recordOutcome, std::function<void(bool)> done)
{
    const Status st = transition(job, JobState::Queued, actor,
                                 reason + QStringLiteral("; automatic retry %1 of %2").arg(job->retryCount + 1).arg(job->spec.maxRetries),
                                 [recordOutcome](Job &j) {
                                     recordOutcome(j);   // kept until the new attempt starts, for the record
                                     ++j.retryCount;
                                     ++j.attempt;
                                     j.startedAt = 0;
                                 },
                                 std::move(done));
    Q_UNUSED(st);
}

void JobService::setPendingReason(const JobPtr &job, const QString &reason)
{
    if (job->pendingReason == reason)
        return;
    job->pendingReason = reason;
    m_jsonCache.remove(job->id);
}

std::optional<JobState> JobService::terminalStateOf(const QString &id)
{
    QSqlQuery &q = m_store.reader().prepare(QStringLiteral("SELECT state FROM jobs WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    const auto st = JobStates::parse(q.value(0).toString());
    q.finish();
    if (st && JobStates::isTerminal(*st))
        return st;
    return std::nullopt;
}

Result<QByteArray> JobService::jobJson(const Principal &p, const QString &id)
{
    if (JobPtr j = m_active.value(id); j && j->workspaceId == p.workspaceId && !m_uncommitted.contains(id))
        return apiJson(j);
    if (!Ulid::isValid(id, QStringLiteral("job")))
        return ApiError::notFound(QStringLiteral("no job ") + id);
    const auto doc = JobRepository::doc(m_store.reader(), p.workspaceId, id);
    if (!doc)
        return ApiError::notFound(QStringLiteral("no job ") + id);
    return *doc;
}

Result<QByteArray> JobService::listJson(const Principal &p, const JobQuery &query)
{
    JobQuery q = query;
    q.workspaceId = p.workspaceId;
    bool ok = false;
    const auto rows = JobRepository::list(m_store.reader(), q, &ok);
    if (!ok)
        return ApiError::internal(QStringLiteral("could not read jobs"));
    QByteArray out = "{\"jobs\":[";
    const int n = std::min<int>(rows.size(), q.limit);
    for (int i = 0; i < n; ++i) {
        if (i)
            out += ',';
        // unfinished jobs may carry fresher, not-stored detail (pendingReason)
        JobPtr live = m_active.value(rows[i].first);
        out += live && !m_uncommitted.contains(live->id) ? apiJson(live) : rows[i].second;
    }
    out += "],\"nextCursor\":";
    if (rows.size() > q.limit)
        out += '"' + rows[n - 1].first.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals) + '"';
    else
        out += "null";
    out += '}';
    return out;
}

bool JobService::canManage(const Principal &p, const Job &job) const
{
    return p.atLeast(Role::Admin) || job.submittedBy == p.actor();
}

void JobService::cancel(const Principal &p, const QString &id, const QString &reason, JobCallback done)
{
    JobPtr job = m_active.value(id);
    if (!job || job->workspaceId != p.workspaceId || m_uncommitted.contains(id)) {
        const auto doc = Ulid::isValid(id, QStringLiteral("job")) ? JobRepository::doc(m_store.reader(), p.workspaceId, id)
                                                                  : std::nullopt;
        if (!doc)
            return done(ApiError::notFound(QStringLiteral("no job ") + id));
        auto stored = std::make_shared<Job>(Job::fromJson(QJsonDocument::fromJson(*doc).object()));
        if (stored->state == JobState::Cancelled)
            return done(stored);   // idempotent
        return done(ApiError::conflict(QStringLiteral("job %1 already finished as %2").arg(id, JobStates::name(stored->state)),
                                       {{QStringLiteral("state"), JobStates::name(stored->state)}}));
    }
    if (!canManage(p, *job))
        return done(ApiError::make(ErrorCode::Forbidden, QStringLiteral("only admins may cancel other people's jobs")));
    const QString why = reason.isEmpty() ? QStringLiteral("cancelled by ") + p.actor() : reason;
    if (job->state == JobState::Cancelling || job->state == JobState::Cancelled)
        return done(job);
    if (job->state == JobState::Queued) {
        const Status st = transition(job, JobState::Cancelled, p.actor(), why, {}, [job, done](bool ok) {
            ok ? done(job) : done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("could not store the change")));
        });
        if (!st)
            done(st.error());
        return;
    }
    const Status st = transition(job, JobState::Cancelling, p.actor(), why, {}, [this, job, done](bool ok) {
        if (!ok)
            return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("could not store the change")));
        done(job);
        Q_EMIT cancelRequested(job);
    });
    if (!st)
        done(st.error());
}

void JobService::retry(const Principal &p, const QString &id, JobCallback done)
{
    JobPtr job = m_active.value(id);
    if (job && job->workspaceId == p.workspaceId && !JobStates::isTerminal(job->state)) {
        return done(ApiError::conflict(QStringLiteral("job %1 is %2; only FAILED, TIMED_OUT or CANCELLED jobs can be retried")
                                           .arg(id, JobStates::name(job->state)),
                                       {{QStringLiteral("state"), JobStates::name(job->state)}}));
    }
    if (!job || job->workspaceId != p.workspaceId) {
        const auto doc = Ulid::isValid(id, QStringLiteral("job")) ? JobRepository::doc(m_store.reader(), p.workspaceId, id)
                                                                  : std::nullopt;
        if (!doc)
            return done(ApiError::notFound(QStringLiteral("no job ") + id));
        job = std::make_shared<Job>(Job::fromJson(QJsonDocument::fromJson(*doc).object()));
    }
    if (!JobStates::canRetry(job->state))
        return done(ApiError::conflict(QStringLiteral("job %1 is %2; only FAILED, TIMED_OUT or CANCELLED jobs can be retried")
                                           .arg(id, JobStates::name(job->state)),
                                       {{QStringLiteral("state"), JobStates::name(job->state)}}));
    if (!canManage(p, *job))
        return done(ApiError::make(ErrorCode::Forbidden, QStringLiteral("only admins may retry other people's jobs")));
    const Status st = transition(job, JobState::Queued, p.actor(), QStringLiteral("retried by ") + p.actor(), {},
                                 [job, done](bool ok) {
                                     ok ? done(job)
                                        : done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("could not store the change")));
                                 });
    if (!st)
        done(st.error());
}

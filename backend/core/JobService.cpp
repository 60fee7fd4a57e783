// Submit answers only after the job's transaction committed (durable 201). A terminal state is final:
// only an explicit retry (a new attempt) leaves it. Nothing in memory changes before its commit, so a
// failed write leaves the job, the queue and the event stream as they were and the caller gets 503.
#include "JobService.h"
#include "AgentRepository.h"
#include "EventBus.h"
#include "IdentityRepository.h"
#include "JobRepository.h"
#include "Store.h"
#include "Ulid.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace {
constexpr int kHousekeepingMs = 3600 * 1000;

ApiError unavailable(const QString &message)
{
    return ApiError::make(ErrorCode::Unavailable, message, {{QStringLiteral("retryAfter"), 1}});
}

ApiError notStored()
{
    return unavailable(QStringLiteral("the change could not be stored; nothing changed"));
}

QMap<QString, QString> labelsFrom(const QJsonObject &o)
{
    QMap<QString, QString> m;
    for (auto it = o.begin(); it != o.end(); ++it)
        m.insert(it.key(), it.value().toString());
    return m;
}
}

JobService::JobService(Store &store, EventBus &events, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_events(events)
{
    m_housekeeping.setInterval(kHousekeepingMs);
    connect(&m_housekeeping, &QTimer::timeout, this,
        [this] { expireIdempotencyKeys(QDateTime::currentMSecsSinceEpoch()); });
}

bool JobService::load(QString *error)
{
    Q_UNUSED(error);
    for (const Job &j : JobRepository::loadOnAgents(m_store.reader()))
        m_onAgents.insert(j.id, std::make_shared<Job>(j));
    // Most queued jobs ask for the same things: parse each distinct [type, resources, labels] once.
    struct Placement
    {
        QString type;
        JobResources resources;
        QMap<QString, QString> labels;
    };
    QHash<QString, Placement> parsed;
    JobRepository::forEachQueued(m_store.reader(), [&](const QueuedRow &r) {
        auto it = parsed.constFind(r.placementJson);
        if (it == parsed.constEnd()) {
            if (parsed.size() > 4096)
                parsed.clear();
            const QJsonArray a = QJsonDocument::fromJson(r.placementJson.toUtf8()).array();
            const QJsonObject res = a.at(1).toObject();
            Placement p {a.at(0).toString(QStringLiteral("COMMAND")),
                {res.value(QStringLiteral("cpu")).toDouble(), res.value(QStringLiteral("memGib")).toDouble(),
                    res.value(QStringLiteral("gpus")).toInt()},
                labelsFrom(a.at(2).toObject())};
            it = parsed.insert(r.placementJson, p);
        }
        m_queue.add(r.id, r.priority, r.queuedAt, r.workspaceId, it->type, it->labels, it->resources);
    });
    for (const JobRepository::StateCount &c : JobRepository::countByState(m_store.reader()))
        if (auto st = JobStates::parse(c.state)) {
            m_counts[*st] += c.count;
            m_workspaceCounts[c.workspaceId][*st] = c.count;
        }
    restoreQuotas();
    expireIdempotencyKeys(QDateTime::currentMSecsSinceEpoch());
    m_housekeeping.start();
    m_store.releaseReadCache(); // the walk above filled the page cache with rows nobody reads again soon
    return true;
}

void JobService::restoreQuotas()
{
    // Only keys that carry a quota are looked at; a restart keeps both their counts.
    const qint64 hourAgo = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
    for (const ApiKeyRecord &k : IdentityRepository::keysWithQuota(m_store.reader())) {
        if (k.quota.maxConcurrentJobs > 0)
            for (const QString &id : JobRepository::unfinishedJobsOfKey(m_store.reader(), k.workspaceId, k.id))
                m_quotas.restoreUnfinished(k.id, id);
        if (k.quota.maxJobsPerHour > 0)
            for (qint64 at : JobRepository::submitTimesOfKey(m_store.reader(), k.workspaceId, k.id, hourAgo))
                m_quotas.restoreSubmitted(k.id, at);
    }
}

void JobService::expireIdempotencyKeys(qint64 nowMs)
{
    m_idempotency.expire(nowMs);
    const qint64 before = nowMs - m_idempotency.windowMs();
    m_store.writer().enqueue([before](SqlSession &s) { return JobRepository::pruneIdempotencyKeys(s, before); });
}

qint64 JobService::queueDepth() const
{
    return m_counts.value(JobState::Queued);
}

bool JobService::isUnfinished(const QString &id) const
{
    return m_onAgents.contains(id) || m_queue.contains(id) || m_busy.contains(id);
}

QByteArray JobService::apiJson(const JobPtr &job)
{
    auto it = m_jsonCache.find(job->id);
    if (it != m_jsonCache.end())
        return *it;
    const QByteArray json = Job::hideSecretEnv(QJsonDocument(job->toJson()).toJson(QJsonDocument::Compact));
    m_jsonCache.insert(job->id, json);
    return json;
}

QByteArray JobService::withPendingReason(const QString &id, QByteArray doc) const
{
    doc = Job::hideSecretEnv(doc);
    const JobProfile *p = m_queue.profileOf(id);
    if (!p || p->reasonJson.isEmpty() || !doc.endsWith('}'))
        return doc;
    doc.chop(1);
    doc += p->reasonJson;
    doc += '}';
    return doc;
}

void JobService::answerWithJob(const QString &workspaceId, const QString &jobId, const JobCallback &done)
{
    if (JobPtr j = find(jobId))
        return done(j);
    auto stored = JobRepository::job(m_store.reader(), workspaceId, jobId);
    if (!stored)
        return done(ApiError::internal(QStringLiteral("the job of this idempotency key is gone")));
    done(std::make_shared<Job>(std::move(*stored)));
}

void JobService::submit(const Principal &p, JobSpec spec, const SubmitOptions &opts, JobCallback done)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString idemKey
        = opts.idempotencyKey.isEmpty() ? QString() : IdempotencyCache::mapKey(p.workspaceId, opts.idempotencyKey);
    if (!idemKey.isEmpty()) {
        if (auto pending = m_idempotencyPending.find(idemKey); pending != m_idempotencyPending.end()) {
            pending->append(std::move(done)); // the first submit with this key is being stored
            return;
        }
        if (const auto id = m_idempotency.find(p.workspaceId, opts.idempotencyKey, now))
            return answerWithJob(p.workspaceId, *id, done);
        const auto rec = JobRepository::idempotencyKey(m_store.reader(), p.workspaceId, opts.idempotencyKey);
        if (rec && now - rec->createdAt < m_idempotency.windowMs()) {
            m_idempotency.insert(rec->workspaceId, rec->key, rec->jobId, rec->createdAt);
            return answerWithJob(p.workspaceId, rec->jobId, done);
        }
    }

    auto job = std::make_shared<Job>();
    job->id = Ulid::withPrefix(QStringLiteral("job"));
    if (const Status st = m_quotas.admit(p, spec.type, job->id, now); !st)
        return done(st.error());
    job->workspaceId = p.workspaceId;
    job->submittedBy = p.actor();
    job->apiKeyId = p.keyId;
    job->spec = std::move(spec);
    job->state = JobState::Queued;
    job->createdAt = job->updatedAt = now;
    job->history.append({JobState::Queued, now, p.actor(), QStringLiteral("submitted"), 1});

    const QByteArray doc = QJsonDocument(job->toJson()).toJson(QJsonDocument::Compact);
    const StoredEvent event = m_events.make(job->workspaceId, QStringLiteral("job.created"),
        {{QStringLiteral("jobId"), job->id}, {QStringLiteral("state"), JobStates::name(JobState::Queued)},
            {QStringLiteral("attempt"), 1}});
    const bool hasIdem = !idemKey.isEmpty();
    const IdempotencyRecord idem {p.workspaceId, opts.idempotencyKey, job->id, now};
    const bool queued = m_store.writer().enqueue(
        [snapshot = *job, doc, event, hasIdem, idem, also = opts.alsoStore](SqlSession &s) {
            return JobRepository::insert(s, snapshot, doc) && (!hasIdem || JobRepository::putIdempotencyKey(s, idem))
                && EventRepository::insert(s, event) && (!also || also(s, snapshot));
        },
        [this, job, event, idemKey, idem, done](bool ok) {
            const QList<JobCallback> repeats
                = idemKey.isEmpty() ? QList<JobCallback>() : m_idempotencyPending.take(idemKey);
            if (!ok) {
                m_quotas.withdraw(job->id);
                const ApiError e = unavailable(QStringLiteral("the job could not be stored"));
                done(e);
                for (const auto &r : repeats)
                    r(e);
                return;
            }
            if (!idemKey.isEmpty())
                m_idempotency.insert(idem.workspaceId, idem.key, idem.jobId, idem.createdAt);
            m_quotas.committed(job->id);
            ++m_counts[JobState::Queued];
            ++m_workspaceCounts[job->workspaceId][JobState::Queued];
            m_queue.add(*job, job->createdAt);
            m_events.announce(event);
            done(job);
            for (const auto &r : repeats)
                r(job);
            Q_EMIT jobQueued(job->id);
        },
        StoreWriter::Admission::IfRoom);
    if (!queued) {
        m_quotas.withdraw(job->id);
        return done(unavailable(QStringLiteral("the server is busy storing earlier work; try again shortly")));
    }
    if (!idemKey.isEmpty())
        m_idempotencyPending.insert(idemKey, {});
}

Job JobService::advanced(const Job &current, JobState to, const QString &actor, const QString &reason,
    const std::function<void(Job &)> &mutate)
{
    Job job = current;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (JobStates::isTerminal(job.state) && to == JobState::Queued) {
        // a new attempt: keep the history, forget the last attempt's outcome
        ++job.attempt;
        job.exitCode.reset();
        job.runtimeMs = -1;
        job.cpuSeconds = -1;
        job.peakMemoryBytes = -1;
        job.startedAt = job.finishedAt = 0;
        job.error.clear();
    }
    job.state = to;
    job.updatedAt = now;
    if (to == JobState::Queued)
        job.agentId.clear();
    if (to == JobState::Running && job.startedAt == 0)
        job.startedAt = now;
    if (JobStates::isTerminal(to))
        job.finishedAt = now;
    if (mutate)
        mutate(job);
    job.history.append({to, now, actor, reason, job.attempt});
    return job;
}

void JobService::commitChange(
    const JobPtr &job, Job next, std::optional<QueuedJob> taken, std::function<void(bool)> done)
{
    const JobState from = job->state;
    const JobState to = next.state;
    const QString id = job->id;
    m_busy.insert(id, {});
    const QByteArray doc = QJsonDocument(next.toJson()).toJson(QJsonDocument::Compact);
    QJsonObject data {{QStringLiteral("jobId"), id}, {QStringLiteral("state"), JobStates::name(to)},
        {QStringLiteral("attempt"), next.attempt}, {QStringLiteral("from"), JobStates::name(from)}};
    if (!next.history.isEmpty())
        data.insert(QStringLiteral("reason"), next.history.last().reason);
    if (next.exitCode)
        data.insert(QStringLiteral("exitCode"), *next.exitCode);
    QList<StoredEvent> events {m_events.make(next.workspaceId, QStringLiteral("job.transitioned"), data)};
    if (JobStates::isTerminal(to))
        events << m_events.make(next.workspaceId, QStringLiteral("job.terminal"), data);
    auto snapshot = std::make_shared<Job>(std::move(next));
    m_store.writer().enqueue(
        [snapshot, doc, events](SqlSession &s) {
            bool ok = JobRepository::update(s, *snapshot, doc);
            for (const auto &e : events)
                ok = ok && EventRepository::insert(s, e);
            return ok;
        },
        [this, job, snapshot, doc, events, taken, from, to, id, done](bool ok) {
            if (!ok) {
                if (taken)
                    m_queue.giveBack(*taken);
                qWarning().noquote() << "jobs: could not store" << id << JobStates::name(from) << "->"
                                     << JobStates::name(to) << "; nothing changed";
                if (done)
                    done(false);
                settle(id);
                return;
            }
            *job = *snapshot;
            --m_counts[from];
            ++m_counts[to];
            QHash<JobState, qint64> &mine = m_workspaceCounts[job->workspaceId];
            --mine[from];
            ++mine[to];
            if (JobStates::isTerminal(to))
                m_quotas.finished(id);
            if (taken)
                m_queue.release(*taken);
            if (JobStates::isActive(to)) {
                m_onAgents.insert(id, job);
                m_jsonCache.insert(id, doc);
            } else {
                m_onAgents.remove(id);
                m_jsonCache.remove(id);
            }
            if (to == JobState::Queued)
                m_queue.add(*job, job->updatedAt);
            for (const auto &e : events)
                m_events.announce(e);
            if (done)
                done(true);
            Q_EMIT jobChanged(job, from);
            if (to == JobState::Queued)
                Q_EMIT jobQueued(id);
            settle(id);
        });
}

void JobService::settle(const QString &id)
{
    auto it = m_busy.find(id);
    if (it == m_busy.end())
        return;
    std::deque<std::function<void()>> waiting = std::move(it->next);
    m_busy.erase(it);
    while (!waiting.empty()) {
        auto fn = std::move(waiting.front());
        waiting.pop_front();
        fn();
        if (auto again = m_busy.find(id); again != m_busy.end()) {
            // fn started another change: the rest wait for that one
            for (auto &w : waiting)
                again->next.push_back(std::move(w));
            return;
        }
    }
}

Status JobService::transition(const JobPtr &job, JobState to, const QString &actor, const QString &reason,
    const std::function<void(Job &)> &mutate, std::function<void(bool)> done)
{
    const JobState from = job->state;
    if (!JobStates::canTransition(from, to))
        return ApiError::conflict(
            QStringLiteral("job %1 cannot go from %2 to %3").arg(job->id, JobStates::name(from), JobStates::name(to)),
            {{QStringLiteral("state"), JobStates::name(from)}});
    if (isBusy(job->id)) {
        later(job->id, [this, id = job->id, to, actor, reason, mutate, done] {
            const JobPtr current = find(id);
            const Status st = current ? transition(current, to, actor, reason, mutate, done)
                                      : Status(ApiError::conflict(QStringLiteral("job %1 left its agent").arg(id)));
            if (!st && done)
                done(false);
        });
        return Ok {};
    }
    commitChange(job, advanced(*job, to, actor, reason, mutate), std::nullopt, std::move(done));
    return Ok {};
}

void JobService::assign(
    const QString &id, const QString &agentId, const QString &agentName, std::function<void(const JobPtr &)> done)
{
    if (isBusy(id))
        return done(nullptr);
    auto taken = m_queue.take(id);
    if (!taken)
        return done(nullptr);
    auto stored = JobRepository::job(m_store.reader(), taken->profile->workspaceId, id);
    if (!stored || stored->state != JobState::Queued) {
        m_queue.giveBack(*taken);
        qWarning().noquote() << "jobs: cannot read queued job" << id << "from the store";
        return done(nullptr);
    }
    auto job = std::make_shared<Job>(std::move(*stored));
    Job next = advanced(*job, JobState::Assigned, QStringLiteral("scheduler"),
        QStringLiteral("assigned to ") + agentName, [agentId](Job &j) { j.agentId = agentId; });
    commitChange(job, std::move(next), taken, [job, done](bool ok) { done(ok ? job : nullptr); });
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
    const Status st = transition(
        job, JobState::Queued, actor,
        reason + QStringLiteral("; automatic retry %1 of %2").arg(job->retryCount + 1).arg(job->spec.maxRetries),
        [recordOutcome](Job &j) {
            recordOutcome(j); // kept until the new attempt starts, for the record
            ++j.retryCount;
            ++j.attempt;
            j.startedAt = 0;
        },
        done);
    if (!st && done)
        done(false);
}

std::optional<JobState> JobService::terminalStateOf(const QString &id)
{
    const auto st = JobRepository::stateOf(m_store.reader(), id);
    if (st && JobStates::isTerminal(*st))
        return st;
    return std::nullopt;
}

Result<QByteArray> JobService::jobJson(const Principal &p, const QString &id)
{
    if (JobPtr j = m_onAgents.value(id); j && j->workspaceId == p.workspaceId)
        return apiJson(j);
    if (!Ulid::isValid(id, QStringLiteral("job")))
        return ApiError::notFound(QStringLiteral("no job ") + id);
    auto doc = JobRepository::doc(m_store.reader(), p.workspaceId, id);
    if (!doc)
        return ApiError::notFound(QStringLiteral("no job ") + id);
    return withPendingReason(id, std::move(*doc));
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
        out += withPendingReason(rows[i].first, rows[i].second); // the stored JSON is the committed state
    }
    out += "],\"nextCursor\":";
    if (rows.size() > q.limit)
        out += '"' + rows[n - 1].first.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
            + '"';
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
    if (!Ulid::isValid(id, QStringLiteral("job")))
        return done(ApiError::notFound(QStringLiteral("no job ") + id));
    if (isBusy(id))
        return later(id, [this, p, id, reason, done] { cancel(p, id, reason, done); });
    const QString why = reason.isEmpty() ? QStringLiteral("cancelled by ") + p.actor() : reason;
    if (JobPtr job = m_onAgents.value(id); job && job->workspaceId == p.workspaceId) {
        if (!canManage(p, *job))
            return done(
                ApiError::make(ErrorCode::Forbidden, QStringLiteral("only admins may cancel other people's jobs")));
        if (job->state == JobState::Cancelling)
            return done(job);
        const Status st = transition(job, JobState::Cancelling, p.actor(), why, {}, [this, job, done](bool ok) {
            if (!ok)
                return done(notStored());
            done(job);
            Q_EMIT cancelRequested(job);
        });
        if (!st)
            done(st.error());
        return;
    }
    auto stored = JobRepository::job(m_store.reader(), p.workspaceId, id);
    if (!stored)
        return done(ApiError::notFound(QStringLiteral("no job ") + id));
    auto job = std::make_shared<Job>(std::move(*stored));
    if (job->state == JobState::Cancelled)
        return done(job); // idempotent
    if (job->state != JobState::Queued || !m_queue.contains(id))
        return done(
            ApiError::conflict(QStringLiteral("job %1 already finished as %2").arg(id, JobStates::name(job->state)),
                {{QStringLiteral("state"), JobStates::name(job->state)}}));
    if (!canManage(p, *job))
        return done(ApiError::make(ErrorCode::Forbidden, QStringLiteral("only admins may cancel other people's jobs")));
    auto taken = m_queue.take(id);
    commitChange(job, advanced(*job, JobState::Cancelled, p.actor(), why, {}), taken,
        [job, done](bool ok) { ok ? done(job) : done(notStored()); });
}

void JobService::cancelOnAgent(const QString &id, const QString &actor, const QString &reason)
{
    if (isBusy(id))
        return later(id, [this, id, actor, reason] { cancelOnAgent(id, actor, reason); });
    const JobPtr job = m_onAgents.value(id);
    if (!job || job->state == JobState::Cancelling)
        return;
    transition(job, JobState::Cancelling, actor, reason, {}, [this, job](bool ok) {
        if (ok)
            Q_EMIT cancelRequested(job);
    });
}

void JobService::retry(const Principal &p, const QString &id, JobCallback done)
{
    if (!Ulid::isValid(id, QStringLiteral("job")))
        return done(ApiError::notFound(QStringLiteral("no job ") + id));
    if (isBusy(id))
        return later(id, [this, p, id, done] { retry(p, id, done); });
    auto stored = JobRepository::job(m_store.reader(), p.workspaceId, id);
    if (!stored)
        return done(ApiError::notFound(QStringLiteral("no job ") + id));
    auto job = std::make_shared<Job>(std::move(*stored));
    if (!JobStates::canRetry(job->state) || isUnfinished(id))
        return done(
            ApiError::conflict(QStringLiteral("job %1 is %2; only FAILED, TIMED_OUT or CANCELLED jobs can be retried")
                                   .arg(id, JobStates::name(job->state)),
                {{QStringLiteral("state"), JobStates::name(job->state)}}));
    if (!canManage(p, *job))
        return done(ApiError::make(ErrorCode::Forbidden, QStringLiteral("only admins may retry other people's jobs")));
    commitChange(job, advanced(*job, JobState::Queued, p.actor(), QStringLiteral("retried by ") + p.actor(), {}),
        std::nullopt, [job, done](bool ok) { ok ? done(job) : done(notStored()); });
}

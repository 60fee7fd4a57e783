// Redaction: a job's secret values (env entries named in `secrets`) become *** before a line is stored.
#include "LogService.h"
#include "LogStore.h"
#include "Wire.h"

#include <QDateTime>
#include <QJsonArray>

Result<LogAppendRequest> LogAppendRequest::fromJson(const QJsonObject &o)
{
    LogAppendRequest r;
    r.jobId = o.value(QStringLiteral("jobId")).toString();
    r.attempt = o.value(QStringLiteral("attempt")).toInt();
    QJsonObject fields;
    if (r.jobId.isEmpty())
        fields.insert(QStringLiteral("jobId"), QStringLiteral("required"));
    if (r.attempt < 1)
        fields.insert(QStringLiteral("attempt"), QStringLiteral("required, from 1"));
    const QJsonValue lv = o.value(QStringLiteral("lines"));
    if (!lv.isArray())
        fields.insert(QStringLiteral("lines"), QStringLiteral("must be an array"));
    const QJsonArray lines = lv.toArray();
    if (lines.size() > 100000)
        fields.insert(QStringLiteral("lines"), QStringLiteral("at most 100000 lines a batch"));
    qint64 prev = 0;
    r.lines.reserve(lines.size());
    for (const auto &v : lines) {
        const QJsonObject l = v.toObject();
        LogLine line;
        // checked conversions: a number like 1e300 must not reach an integer cast
        line.seq = Wire::toInteger(l.value(QStringLiteral("seq")), 1, Wire::kMaxExactInteger).value_or(0);
        line.tsMs = Wire::toInteger(l.value(QStringLiteral("ts")), 0, Wire::kMaxExactInteger).value_or(0);
        line.stderrStream = l.value(QStringLiteral("stream")).toString() == QLatin1String("stderr");
        line.text = l.value(QStringLiteral("text")).toString();
        if (line.seq < 1 || (prev && line.seq != prev + 1)) {
            fields.insert(
                QStringLiteral("lines"), QStringLiteral("seq must start at 1 and be consecutive within a batch"));
            break;
        }
        if (line.text.size() > 1024 * 1024) {
            fields.insert(QStringLiteral("lines"), QStringLiteral("a line is at most 1 MiB"));
            break;
        }
        prev = line.seq;
        r.lines.append(std::move(line));
    }
    if (!fields.isEmpty())
        return ApiError::validation(fields);
    return r;
}

LogService::LogService(const QString &root, Options opts, JobService &jobs, QObject *parent)
    : QObject(parent)
    , m_store(std::make_unique<LogStore>(root, LogStore::Options {opts.maxBytesPerAttempt, opts.fsync}))
    , m_opts(opts)
    , m_jobs(jobs)
{
    connect(&m_jobs, &JobService::jobChanged, this, [this](const JobPtr &j, JobState) {
        wake(j->id);
        // a finished attempt holds no descriptor and no memory here (readers reopen it on demand)
        if (JobStates::isTerminal(j->state))
            m_store->release(j->id, j->attempt);
        else if (j->state == JobState::Queued && j->attempt > 1)
            m_store->release(j->id, j->attempt - 1);
    });
    m_retention.setInterval(3600 * 1000);
    connect(&m_retention, &QTimer::timeout, this, &LogService::runRetention);
    m_retention.start();
    QTimer::singleShot(5000, this, &LogService::runRetention);
}

LogService::~LogService() = default;

LogReadResult LogService::scan(const Target &t, LogCursor &cursor, int maxLines, qint64 maxBytes,
    const std::function<void(const RawLogLine &)> &visit)
{
    return m_store->scan(t.jobId, t.attempt, cursor, maxLines, maxBytes, visit);
}

qint64 LogService::nextSeq(const Target &t)
{
    return m_store->nextSeq(t.jobId, t.attempt);
}

QStringList LogService::secretValues(const JobSpec &spec)
{
    return spec.secretValues();
}

QString LogService::redact(QString text, const QStringList &secrets)
{
    for (const QString &s : secrets)
        if (!s.isEmpty())
            text.replace(s, QStringLiteral("***"));
    return text;
}

Result<qint64> LogService::append(const Principal &node, const LogAppendRequest &r)
{
    const JobPtr job = m_jobs.find(r.jobId);
    if (!job) {
        // finished: only a resend of stored lines is acceptable
        const qint64 next = m_store->nextSeq(r.jobId, r.attempt);
        if (!r.lines.isEmpty() && r.lines.last().seq >= next)
            return ApiError::conflict(
                QStringLiteral("job %1 has finished; no new lines").arg(r.jobId), {{QStringLiteral("nextSeq"), next}});
        return next;
    }
    if (job->agentId != node.nodeId || job->attempt != r.attempt)
        return ApiError::conflict(QStringLiteral("job %1 attempt %2 is not this node's").arg(r.jobId).arg(r.attempt),
            {{QStringLiteral("nextSeq"), m_store->nextSeq(r.jobId, r.attempt)}});
    const QStringList secrets = secretValues(job->spec);
    QList<LogLine> lines = r.lines;
    if (!secrets.isEmpty())
        for (LogLine &l : lines)
            l.text = redact(l.text, secrets);
    qint64 next = 0;
    QString error;
    if (!m_store->append(r.jobId, r.attempt, lines, &next, &error)) {
        if (next > 0)
            return ApiError::conflict(error, {{QStringLiteral("nextSeq"), next}});
        return ApiError::make(ErrorCode::Unavailable, error);
    }
    wake(r.jobId);
    return next;
}

Result<LogService::Target> LogService::target(const Principal &p, const QString &jobId, int attempt)
{
    Target t;
    t.jobId = jobId;
    const JobPtr live = m_jobs.find(jobId);
    Job job;
    if (live && live->workspaceId == p.workspaceId) {
        job = *live;
    } else {
        const auto json = m_jobs.jobJson(p, jobId);
        if (!json)
            return json.error();
        job = Job::fromJson(QJsonDocument::fromJson(json.value()).object());
    }
    if (attempt > job.attempt)
        return ApiError::notFound(QStringLiteral("job %1 has no attempt %2").arg(jobId).arg(attempt));
    t.attempt = attempt > 0 ? attempt : job.attempt;
    t.state = JobStates::name(job.state);
    t.latestAttempt = job.attempt;
    t.finished = t.attempt < job.attempt || JobStates::isTerminal(job.state);
    t.redact = secretValues(job.spec);
    return t;
}

LogReadResult LogService::read(const Target &t, LogCursor &cursor, int maxLines, qint64 maxBytes)
{
    return m_store->read(t.jobId, t.attempt, cursor, maxLines, maxBytes);
}

int LogService::subscribe(const QString &jobId, std::function<void()> wake)
{
    const int token = m_nextToken++;
    m_wakers.insert(token, {jobId, std::move(wake)});
    m_byJob.insert(jobId, token);
    return token;
}

void LogService::unsubscribe(int token)
{
    const auto it = m_wakers.find(token);
    if (it == m_wakers.end())
        return;
    m_byJob.remove(it->first, token);
    m_wakers.erase(it);
}

void LogService::wake(const QString &jobId)
{
    const QList<int> tokens = m_byJob.values(jobId);
    for (int t : tokens) {
        const auto it = m_wakers.constFind(t);
        if (it != m_wakers.constEnd())
            it->second();
    }
}

void LogService::runRetention()
{
    m_store->closeIdle();
    if (m_opts.retentionDays <= 0 || m_retentionRunning)
        return;
    m_retentionRunning = true;
    m_retentionRemoved = 0;
    retentionSlice();
}

void LogService::retentionSlice()
{
    // a few hundred job directories per event-loop turn: a store of a million finished jobs must not
    // stall the loop (agents' heartbeats and every request are served in between)
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - qint64(m_opts.retentionDays) * 86400 * 1000;
    bool finished = false;
    m_retentionRemoved += m_store->removeOlderThan(
        cutoff, [this](const QString &jobId) { return m_jobs.isUnfinished(jobId); }, 256, &finished);
    if (!finished) {
        QTimer::singleShot(0, this, &LogService::retentionSlice);
        return;
    }
    m_retentionRunning = false;
    if (m_retentionRemoved > 0)
        qInfo().noquote() << "log retention removed the logs of" << m_retentionRemoved << "finished jobs";
}

// Per-attempt report pipeline of the agent: started -> log batches (one in flight per job) -> result.
#include "AgentOutbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

namespace {
constexpr int kMaxBatchLines = 5000;
constexpr qint64 kResetBytes = 64 * 1024; // an idle outbox truncates a spool past this
qint64 seqOf(const QJsonValue &payload)
{
    const QJsonValue v = payload.toObject().value(QStringLiteral("nextSeq"));
    return v.isDouble() ? qint64(v.toDouble()) : -1;
}

} // namespace

AgentOutbox::AgentOutbox(Poster post, QObject *parent)
    : QObject(parent)
    , m_post(std::move(post))
{
}

AgentOutbox::~AgentOutbox() = default;

QString AgentOutbox::key(const QString &jobId, int attempt)
{
    return jobId + QLatin1Char('#') + QString::number(attempt);
}

AgentOutbox::Report *AgentOutbox::find(const QString &key, quint64 serial)
{
    auto it = m_reports.find(key);
    if (it == m_reports.end() || it->serial != serial)
        return nullptr;
    return &*it;
}

void AgentOutbox::begin(const QString &jobId, int attempt, qint64 pid)
{
    const QString k = key(jobId, attempt);
    Report rep;
    rep.jobId = jobId;
    rep.attempt = attempt;
    rep.serial = ++m_serial;
    rep.pid = pid;
    rep.byteCap = kDefaultByteCap;
    m_reports.insert(k, std::move(rep));
    sendStarted(k);
}

void AgentOutbox::sendStarted(const QString &k)
{
    Report &rep = m_reports[k];
    rep.startedInFlight = true;
    const quint64 serial = rep.serial;
    const quint64 gen = m_generation;
    QPointer<AgentOutbox> self(this);
    const QJsonObject body {{QStringLiteral("jobId"), rep.jobId}, {QStringLiteral("attempt"), rep.attempt},
        {QStringLiteral("pid"), rep.pid}};
    m_post(QStringLiteral("started"), QJsonDocument(body).toJson(QJsonDocument::Compact),
        [self, k, serial, gen](const AgentReply &r) {
            if (!self || gen != self->m_generation)
                return;
            Report *rep = self->find(k, serial);
            if (!rep)
                return;
            rep->startedInFlight = false;
            if (r.kind == AgentReply::Kind::Rejected
                && (r.code == QLatin1String("conflict") || r.code == QLatin1String("not_found") || r.httpStatus == 403
                    || r.httpStatus == 404 || r.httpStatus == 409)) {
                Q_EMIT self->startRefused(rep->jobId, rep->attempt, r.describe());
                return;
            }
            if (r.kind == AgentReply::Kind::Transport || r.kind == AgentReply::Kind::Unauthorized) {
                self->retryLater(*rep, &AgentOutbox::sendStarted, r.retryAfterMs);
                return;
            }
            if (r.kind == AgentReply::Kind::Rejected)
                qWarning().noquote() << "agent: server refused started of job" << rep->jobId << r.describe()
                                     << "(going on)";
            rep->started = true;
            rep->backoff.reset();
            self->flushLogs(k);
        });
}

void AgentOutbox::appendLines(const QString &jobId, int attempt, const QList<LogLine> &lines)
{
    auto it = m_reports.find(key(jobId, attempt));
    if (it == m_reports.end())
        return;
    qint64 last = it->lines.isEmpty() ? it->nextSeq - 1 : it->lines.last().seq;
    const qsizetype before = it->lines.size();
    for (const LogLine &l : lines) {
        const qint64 seq = l.seq - it->seqShift;
        if (seq > last) {
            it->lines.append(l);
            it->lines.last().seq = seq;
            m_liveBytes += lineBytes(l);
            last = seq;
        }
    }
    if (it->result && it->lines.size() > before)
        scheduleSpoolLines();
    const QString k = it.key();
    if (m_capBytes > 0 && m_liveBytes > m_capBytes)
        enforceCap(k);
    flushLogs(k);
}

void AgentOutbox::flushLogs(const QString &k)
{
    auto it = m_reports.find(k);
    if (it == m_reports.end())
        return;
    Report &rep = *it;
    if (!rep.started || rep.logsInFlight || rep.waiting)
        return;
    if (rep.lines.isEmpty()) {
        settle(k);
        return;
    }

    // {"jobId":…,"attempt":…,"lines":[…]} written directly: thousands of lines per batch
    QByteArray body;
    body.reserve(qMin(rep.byteCap, qsizetype(rep.lines.size()) * 96) + 256);
    body += "{\"jobId\":";
    appendJsonString(body, rep.jobId);
    body += ",\"attempt\":";
    appendNumber(body, rep.attempt);
    body += ",\"lines\":[";
    qsizetype bytes = 0;
    qint64 lastSent = 0;
    int count = 0;
    for (const LogLine &l : std::as_const(rep.lines)) {
        const qsizetype size = l.text.size() + kLineOverhead;
        if (count > 0 && (count >= kMaxBatchLines || bytes + size > rep.byteCap))
            break;
        if (count > 0)
            body += ',';
        l.appendWireJson(body);
        bytes += size;
        lastSent = l.seq;
        ++count;
    }
    body += "]}";
    rep.logsInFlight = true;
    rep.sentUpTo = qMax(rep.sentUpTo, lastSent);
    const quint64 serial = rep.serial;
    const quint64 gen = m_generation;
    QPointer<AgentOutbox> self(this);
    m_post(QStringLiteral("logs"), body, [self, k, serial, gen, lastSent, count](const AgentReply &r) {
        if (!self || gen != self->m_generation)
            return;
        self->onLogsReply(k, serial, count == 1 ? -lastSent : lastSent, r);
    });
}

// lastSent < 0: the batch was that single line.
void AgentOutbox::onLogsReply(const QString &k, quint64 serial, qint64 lastSent, const AgentReply &r)
{
    Report *rep = find(k, serial);
    if (!rep)
        return;
    rep->logsInFlight = false;
    const bool single = lastSent < 0;
    lastSent = qAbs(lastSent);

    if (r.kind == AgentReply::Kind::Success) {
        const qint64 next = seqOf(r.payload);
        acknowledge(*rep, next > 0 ? next : lastSent + 1);
        rep->backoff.reset();
        flushLogs(k);
        return;
    }
    if (r.kind == AgentReply::Kind::Transport || r.kind == AgentReply::Kind::Unauthorized) {
        retryLater(*rep, &AgentOutbox::flushLogs, r.retryAfterMs);
        return;
    }
    // Rejected: the server answered; decide what it means for the lines.
    const qint64 next = seqOf(r.payload);
    if (r.code == QLatin1String("conflict") && next > 0) {
        const qint64 firstBefore = rep->lines.isEmpty() ? 0 : rep->lines.first().seq;
        acknowledge(*rep, next);
        if (!rep->lines.isEmpty() && rep->lines.first().seq == firstBefore && firstBefore == next) {
            // refused without a gap (the attempt is no longer this node's, or the job ended): the same
            // batch would be refused again at once, so wait; a heartbeat's `kill` settles it
            retryLater(*rep, &AgentOutbox::flushLogs, r.retryAfterMs);
            return;
        }
        if (!rep->lines.isEmpty() && rep->lines.first().seq > next) {
            // The server wants lines we no longer hold (it lost acknowledged lines): nothing can fill
            // the gap, so stop rather than loop.
            qWarning().noquote() << "agent: server asks for log lines from" << next << "of job" << rep->jobId
                                 << "which were already acknowledged; dropping" << rep->lines.size() << "lines";
            removeLines(*rep, 0, rep->lines.size());
        }
        flushLogs(k);
        return;
    }
    if (r.httpStatus == 413 || r.code == QLatin1String("payload_too_large")) {
        if (single && !rep->lines.isEmpty()) {
            LogLine &l = rep->lines.first();
            m_liveBytes -= lineBytes(l);
            l.text = l.text.left(l.text.size() / 2) + QStringLiteral(" [truncated by agent]");
            m_liveBytes += lineBytes(l);
        }
        rep->byteCap = qMax<qsizetype>(1, rep->byteCap / 2);
        flushLogs(k);
        return;
    }
    qWarning().noquote() << "agent: server refused log lines of job" << rep->jobId << r.describe() << "; dropping"
                         << rep->lines.size() << "lines";
    removeLines(*rep, 0, rep->lines.size());
    flushLogs(k);
}

void AgentOutbox::acknowledge(Report &rep, qint64 nextSeq)
{
    if (nextSeq <= rep.nextSeq)
        return;
    rep.nextSeq = nextSeq;
    qsizetype n = 0;
    while (n < rep.lines.size() && rep.lines.at(n).seq < nextSeq)
        ++n;
    removeLines(rep, 0, n);
    if (rep.result)
        spool(AgentSpool::ackRecord(rep.jobId, rep.attempt, nextSeq));
}

void AgentOutbox::retryLater(Report &rep, void (AgentOutbox::*what)(const QString &), int minMs)
{
    rep.waiting = true;
    const QString k = key(rep.jobId, rep.attempt);
    const quint64 serial = rep.serial;
    const quint64 gen = m_generation;
    QTimer::singleShot(qMax(rep.backoff.next(), minMs), this, [this, k, serial, gen, what] {
        if (gen != m_generation)
            return;
        Report *rep = find(k, serial);
        if (!rep)
            return;
        rep->waiting = false;
        (this->*what)(k);
    });
}

void AgentOutbox::finish(const QString &jobId, int attempt, const QJsonObject &result)
{
    // Spooled now, not while the job ran: a job that dies with the agent is requeued by the server, so
    // only a finished one needs its unacknowledged lines kept, and a running job's lines cost no write.
    const QString k = key(jobId, attempt);
    auto it = m_reports.find(k);
    if (it == m_reports.end()) {
        spool(AgentSpool::resultRecord(result));
        m_results.append({k, result});
        sendNextResult();
        return;
    }
    it->result = result;
    // The result at once (it is what keeps the job from running twice) with the first 1000 unacknowledged
    // lines; more follow in slices (spoolLines), so a big backlog neither stalls the event loop nor is
    // written at all when the server takes it first.
    QByteArray records = AgentSpool::beginRecord(jobId, attempt, it->pid);
    if (it->nextSeq > 1)
        records += AgentSpool::ackRecord(jobId, attempt, it->nextSeq);
    spool(records + AgentSpool::resultRecord(result));
    it->spooledUpTo = it->nextSeq - 1;
    spoolLines(); // the first slice now: a usual backlog is written before the agent logs the job's end
    settle(k);
}

void AgentOutbox::settle(const QString &k)
{
    auto it = m_reports.find(k);
    if (it == m_reports.end())
        return;
    const Report &rep = *it;
    if (!rep.result || !rep.started || rep.startedInFlight || rep.logsInFlight || !rep.lines.isEmpty())
        return;
    m_results.append({k, *rep.result});
    m_reports.erase(it);
    sendNextResult();
}

void AgentOutbox::sendNextResult()
{
    if (m_resultInFlight || m_resultWaiting || m_results.isEmpty())
        return;
    m_resultInFlight = true;
    const PendingResult item = m_results.first();
    const quint64 gen = m_generation;
    QPointer<AgentOutbox> self(this);
    m_post(QStringLiteral("result"), QJsonDocument(item.body).toJson(QJsonDocument::Compact),
        [self, item, gen](const AgentReply &r) {
            if (!self || gen != self->m_generation)
                return;
            AgentOutbox *o = self;
            o->m_resultInFlight = false;
            if (r.kind == AgentReply::Kind::Transport || r.kind == AgentReply::Kind::Unauthorized) {
                o->m_resultWaiting = true;
                QTimer::singleShot(qMax(o->m_resultBackoff.next(), r.retryAfterMs), o, [o, gen] {
                    if (gen != o->m_generation)
                        return;
                    o->m_resultWaiting = false;
                    o->sendNextResult();
                });
                return;
            }
            o->m_resultBackoff.reset();
            qsizetype idx = -1;
            for (qsizetype i = 0; i < o->m_results.size() && idx < 0; ++i) {
                if (o->m_results.at(i).key == item.key)
                    idx = i;
            }
            if (idx >= 0)
                o->m_results.removeAt(idx);
            const QString jobId = item.body.value(QStringLiteral("jobId")).toString();
            const int attempt = item.body.value(QStringLiteral("attempt")).toInt();
            o->spool(AgentSpool::doneRecord(jobId, attempt));
            bool accepted = false;
            if (r.kind == AgentReply::Kind::Rejected)
                qWarning().noquote() << "agent: server refused the result of job" << jobId << r.describe();
            else
                accepted = r.payload.toObject().value(QStringLiteral("accepted")).toBool();
            if (idx >= 0)
                Q_EMIT o->resultAnswered(jobId, attempt, accepted);
            o->sendNextResult();
            o->checkIdle();
        });
}

void AgentOutbox::drop(const QString &jobId, int attempt)
{
    const QString k = key(jobId, attempt);
    bool held = false;
    if (auto it = m_reports.find(k); it != m_reports.end()) {
        removeLines(*it, 0, it->lines.size());
        held = it->result.has_value(); // only a finished attempt was spooled
        m_reports.erase(it);
    }
    if (m_results.removeIf([&k](const PendingResult &p) { return p.key == k; }) > 0)
        held = true;
    if (held)
        spool(AgentSpool::doneRecord(jobId, attempt));
    checkIdle();
}

void AgentOutbox::clear()
{
    ++m_generation;
    m_reports.clear();
    m_results.clear();
    m_liveBytes = 0;
    if (m_spool) {
        m_spool->close(); // the identity changed (or the agent stops): openSpool() starts a new one
        m_spool.reset();
        m_spoolNodeId.clear();
    }
    m_resultInFlight = false;
    m_resultWaiting = false;
    m_resultBackoff.reset();
}

bool AgentOutbox::contains(const QString &jobId, int attempt) const
{
    const QString k = key(jobId, attempt);
    if (m_reports.contains(k))
        return true;
    for (const PendingResult &p : m_results) {
        if (p.key == k)
            return true;
    }
    return false;
}

bool AgentOutbox::isIdle() const
{
    return m_reports.isEmpty() && m_results.isEmpty();
}

int AgentOutbox::pendingLineCount() const
{
    qsizetype n = 0;
    for (const Report &r : m_reports)
        n += r.lines.size();
    return int(n);
}

void AgentOutbox::checkIdle()
{
    if (!isIdle())
        return;
    if (m_spool && m_spool->size() > kResetBytes)
        compactSpool(); // nothing owed: back to the header alone
    Q_EMIT idle();
}

QList<QPair<QString, int>> AgentOutbox::unsettled() const
{
    QList<QPair<QString, int>> out;
    for (const Report &r : m_reports)
        out.append({r.jobId, r.attempt});
    for (const PendingResult &p : m_results) {
        out.append({p.body.value(QStringLiteral("jobId")).toString(), p.body.value(QStringLiteral("attempt")).toInt()});
    }
    return out;
}

void AgentOutbox::removeLines(Report &rep, qsizetype from, qsizetype count)
{
    for (qsizetype i = from; i < from + count; ++i)
        m_liveBytes -= lineBytes(rep.lines.at(i));
    rep.lines.remove(from, count);
}

// Over the cap: the oldest lines no batch has carried yet give way, first in the job that is writing,
// then in the others, down to three quarters of the cap (so this runs rarely). The server refuses a gap
// in seqs, so the dropped run becomes one marker line and the job's later lines move down to follow it.
void AgentOutbox::enforceCap(const QString &first)
{
    const qint64 target = m_capBytes / 4 * 3;
    QList<QString> order {first};
    for (auto it = m_reports.cbegin(); it != m_reports.cend(); ++it) {
        if (it.key() != first)
            order.append(it.key());
    }
    bool dropped = false;
    for (const QString &k : std::as_const(order)) {
        if (m_liveBytes <= target)
            break;
        Report &rep = m_reports[k];
        qsizetype from = 0;
        while (from < rep.lines.size() && rep.lines.at(from).seq <= rep.sentUpTo)
            ++from;
        qsizetype n = 0;
        qint64 freed = 0;
        // the newest line stays: the job's latest output is what a reader wants most
        while (from + n < rep.lines.size() - 1 && m_liveBytes - freed > target) {
            freed += lineBytes(rep.lines.at(from + n));
            ++n;
        }
        if (n < 2)
            continue;
        LogLine marker;
        marker.seq = rep.lines.at(from).seq;
        marker.tsMs = rep.lines.at(from).tsMs;
        marker.stderrStream = true;
        marker.text = QStringLiteral("[agent: %1 log lines dropped: the agent's spool was full]").arg(n);
        removeLines(rep, from, n);
        rep.lines.insert(from, marker);
        m_liveBytes += lineBytes(marker);
        for (qsizetype i = from + 1; i < rep.lines.size(); ++i)
            rep.lines[i].seq -= n - 1;
        rep.seqShift += n - 1;
        m_droppedLines += n;
        dropped = true;
        qWarning().noquote() << QStringLiteral("agent: log cap of %1 bytes reached; dropped %2 lines of job %3")
                                    .arg(m_capBytes)
                                    .arg(n)
                                    .arg(rep.jobId);
    }
    if (dropped)
        compactSpool(); // the file must show the renumbered lines
}

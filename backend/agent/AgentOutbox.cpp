// Per-attempt report pipeline of the agent: started -> log batches (one in flight per job) -> result.
#include "AgentOutbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

namespace {
constexpr int kMaxBatchLines = 5000;
// Estimated request size of one batch (text + ~48 bytes of JSON per line); the server's default body
// limit is 1 MiB. A 413 halves it for that job.
constexpr qsizetype kDefaultByteCap = 640 * 1024;
constexpr qsizetype kLineOverhead = 48;
constexpr int kBackoffFirstMs = 250;
constexpr int kBackoffMaxMs = 10000;

qint64 seqOf(const QJsonValue &payload)
{
    const QJsonValue v = payload.toObject().value(QStringLiteral("nextSeq"));
    return v.isDouble() ? qint64(v.toDouble()) : -1;
}

} // namespace

QString AgentReply::describe() const
{
    QString s;
    switch (kind) {
    case Kind::Transport:
        s = QStringLiteral("no answer");
        break;
    case Kind::Success:
        s = QStringLiteral("SUCCESS");
        break;
    case Kind::NoData:
        s = QStringLiteral("NO_DATA");
        break;
    case Kind::Unauthorized:
        s = QStringLiteral("unauthorized");
        break;
    case Kind::Rejected:
        s = QStringLiteral("refused");
        break;
    }
    if (httpStatus)
        s += QStringLiteral(" (HTTP %1)").arg(httpStatus);
    if (!code.isEmpty())
        s += QStringLiteral(" code=") + code;
    if (!message.isEmpty())
        s += QStringLiteral(": ") + message;
    return s;
}

AgentReply AgentReply::fromNetworkReply(QNetworkReply *reply)
{
    AgentReply r;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        r.message = reply->errorString();
        return r;
    }
    r.httpStatus = status.toInt();
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    const QString st = o.value(QStringLiteral("status")).toString();
    r.code = o.value(QStringLiteral("code")).toString();
    r.message = o.value(QStringLiteral("message")).toString();
    r.payload = o.value(QStringLiteral("payload"));
    if (r.message.isEmpty() && reply->error() != QNetworkReply::NoError)
        r.message = reply->errorString();
    // 429 and 5xx stay Transport: the server is there but busy or failing; try again.
    if (r.httpStatus == 429 || st == QLatin1String("RATE_LIMITED"))
        r.retryAfterMs = qBound(0, reply->rawHeader("Retry-After").toInt() * 1000, 60000);
    else if (r.httpStatus >= 500)
        r.kind = Kind::Transport;
    else if (st == QLatin1String("SUCCESS") && r.httpStatus < 300)
        r.kind = Kind::Success;
    else if (st == QLatin1String("NO_DATA") && r.httpStatus < 300)
        r.kind = Kind::NoData;
    else if (r.httpStatus == 401 || st == QLatin1String("UNAUTHORIZED"))
        r.kind = Kind::Unauthorized;
    else if (r.httpStatus >= 400 || st == QLatin1String("ERROR") || st == QLatin1String("FORBIDDEN"))
        r.kind = Kind::Rejected;
    return r;
}

int Backoff::next()
{
    const int base = m_attempt >= 6 ? kBackoffMaxMs : qMin(kBackoffMaxMs, kBackoffFirstMs << m_attempt);
    ++m_attempt;
    return base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
}

AgentOutbox::AgentOutbox(Poster post, QObject *parent)
    : QObject(parent)
    , m_post(std::move(post))
{
}

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
    for (const LogLine &l : lines) {
        if (l.seq > last) {
            it->lines.append(l);
            last = l.seq;
        }
    }
    flushLogs(it.key());
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
            rep->lines.clear();
        }
        flushLogs(k);
        return;
    }
    if (r.httpStatus == 413 || r.code == QLatin1String("payload_too_large")) {
        if (single && !rep->lines.isEmpty()) {
            LogLine &l = rep->lines.first();
            l.text = l.text.left(l.text.size() / 2) + QStringLiteral(" [truncated by agent]");
        }
        rep->byteCap = qMax<qsizetype>(1, rep->byteCap / 2);
        flushLogs(k);
        return;
    }
    qWarning().noquote() << "agent: server refused log lines of job" << rep->jobId << r.describe() << "; dropping"
                         << rep->lines.size() << "lines";
    rep->lines.clear();
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
    rep.lines.remove(0, n);
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
    const QString k = key(jobId, attempt);
    auto it = m_reports.find(k);
    if (it == m_reports.end()) {
        m_results.append({k, result});
        sendNextResult();
        return;
    }
    it->result = result;
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
    m_reports.remove(k);
    m_results.removeIf([&k](const PendingResult &p) { return p.key == k; });
    checkIdle();
}

void AgentOutbox::clear()
{
    ++m_generation;
    m_reports.clear();
    m_results.clear();
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
    if (isIdle())
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

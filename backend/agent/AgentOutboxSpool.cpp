// The outbox's spool file: what finished attempts still owe the control plane is written as it happens
// (in slices for a backlog) and taken over by the next process of the same node after a crash.
#include "AgentOutbox.h"

#include <QDebug>
#include <QTimerEvent>

namespace {
constexpr qint64 kMinCompactBytes = 4 << 20; // the spool is rewritten past twice the log cap (at least this)
constexpr int kSpoolLinesPerRecord = 1000;
constexpr int kSpoolSliceMs = 10; // finished attempts' pending lines go to the spool 1000 per 10 ms at most
} // namespace

void AgentOutbox::spool(const QByteArray &record)
{
    if (!m_spool)
        return;
    m_spool->append(record);
    // Held lines never pass the cap, so the file stays under twice the cap (plus acknowledgements) without
    // rewriting it as acknowledgements come in; an idle outbox truncates it (checkIdle).
    if (m_spool->size() > 2 * qMax(m_capBytes, kMinCompactBytes))
        compactSpool();
}

void AgentOutbox::scheduleSpoolLines()
{
    if (m_spool && !m_spoolLinesTimer.isActive())
        m_spoolLinesTimer.start(kSpoolSliceMs, this);
}

void AgentOutbox::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_spoolLinesTimer.timerId())
        return QObject::timerEvent(event);
    m_spoolLinesTimer.stop();
    spoolLines();
}

// One slice of finished attempts' unacknowledged lines to the spool; lines acknowledged meanwhile are
// skipped (with a server that keeps up, most never reach the disk).
void AgentOutbox::spoolLines()
{
    if (!m_spool)
        return;
    qsizetype budget = kSpoolLinesPerRecord;
    bool more = false;
    for (Report &rep : m_reports) {
        if (!rep.result)
            continue;
        qsizetype from = 0;
        while (from < rep.lines.size() && rep.lines.at(from).seq <= rep.spooledUpTo)
            ++from;
        const qsizetype n = qMin(budget, rep.lines.size() - from);
        if (n <= 0)
            continue;
        spool(AgentSpool::linesRecord(rep.jobId, rep.attempt, rep.lines, from, n));
        rep.spooledUpTo = qMax(rep.spooledUpTo, rep.lines.at(from + n - 1).seq);
        budget -= n;
        more = more || from + n < rep.lines.size();
        if (budget <= 0) {
            more = true;
            break;
        }
    }
    if (more)
        scheduleSpoolLines();
}

QList<QByteArray> AgentOutbox::spoolRecords()
{
    QList<QByteArray> out {AgentSpool::nodeRecord(m_spoolNodeId)};
    for (Report &rep : m_reports) {
        if (!rep.result)
            continue; // still running: not spooled (it would die with the agent anyway)
        rep.spooledUpTo = rep.lines.isEmpty() ? rep.nextSeq - 1 : rep.lines.last().seq;
        out.append(AgentSpool::beginRecord(rep.jobId, rep.attempt, rep.pid));
        if (rep.nextSeq > 1)
            out.append(AgentSpool::ackRecord(rep.jobId, rep.attempt, rep.nextSeq));
        for (qsizetype i = 0; i < rep.lines.size(); i += kSpoolLinesPerRecord)
            out.append(AgentSpool::linesRecord(rep.jobId, rep.attempt, rep.lines, i, kSpoolLinesPerRecord));
        out.append(AgentSpool::resultRecord(*rep.result));
    }
    for (const PendingResult &p : m_results)
        out.append(AgentSpool::resultRecord(p.body));
    return out;
}

void AgentOutbox::compactSpool()
{
    if (!m_spool)
        return;
    QString error;
    if (!m_spool->rewrite(spoolRecords(), &error))
        qWarning().noquote() << "agent: cannot rewrite the spool" << m_spool->path() << ":" << error;
}

bool AgentOutbox::openSpool(const QString &path, const QString &nodeId, QString *error)
{
    if (m_spool && m_spool->path() == path && m_spoolNodeId == nodeId)
        return true;
    auto spool = std::make_unique<AgentSpool>(path);
    const AgentSpool::Contents left = spool->read();
    int restored = 0;
    int lost = 0;
    if (!left.entries.isEmpty() && left.nodeId != nodeId) {
        qWarning().noquote() << "agent: discarding" << left.entries.size() << "unsent report(s) of node" << left.nodeId
                             << "(this agent is now node" << nodeId + ")";
    } else {
        for (const AgentSpool::Entry &e : left.entries) {
            const QString k = key(e.jobId, e.attempt);
            if (!e.result) {
                ++lost; // it was running when the earlier process died, and died with it
                continue;
            }
            if (m_reports.contains(k) || contains(e.jobId, e.attempt))
                continue;
            ++restored;
            if (!e.begun) {
                m_results.append({k, *e.result});
                continue;
            }
            Report rep;
            rep.jobId = e.jobId;
            rep.attempt = e.attempt;
            rep.serial = ++m_serial;
            rep.pid = e.pid;
            rep.byteCap = kDefaultByteCap;
            rep.lines = e.lines;
            rep.nextSeq = e.nextSeq;
            rep.sentUpTo = e.lines.isEmpty() ? 0 : e.lines.last().seq; // may have been sent: never dropped
            rep.result = e.result;
            for (const LogLine &l : std::as_const(rep.lines))
                m_liveBytes += lineBytes(l);
            m_reports.insert(k, std::move(rep));
        }
    }
    m_spool = std::move(spool);
    m_spoolNodeId = nodeId;
    if (!m_spool->rewrite(spoolRecords(), error)) {
        m_spool.reset();
        return false;
    }
    if (restored > 0 || lost > 0)
        qInfo().noquote() << QStringLiteral("agent: spool: reporting %1 finished job(s) left unreported by the last "
                                            "run; %2 that were still running are left to the server")
                                 .arg(restored)
                                 .arg(lost);
    QStringList unannounced;
    for (auto it = m_reports.cbegin(); it != m_reports.cend(); ++it) {
        if (!it->started && !it->startedInFlight && !it->waiting)
            unannounced.append(it.key());
    }
    for (const QString &k : std::as_const(unannounced))
        sendStarted(k);
    sendNextResult();
    return true;
}

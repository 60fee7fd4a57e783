// A job's output: both pipes read in turns, split into lines (long ones cut at a UTF-8 boundary),
// secrets redacted, and handed on in batches.
#include "JobProcess.h"

#include <QDateTime>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace {

constexpr qsizetype kMaxLineBytes = 64 * 1024;
constexpr int kMaxBatchLines = 1000;
constexpr int kFlushIntervalMs = 5;
constexpr qsizetype kReadChunk = 64 * 1024;
constexpr qsizetype kReadBudget = 1024 * 1024; // per notifier activation, so both streams get turns

// Largest cut <= max that does not split a UTF-8 sequence (falls back to max for garbage).
qsizetype utf8Cut(QByteArrayView bytes, qsizetype max)
{
    for (qsizetype cut = max; cut > max - 4 && cut > 0; --cut) {
        if ((uchar(bytes[cut]) & 0xC0) != 0x80)
            return cut;
    }
    return max;
}

} // namespace

void JobProcess::readStream(Stream &s)
{
    if (s.fd < 0)
        return;
    qsizetype budget = kReadBudget;
    bool eof = false;
    const qsizetype before = s.buffer.size();
    while (budget > 0) {
        const qsizetype old = s.buffer.size();
        s.buffer.resize(old + kReadChunk);
        const ssize_t n = ::read(s.fd, s.buffer.data() + old, size_t(kReadChunk));
        s.buffer.resize(old + qMax<ssize_t>(n, 0));
        if (n > 0) {
            budget -= n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        eof = true; // 0 = EOF; other errors end the stream too
        break;
    }

    if (s.buffer.size() != before || eof) {
        const qint64 ts = QDateTime::currentMSecsSinceEpoch();
        const QByteArrayView data(s.buffer);
        qsizetype pos = 0;
        for (;;) {
            const qsizetype nl = data.indexOf('\n', pos);
            if (nl < 0)
                break;
            qsizetype end = nl;
            if (end > pos && data[end - 1] == '\r')
                --end;
            appendLine(data.sliced(pos, end - pos), s.isStderr, ts);
            pos = nl + 1;
        }
        // A line that keeps growing without a newline is emitted in 64 KiB pieces.
        while (s.buffer.size() - pos > kMaxLineBytes) {
            const qsizetype cut = utf8Cut(data.sliced(pos), kMaxLineBytes);
            appendLine(data.sliced(pos, cut), s.isStderr, ts);
            pos += cut;
        }
        if (eof && pos < s.buffer.size()) {
            QByteArrayView rest = data.sliced(pos);
            if (rest.endsWith('\r'))
                rest.chop(1);
            appendLine(rest, s.isStderr, ts);
            pos = s.buffer.size();
        }
        s.buffer.remove(0, pos);
        emitBatches(kMaxBatchLines);
    }

    if (eof) {
        closeStream(s);
        if (m_exited && !m_draining && m_out.fd < 0 && m_err.fd < 0) {
            // Stopping, and the last holders of the pipes are gone before the grace ran out.
            if (m_graceTimer)
                m_graceTimer->stop();
            killGroup(SIGKILL);
            beginDrain();
        }
        maybeFinish();
    }
}

void JobProcess::closeStream(Stream &s)
{
    if (s.notifier) {
        s.notifier->setEnabled(false);
        s.notifier->deleteLater(); // may be the sender we are running under
        s.notifier = nullptr;
    }
    if (s.fd >= 0) {
        ::close(s.fd);
        s.fd = -1;
    }
}

void JobProcess::appendLine(QByteArrayView bytes, bool isStderr, qint64 tsMs)
{
    do {
        const qsizetype cut = bytes.size() > kMaxLineBytes ? utf8Cut(bytes, kMaxLineBytes) : bytes.size();
        LogLine line;
        line.tsMs = tsMs;
        line.stderrStream = isStderr;
        line.text = QString::fromUtf8(bytes.first(cut));
        if (m_redactor.isEmpty()) {
            line.seq = m_nextSeq++;
            m_pending.append(std::move(line));
        } else {
            line.text = m_redactor.redactLine(std::move(line.text));
            queueLine(isStderr ? m_err : m_out, std::move(line));
        }
        bytes = bytes.sliced(cut);
    } while (!bytes.isEmpty());
    scheduleFlush();
}

void JobProcess::scheduleFlush()
{
    if (m_flushTimer && !m_flushTimer->isActive())
        m_flushTimer->start(kFlushIntervalMs);
}

void JobProcess::flushLines()
{
    if (m_flushTimer)
        m_flushTimer->stop();
    if (!m_redactor.isEmpty() && releaseHeld(m_finished) && m_flushTimer)
        m_flushTimer->start(kFlushIntervalMs * 4);
    emitBatches(1);
}

// Emits pending lines in batches of at most kMaxBatchLines while at least minLines are pending.
// Only called once the stream buffers are consistent, so a slot that spins an event loop is safe.
void JobProcess::emitBatches(qsizetype minLines)
{
    while (!m_pending.isEmpty() && m_pending.size() >= minLines) {
        QList<LogLine> batch;
        if (m_pending.size() <= kMaxBatchLines) {
            batch.swap(m_pending);
        } else {
            batch = m_pending.first(kMaxBatchLines);
            m_pending.remove(0, kMaxBatchLines);
        }
        Q_EMIT linesReady(batch);
    }
}

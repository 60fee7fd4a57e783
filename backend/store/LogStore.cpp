// Segments are named NNNNNN-FIRSTSEQ.log so a log's layout is recovered from the directory alone; a
// torn last line (a crash mid-write, never acknowledged) is cut off when the log is reopened.
#include "LogStore.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <fcntl.h>
#include <unistd.h>

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString segmentName(int number, qint64 firstSeq)
{
    return QStringLiteral("%1-%2.log").arg(number, 6, 10, QLatin1Char('0')).arg(firstSeq);
}

bool writeAll(int fd, const char *p, qint64 n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, p, size_t(n));
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= w;
    }
    return true;
}
}

LogStore::LogStore(QString root, Options opts)
    : m_root(std::move(root))
    , m_opts(opts)
    , m_segmentBytes(std::clamp<qint64>(opts.maxBytesPerAttempt / 4, 4096, 8LL * 1024 * 1024))
{
    QDir().mkpath(m_root);
}

LogStore::~LogStore()
{
    for (auto &l : m_logs)
        closeFile(*l);
}

bool LogStore::openAppend(Log &log, const QByteArray &path, int flags)
{
    closeFile(log);
    if (m_openFiles >= std::max(1, m_opts.maxOpenFiles)) {
        // the least recently used log holding a descriptor gives it up
        for (auto it = m_lru.rbegin(); it != m_lru.rend(); ++it) {
            if (*it != &log && (*it)->fd >= 0) {
                closeFile(**it);
                break;
            }
        }
    }
    log.fd = ::open(path.constData(), flags | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
    if (log.fd >= 0)
        ++m_openFiles;
    return log.fd >= 0;
}

void LogStore::closeFile(Log &log)
{
    if (log.fd < 0)
        return;
    ::close(log.fd);
    log.fd = -1;
    --m_openFiles;
}

void LogStore::forget(Log *log)
{
    closeFile(*log);
    m_lru.erase(log->lru);
    m_logs.remove(log->key); // destroys *log
}

void LogStore::release(const QString &jobId, int attempt)
{
    const auto it = m_logs.constFind(jobId + QLatin1Char('/') + QString::number(attempt));
    if (it != m_logs.constEnd())
        forget(it->get());
}

void LogStore::encode(QByteArray &out, const LogLine &l)
{
    appendNumber(out, l.seq);
    out += '\t';
    appendNumber(out, l.tsMs);
    out += l.stderrStream ? "\te\t" : "\to\t";
    // \\ \n \r \t escaped, everything else as UTF-8: copied in runs between the escapes
    const QByteArray text = l.text.toUtf8();
    const char *p = text.constData();
    const char *end = p + text.size();
    while (p < end) {
        const char *run = p;
        while (p < end && *p != '\\' && *p != '\n' && *p != '\r' && *p != '\t')
            ++p;
        out.append(run, p - run);
        if (p == end)
            break;
        out += '\\';
        out += *p == '\\' ? '\\' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
        ++p;
    }
    out += '\n';
}

bool LogStore::decode(const char *p, qint64 n, RawLogLine &out)
{
    // seq \t ts \t s \t text   (n excludes the newline)
    const char *end = p + n;
    const char *t1 = static_cast<const char *>(memchr(p, '\t', size_t(n)));
    if (!t1)
        return false;
    const char *t2 = static_cast<const char *>(memchr(t1 + 1, '\t', size_t(end - t1 - 1)));
    if (!t2 || t2 + 3 > end || t2[2] != '\t')
        return false;
    bool ok1 = false, ok2 = false;
    out.seq = QByteArray::fromRawData(p, t1 - p).toLongLong(&ok1);
    out.tsMs = QByteArray::fromRawData(t1 + 1, t2 - t1 - 1).toLongLong(&ok2);
    out.stderrStream = t2[1] == 'e';
    out.escapedText = t2 + 3;
    out.escapedLength = end - out.escapedText;
    return ok1 && ok2;
}

QString LogStore::unescape(const char *text, qint64 len)
{
    if (!memchr(text, '\\', size_t(len)))
        return QString::fromUtf8(text, len);
    const char *end = text + len;
    QByteArray raw;
    raw.reserve(len);
    for (const char *c = text; c < end; ++c) {
        if (*c == '\\' && c + 1 < end) {
            ++c;
            raw += *c == 'n' ? '\n' : *c == 'r' ? '\r' : *c == 't' ? '\t' : *c;
        } else {
            raw += *c;
        }
    }
    return QString::fromUtf8(raw);
}

LogStore::Log *LogStore::open(const QString &jobId, int attempt, bool create)
{
    const QString key = jobId + QLatin1Char('/') + QString::number(attempt);
    auto it = m_logs.find(key);
    if (it != m_logs.end()) {
        Log *log = it->get();
        log->lastUse = nowMs();
        m_lru.splice(m_lru.begin(), m_lru, log->lru);
        return log;
    }
    auto log = std::make_shared<Log>();
    log->key = key;
    log->dir = m_root + QLatin1Char('/') + jobId + QLatin1Char('/') + QString::number(attempt);
    QDir dir(log->dir);
    if (!dir.exists()) {
        if (!create)
            return nullptr;
        dir.mkpath(QStringLiteral("."));
    }
    for (const QFileInfo &fi : dir.entryInfoList({QStringLiteral("*.log")}, QDir::Files, QDir::Name)) {
        const QString base = fi.completeBaseName();
        Segment s;
        s.number = base.section(QLatin1Char('-'), 0, 0).toInt();
        s.firstSeq = base.section(QLatin1Char('-'), 1, 1).toLongLong();
        s.size = fi.size();
        log->segments.append(s);
        log->totalBytes += s.size;
    }
    QFile dropped(log->dir + QStringLiteral("/dropped"));
    if (dropped.open(QIODevice::ReadOnly))
        log->dropped = dropped.readAll().trimmed().toLongLong();
    if (!log->segments.isEmpty()) {
        // find the next seq from the last complete line of the last segment; cut a torn tail
        Segment &last = log->segments.last();
        const QString path = log->dir + QLatin1Char('/') + segmentName(last.number, last.firstSeq);
        QFile f(path);
        log->nextSeq = last.firstSeq;
        if (f.open(QIODevice::ReadWrite)) {
            // only the tail is read: the last complete line, and a torn one after it (a segment is
            // megabytes, and a finished log is reopened for every reader that comes back to it)
            const qint64 fileSize = f.size();
            qint64 window = 64 * 1024;
            QByteArray data;
            qint64 base = 0;
            qint64 lastNl = -1;
            qint64 start = -1;
            for (;;) {
                base = std::max<qint64>(0, fileSize - window);
                f.seek(base);
                data = f.read(fileSize - base);
                lastNl = data.lastIndexOf('\n');
                start = lastNl > 0 ? data.lastIndexOf('\n', lastNl - 1) + 1 : 0; // lastIndexOf(-1) means the end
                if (base == 0 || start > 0)
                    break; // the whole file, or a whole last line inside the window
                window *= 4;
            }
            const qint64 good = base + lastNl + 1;
            if (good < fileSize) {
                f.resize(good);
                log->totalBytes -= fileSize - good;
                last.size = good;
            }
            if (lastNl >= 0) {
                RawLogLine l;
                if (decode(data.constData() + start, lastNl - start, l))
                    log->nextSeq = l.seq + 1;
            }
        }
    }
    log->lastUse = nowMs();
    Log *raw = log.get();
    m_logs.insert(key, log);
    m_lru.push_front(raw);
    raw->lru = m_lru.begin();
    while (int(m_lru.size()) > std::max(1, m_opts.maxCachedLogs))
        forget(m_lru.back()); // never the new one: it is at the front
    return raw;
}

bool LogStore::startSegment(Log &log, qint64 firstSeq, QString *error)
{
    Segment s;
    s.number = log.segments.isEmpty() ? 1 : log.segments.last().number + 1;
    s.firstSeq = firstSeq;
    const QByteArray path = (log.dir + QLatin1Char('/') + segmentName(s.number, s.firstSeq)).toLocal8Bit();
    if (!openAppend(log, path, O_CREAT)) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2")
                         .arg(QString::fromLocal8Bit(path), QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    log.segments.append(s);
    return true;
}

bool LogStore::append(const QString &jobId, int attempt, const QList<LogLine> &lines, qint64 *nextSeq, QString *error)
{
    Log *log = open(jobId, attempt, true);
    if (!log) {
        *error = QStringLiteral("cannot create the log directory");
        return false;
    }
    int first = 0;
    while (first < lines.size() && lines[first].seq < log->nextSeq)
        ++first; // already stored: a resend
    if (first < lines.size() && lines[first].seq != log->nextSeq) {
        *nextSeq = log->nextSeq;
        *error = QStringLiteral("gap: expected seq %1, got %2").arg(log->nextSeq).arg(lines[first].seq);
        return false;
    }
    QByteArray buf;
    buf.reserve(qMin<qsizetype>((lines.size() - first) * 48 + 64, 4 << 20));
    qint64 expected = log->nextSeq;
    for (int i = first; i < lines.size(); ++i) {
        if (lines[i].seq != expected)
            break; // stop at the first hole inside the batch; the rest is resent later
        if (log->segments.isEmpty() || log->fd < 0 || log->segments.last().size + buf.size() >= m_segmentBytes) {
            if (!buf.isEmpty()) {
                if (!writeAll(log->fd, buf.constData(), buf.size())) {
                    *error = QStringLiteral("write failed");
                    return false;
                }
                log->segments.last().size += buf.size();
                log->totalBytes += buf.size();
                buf.clear();
            }
            if (log->fd < 0 && !log->segments.isEmpty() && log->segments.last().size < m_segmentBytes) {
                // reopen the last segment after a restart or an idle close
                const Segment &s = log->segments.last();
                const QByteArray path = (log->dir + QLatin1Char('/') + segmentName(s.number, s.firstSeq)).toLocal8Bit();
                openAppend(*log, path, 0);
            }
            if (log->fd < 0 || log->segments.isEmpty() || log->segments.last().size >= m_segmentBytes) {
                if (!startSegment(*log, expected, error))
                    return false;
            }
        }
        encode(buf, lines[i]);
        ++expected;
    }
    if (!buf.isEmpty()) {
        if (!writeAll(log->fd, buf.constData(), buf.size())) {
            *error = QStringLiteral("write failed");
            return false;
        }
        log->segments.last().size += buf.size();
        log->totalBytes += buf.size();
        if (m_opts.fsync)
            ::fdatasync(log->fd);
    }
    log->nextSeq = expected;
    *nextSeq = expected;
    if (log->totalBytes > m_opts.maxBytesPerAttempt)
        enforceCap(*log);
    return true;
}

void LogStore::enforceCap(Log &log)
{
    while (log.totalBytes > m_opts.maxBytesPerAttempt && log.segments.size() > 1) {
        const Segment s = log.segments.takeFirst();
        QFile::remove(log.dir + QLatin1Char('/') + segmentName(s.number, s.firstSeq));
        log.totalBytes -= s.size;
        log.dropped += log.segments.first().firstSeq - s.firstSeq;
    }
    QFile f(log.dir + QStringLiteral("/dropped"));
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(QByteArray::number(log.dropped));
}

qint64 LogStore::nextSeq(const QString &jobId, int attempt)
{
    Log *log = open(jobId, attempt, false);
    return log ? log->nextSeq : 1;
}

qint64 LogStore::droppedLines(const QString &jobId, int attempt)
{
    Log *log = open(jobId, attempt, false);
    return log ? log->dropped : 0;
}

LogReadResult LogStore::read(const QString &jobId, int attempt, LogCursor &cursor, int maxLines, qint64 maxBytes)
{
    QList<LogLine> lines;
    LogReadResult r = scan(jobId, attempt, cursor, maxLines, maxBytes, [&lines](const RawLogLine &raw) {
        lines.append({raw.seq, raw.tsMs, raw.stderrStream, unescape(raw.escapedText, raw.escapedLength)});
    });
    r.lines = std::move(lines);
    return r;
}

LogReadResult LogStore::scan(const QString &jobId, int attempt, LogCursor &cursor, int maxLines, qint64 maxBytes,
    const std::function<void(const RawLogLine &)> &visit)
{
    LogReadResult r;
    Log *log = open(jobId, attempt, false);
    if (!log || log->segments.isEmpty()) {
        r.nextSeq = log ? log->nextSeq : 1;
        return r;
    }
    r.nextSeq = log->nextSeq;
    const qint64 firstAvailable = log->segments.first().firstSeq;
    if (cursor.nextSeq < firstAvailable) {
        r.droppedBefore = firstAvailable - std::max<qint64>(cursor.nextSeq, 1);
        cursor.nextSeq = firstAvailable;
        cursor.segment = -1;
    }
    // locate the segment when the cursor has no position (or the segment list moved under it)
    if (cursor.segment < 0 || cursor.segment >= log->segments.size()
        || log->segments[cursor.segment].number != cursor.segmentNumber
        || log->segments[cursor.segment].firstSeq > cursor.nextSeq) {
        cursor.segment = 0;
        for (int i = 0; i < log->segments.size(); ++i)
            if (log->segments[i].firstSeq <= cursor.nextSeq)
                cursor.segment = i;
        cursor.segmentNumber = log->segments[cursor.segment].number;
        cursor.offset = 0;
    }
    qint64 bytes = 0;
    auto full = [&] { return r.count >= maxLines || bytes >= maxBytes; };
    while (cursor.segment < log->segments.size() && !full()) {
        const Segment &s = log->segments[cursor.segment];
        QFile f(log->dir + QLatin1Char('/') + segmentName(s.number, s.firstSeq));
        if (!f.open(QIODevice::ReadOnly))
            break;
        const qint64 size = std::min(f.size(), s.size); // never past what was acknowledged
        qint64 chunkSize = 1 << 20;
        while (cursor.offset < size && !full()) {
            // lines before the cursor's seq (a read from the middle) are skipped without counting
            f.seek(cursor.offset);
            const QByteArray chunk = f.read(std::min(size - cursor.offset, chunkSize));
            qint64 pos = 0;
            while (pos < chunk.size() && !full()) {
                const qint64 nl = chunk.indexOf('\n', pos);
                if (nl < 0)
                    break;
                RawLogLine l;
                if (decode(chunk.constData() + pos, nl - pos, l) && l.seq >= cursor.nextSeq) {
                    cursor.nextSeq = l.seq + 1;
                    bytes += nl - pos;
                    ++r.count;
                    visit(l);
                }
                pos = nl + 1;
            }
            if (pos == 0) {
                if (chunkSize >= size)
                    break; // no complete line at all: nothing more to read
                chunkSize *= 4; // a line longer than the chunk
                continue;
            }
            cursor.offset += pos;
        }
        if (cursor.offset < size || cursor.segment + 1 >= log->segments.size())
            break;
        ++cursor.segment;
        cursor.segmentNumber = log->segments[cursor.segment].number;
        cursor.offset = 0;
    }
    return r;
}

void LogStore::removeJob(const QString &jobId)
{
    const QString prefix = jobId + QLatin1Char('/');
    QList<Log *> doomed;
    for (auto it = m_logs.cbegin(); it != m_logs.cend(); ++it)
        if (it.key().startsWith(prefix))
            doomed.append(it->get());
    for (Log *log : doomed)
        forget(log);
    QDir(m_root + QLatin1Char('/') + jobId).removeRecursively();
}

int LogStore::removeOlderThan(
    qint64 cutoffMs, const std::function<bool(const QString &)> &keep, int maxDirs, bool *finished)
{
    // one walk of the root across calls, so a store with a million finished jobs is visited in slices
    if (!m_retentionWalk)
        m_retentionWalk = std::make_unique<QDirIterator>(m_root, QDir::Dirs | QDir::NoDotAndDotDot);
    int removed = 0;
    int visited = 0;
    while (visited < maxDirs && m_retentionWalk->hasNext()) {
        m_retentionWalk->next();
        ++visited;
        const QString jobId = m_retentionWalk->fileName();
        if (keep(jobId))
            continue;
        qint64 newest = 0;
        QDirIterator it(
            m_root + QLatin1Char('/') + jobId, {QStringLiteral("*.log")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            newest = std::max(newest, it.fileInfo().lastModified().toMSecsSinceEpoch());
        }
        if (newest < cutoffMs) {
            removeJob(jobId);
            ++removed;
        }
    }
    const bool done = !m_retentionWalk->hasNext();
    if (done)
        m_retentionWalk.reset();
    if (finished)
        *finished = done;
    return removed;
}

void LogStore::closeIdle()
{
    const qint64 cutoff = nowMs() - 60000;
    while (!m_lru.empty() && m_lru.back()->lastUse < cutoff)
        forget(m_lru.back()); // least recently used last: stop at the first one still in use
}

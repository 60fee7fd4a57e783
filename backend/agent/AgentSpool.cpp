// Spool records: {"o":"node"|"begin"|"lines"|"ack"|"result"|"done", …}. Reading replays them in order;
// the outbox rewrites the file from what it holds whenever it grows well past that.
#include "AgentSpool.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace {
bool writeAll(int fd, const char *data, qsizetype size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size_t(size));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= n;
    }
    return true;
}

QByteArray head(const char *op, const QString &jobId, int attempt)
{
    QByteArray out;
    out.reserve(64 + jobId.size());
    out += "{\"o\":\"";
    out += op;
    out += "\",\"j\":";
    appendJsonString(out, jobId);
    out += ",\"a\":";
    appendNumber(out, attempt);
    return out;
}

QString keyOf(const QString &jobId, int attempt)
{
    return jobId + QLatin1Char('#') + QString::number(attempt);
}
} // namespace

AgentSpool::AgentSpool(QString path)
    : m_path(std::move(path))
{
}

AgentSpool::~AgentSpool()
{
    close();
}

void AgentSpool::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

QByteArray AgentSpool::nodeRecord(const QString &nodeId)
{
    QByteArray out = "{\"o\":\"node\",\"id\":";
    appendJsonString(out, nodeId);
    return out + "}\n";
}

QByteArray AgentSpool::beginRecord(const QString &jobId, int attempt, qint64 pid)
{
    QByteArray out = head("begin", jobId, attempt);
    out += ",\"pid\":";
    appendNumber(out, pid);
    return out + "}\n";
}

QByteArray AgentSpool::linesRecord(
    const QString &jobId, int attempt, const QList<LogLine> &lines, qsizetype from, qsizetype count)
{
    const qsizetype end = count < 0 ? lines.size() : qMin(lines.size(), from + count);
    QByteArray out = head("lines", jobId, attempt);
    qsizetype bytes = 0;
    for (qsizetype i = from; i < end; ++i)
        bytes += lines.at(i).text.size() + 64;
    out.reserve(out.size() + bytes + 16);
    out += ",\"lines\":[";
    for (qsizetype i = from; i < end; ++i) {
        if (i > from)
            out += ',';
        lines.at(i).appendWireJson(out);
    }
    return out + "]}\n";
}

QByteArray AgentSpool::ackRecord(const QString &jobId, int attempt, qint64 nextSeq)
{
    QByteArray out = head("ack", jobId, attempt);
    out += ",\"next\":";
    appendNumber(out, nextSeq);
    return out + "}\n";
}

QByteArray AgentSpool::resultRecord(const QJsonObject &result)
{
    return "{\"o\":\"result\",\"r\":" + QJsonDocument(result).toJson(QJsonDocument::Compact) + "}\n";
}

QByteArray AgentSpool::doneRecord(const QString &jobId, int attempt)
{
    return head("done", jobId, attempt) + "}\n";
}

AgentSpool::Contents AgentSpool::read() const
{
    Contents c;
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly))
        return c;
    QHash<QString, qsizetype> index; // key -> position in c.entries
    const auto entry = [&](const QString &jobId, int attempt) -> Entry & {
        const QString k = keyOf(jobId, attempt);
        auto it = index.find(k);
        if (it == index.end()) {
            Entry e;
            e.jobId = jobId;
            e.attempt = attempt;
            c.entries.append(e);
            it = index.insert(k, c.entries.size() - 1);
        }
        return c.entries[*it];
    };
    while (!f.atEnd()) {
        const QByteArray line = f.readLine();
        if (!line.endsWith('\n'))
            break; // torn last record (the agent died inside a write)
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QString op = o.value(QStringLiteral("o")).toString();
        if (op == QLatin1String("node")) {
            c.nodeId = o.value(QStringLiteral("id")).toString();
            continue;
        }
        if (op == QLatin1String("result")) {
            const QJsonObject r = o.value(QStringLiteral("r")).toObject();
            const QString jobId = r.value(QStringLiteral("jobId")).toString();
            const int attempt = r.value(QStringLiteral("attempt")).toInt();
            if (!jobId.isEmpty() && attempt > 0)
                entry(jobId, attempt).result = r;
            continue;
        }
        const QString jobId = o.value(QStringLiteral("j")).toString();
        const int attempt = o.value(QStringLiteral("a")).toInt();
        if (jobId.isEmpty() || attempt < 1)
            continue;
        Entry &e = entry(jobId, attempt);
        if (op == QLatin1String("begin")) {
            e.begun = true;
            e.pid = qint64(o.value(QStringLiteral("pid")).toDouble());
        } else if (op == QLatin1String("lines")) {
            qint64 last = e.lines.isEmpty() ? e.nextSeq - 1 : e.lines.last().seq;
            for (const QJsonValue &v : o.value(QStringLiteral("lines")).toArray()) {
                const QJsonObject l = v.toObject();
                LogLine line;
                line.seq = qint64(l.value(QStringLiteral("seq")).toDouble());
                line.tsMs = qint64(l.value(QStringLiteral("ts")).toDouble());
                line.stderrStream = l.value(QStringLiteral("stream")).toString() == QLatin1String("stderr");
                line.text = l.value(QStringLiteral("text")).toString();
                if (line.seq > last) {
                    e.lines.append(line);
                    last = line.seq;
                }
            }
        } else if (op == QLatin1String("ack")) {
            const qint64 next = qint64(o.value(QStringLiteral("next")).toDouble());
            if (next > e.nextSeq) {
                e.nextSeq = next;
                qsizetype n = 0;
                while (n < e.lines.size() && e.lines.at(n).seq < next)
                    ++n;
                e.lines.remove(0, n);
            }
        } else if (op == QLatin1String("done")) {
            e = Entry(); // tombstone: removed below
        }
    }
    c.entries.removeIf([](const Entry &e) { return e.jobId.isEmpty(); });
    return c;
}

bool AgentSpool::rewrite(const QList<QByteArray> &records, QString *error)
{
    close();
    const QByteArray target = QFile::encodeName(m_path);
    const QByteArray tmp = target + ".tmp";
    ::unlink(tmp.constData());
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    qint64 size = 0;
    for (const QByteArray &r : records) {
        if (!ok)
            break;
        ok = writeAll(fd, r.constData(), r.size());
        size += r.size();
    }
    const int savedErrno = errno;
    if (fd >= 0)
        ::close(fd);
    if (!ok || ::rename(tmp.constData(), target.constData()) != 0) {
        if (error)
            *error = QString::fromLocal8Bit(strerror(ok ? errno : savedErrno));
        ::unlink(tmp.constData());
        return false;
    }
    m_fd = ::open(target.constData(), O_WRONLY | O_APPEND | O_CLOEXEC);
    m_size = size;
    m_writeFailed = false;
    if (m_fd < 0 && error)
        *error = QString::fromLocal8Bit(strerror(errno));
    return m_fd >= 0;
}

void AgentSpool::append(const QByteArray &record)
{
    if (m_fd < 0)
        return;
    if (!writeAll(m_fd, record.constData(), record.size())) {
        if (!m_writeFailed)
            qWarning().noquote() << "agent: cannot write the spool" << m_path << ":" << strerror(errno)
                                 << "(reports are kept in memory only)";
        m_writeFailed = true;
        return;
    }
    m_size += record.size();
}

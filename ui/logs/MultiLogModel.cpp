#include "MultiLogModel.h"

#include "JobLogStream.h"
#include "LogLine.h"

MultiLogModel::MultiLogModel(ComputeClient *client, QObject *parent)
    : LogSource(parent)
    , m_client(client)
{
    m_appendTimer.setSingleShot(true);
    m_appendTimer.setInterval(30);
    connect(&m_appendTimer, &QTimer::timeout, this, &LogSource::appended);
}

MultiLogModel::~MultiLogModel()
{
    clear();
}

QStringList MultiLogModel::jobs() const
{
    QStringList out;
    for (const Source &s : m_sources)
        if (s.stream || !s.state.isEmpty())
            out << s.jobId;
    return out;
}

bool MultiLogModel::isFollowing(const QString &jobId) const
{
    for (const Source &s : m_sources)
        if (s.jobId == jobId && s.stream)
            return true;
    return false;
}

void MultiLogModel::follow(const QString &jobId)
{
    if (jobId.isEmpty() || isFollowing(jobId) || m_sources.size() >= 0xffff)
        return;
    int index = -1;
    for (int i = 0; i < m_sources.size(); ++i)
        if (m_sources[i].jobId == jobId)
            index = i;
    if (index < 0) {
        m_sources.append({jobId, nullptr, {}});
        index = int(m_sources.size() - 1);
    }
    FollowOptions o;
    o.tail = BackfillLines;
    o.acrossAttempts = true;
    auto *stream = new JobLogStream(m_client, jobId, o, this);
    m_sources[index].stream = stream;
    m_sources[index].state.clear();
    connect(stream, &JobLogStream::line, this, [this, index](const LogLine &l, int) { onLine(index, l); });
    connect(stream, &JobLogStream::ended, this, [this, index, stream](const QString &state, int) {
        m_sources[index].state = state;
        if (m_sources[index].stream == stream)
            m_sources[index].stream = nullptr;
        stream->deleteLater();
        emit jobEnded(m_sources[index].jobId, state);
        emit jobsChanged();
    });
    connect(stream, &JobLogStream::failed, this, [this, index, stream](const ClientError &e) {
        if (m_sources[index].stream == stream)
            m_sources[index].stream = nullptr;
        stream->deleteLater();
        emit jobFailed(m_sources[index].jobId, e);
        emit jobsChanged();
    });
    stream->start();
    emit jobsChanged();
}

void MultiLogModel::unfollow(const QString &jobId)
{
    for (Source &s : m_sources) {
        if (s.jobId == jobId) {
            if (s.stream) {
                s.stream->stop();
                s.stream->deleteLater();
                s.stream = nullptr;
            }
            s.state = QStringLiteral("-");
        }
    }
    emit jobsChanged();
}

void MultiLogModel::clear()
{
    for (Source &s : m_sources) {
        if (s.stream) {
            s.stream->stop();
            s.stream->deleteLater();
        }
    }
    m_sources.clear();
    m_chunks.clear();
    m_base += m_count; // keys never come back
    m_count = 0;
    emit reset();
    emit jobsChanged();
}

QString MultiLogModel::sourceName(int source) const
{
    return source >= 0 && source < m_sources.size() ? m_sources[source].jobId : QString();
}

qint64 MultiLogModel::cachedBytes() const
{
    qint64 n = 0;
    for (const LogChunk &c : m_chunks)
        n += c.bytes();
    return n;
}

void MultiLogModel::onLine(int source, const LogLine &l)
{
    if (m_chunks.isEmpty() || m_chunks.last().count() >= ChunkLines) {
        if (!m_chunks.isEmpty())
            m_chunks.last().squeeze();
        LogChunk c;
        c.startKey = endKey();
        c.text.reserve(ChunkLines * 48);
        m_chunks.append(std::move(c));
    }
    LogChunk &c = m_chunks.last();
    c.append(l.tsMs, l.stderrStream, l.text.toUtf8());
    c.sources.append(quint16(source));
    ++m_count;
    if (m_chunks.size() > MaxChunks) {
        // the oldest lines go: the page shows a recent window, the job pane the whole log
        const qint64 previous = m_base;
        m_base += m_chunks.first().count();
        m_count -= m_chunks.first().count();
        m_chunks.removeFirst();
        emit firstKeyChanged(previous);
    }
    if (!m_appendTimer.isActive())
        m_appendTimer.start();
}

bool MultiLogModel::line(qint64 key, LogLineRef &out)
{
    if (key < m_base || key >= endKey())
        return false;
    const qint64 idx = key - m_base; // every chunk but the last is full
    const LogChunk &c = m_chunks[idx / ChunkLines];
    const int i = int(idx % ChunkLines);
    out.text = c.textAt(i);
    out.seq = key;
    out.tsMs = c.ts[i];
    out.stderrStream = c.flags[i] & 1;
    out.gap = 0;
    out.source = c.sources[i];
    return true;
}

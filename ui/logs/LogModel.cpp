#include "LogModel.h"

#include "ClientTypes.h"
#include "ComputeClient.h"
#include "JobLogStream.h"
#include "JobState.h"

LogModel::LogModel(ComputeClient *client, QObject *parent)
    : LogSource(parent)
    , m_client(client)
{
    // live lines arrive by the thousand a second: the view hears of them a few times a second
    m_appendTimer.setSingleShot(true);
    m_appendTimer.setInterval(30);
    connect(&m_appendTimer, &QTimer::timeout, this, &LogSource::appended);
}

LogModel::~LogModel()
{
    close();
}

void LogModel::clear()
{
    m_chunks.clear();
    m_inFlight.clear();
    m_firstSeq = 1;
    m_lastSeq = 0;
}

void LogModel::close()
{
    ++m_gen;
    if (m_stream) {
        m_stream->stop();
        m_stream->deleteLater();
        m_stream = nullptr;
    }
    m_ready = false;
    clear();
}

void LogModel::setCacheLimits(int maxChunks, qint64 maxBytes)
{
    m_maxChunks = std::max(4, maxChunks);
    m_maxBytes = std::max<qint64>(1 << 20, maxBytes);
    evict();
}

qint64 LogModel::cachedBytes() const
{
    qint64 n = 0;
    for (const LogChunk &c : m_chunks)
        n += c.bytes();
    return n;
}

void LogModel::open(const QString &jobId, int attempt)
{
    close();
    m_jobId = jobId;
    m_attempt = attempt;
    m_followLatest = attempt == 0;
    m_state.clear();
    emit reset();
    const quint64 gen = m_gen;
    QPointer<LogModel> self(this);
    // the extent first: the last line (tail=0 reads none, its nextSeq is the log's), then the first line
    // the size cap kept (what since=0 reports dropped); live lines follow from the last one, so none is missed
    LogRequest r;
    r.attempt = attempt;
    r.tail = 0;
    r.limit = 1;
    m_client->logs(jobId, r, [self, gen](ClientResult<LogPage> res) {
        if (!self || self->m_gen != gen)
            return;
        if (!res)
            return emit self->failed(res.error());
        const LogPage &p = res.value();
        self->m_attempt = p.attempt;
        self->m_lastSeq = p.nextSeq - 1;
        self->m_state = p.state;
        const auto state = JobStates::parse(p.state);
        const bool live = self->m_followLatest ? !(state && JobStates::isTerminal(*state)) : !p.finished;
        LogRequest first;
        first.attempt = p.attempt;
        first.since = 0;
        first.limit = 1;
        self->m_client->logs(self->m_jobId, first, [self, gen, live](ClientResult<LogPage> res) {
            if (!self || self->m_gen != gen)
                return;
            if (!res)
                return emit self->failed(res.error());
            const LogPage &p = res.value();
            self->m_firstSeq = p.lines.isEmpty() ? p.dropped + 1 : p.lines.first().seq;
            if (self->m_firstSeq > self->m_lastSeq + 1)
                self->m_firstSeq = self->m_lastSeq + 1;
            self->m_ready = true;
            emit self->reset();
            emit self->opened(self->m_attempt);
            if (live)
                self->startStream(self->m_lastSeq);
            else
                emit self->ended(self->m_state);
        });
    });
}

void LogModel::startStream(qint64 since)
{
    FollowOptions o;
    o.attempt = m_attempt;
    o.since = since;
    o.acrossAttempts = m_followLatest;
    m_stream = new JobLogStream(m_client, m_jobId, o, this);
    connect(m_stream, &JobLogStream::line, this, [this](const LogLine &l, int) { onLine(l); });
    connect(m_stream, &JobLogStream::attemptChanged, this, [this](int attempt, int) {
        m_chunks.clear();
        m_inFlight.clear();
        ++m_gen; // fetches of the previous attempt answer into nothing
        m_attempt = attempt;
        m_firstSeq = 1;
        m_lastSeq = 0;
        emit reset();
        emit attemptChanged(attempt);
    });
    connect(m_stream, &JobLogStream::dropped, this, [this](qint64 n, int) { noteFirstSeq(n + 1); });
    connect(m_stream, &JobLogStream::ended, this, [this](const QString &state, int) {
        m_state = state;
        m_stream->deleteLater();
        m_stream = nullptr;
        m_appendTimer.stop();
        emit appended();
        emit ended(state);
    });
    connect(m_stream, &JobLogStream::failed, this, [this](const ClientError &e) {
        m_stream->deleteLater();
        m_stream = nullptr;
        emit failed(e);
    });
    connect(m_stream, &JobLogStream::reconnecting, this, [this](const ClientError &e, int) { emit reconnecting(e); });
    connect(m_stream, &JobLogStream::connected, this, &LogModel::connected);
    m_stream->start();
}

void LogModel::onLine(const LogLine &l)
{
    if (l.seq <= m_lastSeq)
        return;
    m_lastSeq = l.seq;
    const qint64 k = chunkOf(l.seq);
    auto it = m_chunks.find(k);
    if (it == m_chunks.end()) {
        // a new chunk starts with this line; a chunk begun before is fetched when someone looks at it
        if (!m_inFlight.contains(k) && l.seq == chunkFirst(k)) {
            LogChunk c;
            c.startKey = l.seq;
            c.lastUse = ++m_useClock;
            c.append(l.tsMs, l.stderrStream, l.text.toUtf8());
            m_chunks.insert(k, std::move(c));
            evict();
        }
    } else if (!m_inFlight.contains(k)) {
        if (it->endKey() == l.seq)
            it->append(l.tsMs, l.stderrStream, l.text.toUtf8());
        else if (it->endKey() < l.seq)
            topUp(k);
    }
    notifyAppended();
}

void LogModel::notifyAppended()
{
    if (!m_appendTimer.isActive())
        m_appendTimer.start();
}

bool LogModel::line(qint64 key, LogLineRef &out)
{
    if (!m_ready || key < firstKey() || key >= endKey())
        return false;
    if (m_firstSeq > 1 && key == m_firstSeq - 1) {
        out = LogLineRef();
        out.seq = key;
        out.gap = m_firstSeq - 1;
        return true;
    }
    const auto it = m_chunks.find(chunkOf(key));
    if (it == m_chunks.end())
        return false;
    const qint64 i = key - it->startKey;
    if (i < 0 || i >= it->count())
        return false;
    it->lastUse = ++m_useClock;
    out.text = it->textAt(int(i));
    out.seq = key;
    out.tsMs = it->ts[i];
    out.stderrStream = it->flags[i] & 1;
    out.gap = 0;
    out.source = -1;
    return true;
}

void LogModel::request(qint64 from, qint64 to)
{
    from = std::max(from, m_firstSeq);
    to = std::min(to, endKey());
    if (!m_ready || from >= to)
        return;
    const qint64 first = chunkOf(from);
    // a caller asking for the whole log gets the front of it: the cache holds a window, not the log
    const qint64 last = std::min(chunkOf(to - 1), first + m_maxChunks / 2 - 1);
    qint64 runStart = -1;
    for (qint64 k = first; k <= last + 1; ++k) {
        const bool missing = k <= last && !m_chunks.contains(k) && !m_inFlight.contains(k);
        if (missing && runStart < 0)
            runStart = k;
        if (runStart >= 0 && (!missing || k - runStart == MaxChunksPerFetch)) {
            fetch(runStart, int(k - runStart));
            runStart = missing ? k : -1;
        }
        if (k <= last && !missing) {
            const auto it = m_chunks.find(k);
            if (it != m_chunks.end()) {
                it->lastUse = ++m_useClock;
                if (!m_inFlight.contains(k) && it->endKey() < std::min(chunkEnd(k), endKey()))
                    topUp(k);
            }
        }
    }
}

void LogModel::fetch(qint64 firstChunk, int chunks)
{
    const qint64 since = chunkFirst(firstChunk) - 1;
    const qint64 to = std::min(chunkEnd(firstChunk + chunks - 1), endKey());
    if (to - since - 1 <= 0)
        return;
    for (qint64 k = firstChunk; k < firstChunk + chunks; ++k)
        m_inFlight.insert(k);
    ++m_fetches;
    ++m_fetchCount;
    LogRequest r;
    r.attempt = m_attempt;
    r.since = since;
    r.limit = int(to - since - 1);
    const quint64 gen = m_gen;
    QPointer<LogModel> self(this);
    m_client->logs(m_jobId, r, [self, gen, firstChunk, chunks, since](ClientResult<LogPage> res) {
        if (!self || self->m_gen != gen)
            return;
        --self->m_fetches;
        for (qint64 k = firstChunk; k < firstChunk + chunks; ++k)
            self->m_inFlight.remove(k);
        if (!res) {
            emit self->failed(res.error());
            // the scan or view asks again after a pause, not in a tight loop against a failing server
            QTimer::singleShot(1000, self, [self] { emit self->loaded(); });
            return;
        }
        self->onPage(gen, firstChunk, chunks, since, std::move(res.value()));
    });
}

void LogModel::onPage(quint64 gen, qint64 firstChunk, int chunks, qint64 since, LogPage page)
{
    Q_UNUSED(gen);
    if (page.dropped > 0)
        noteFirstSeq(since + 1 + page.dropped);
    LogChunk *cur = nullptr;
    qint64 curK = -1;
    QList<qint64> made;
    for (const LogLine &l : std::as_const(page.lines)) {
        const qint64 k = chunkOf(l.seq);
        if (k < firstChunk || k >= firstChunk + chunks)
            break;
        if (k != curK || !cur || cur->endKey() != l.seq) {
            LogChunk c;
            c.startKey = l.seq;
            cur = &*m_chunks.insert(k, std::move(c));
            curK = k;
            made.append(k);
        }
        cur->append(l.tsMs, l.stderrStream, l.text.toUtf8());
        cur->lastUse = ++m_useClock;
    }
    if (!page.lines.isEmpty() && page.lines.last().seq > m_lastSeq) {
        m_lastSeq = page.lines.last().seq;
        notifyAppended();
    }
    for (qint64 k : std::as_const(made)) {
        auto it = m_chunks.find(k);
        it->squeeze();
        if (it->endKey() < std::min(chunkEnd(k), endKey()))
            topUp(k); // live lines came while this was on its way
    }
    evict();
    emit loaded();
}

void LogModel::topUp(qint64 k)
{
    const auto it = m_chunks.find(k);
    if (it == m_chunks.end() || m_inFlight.contains(k))
        return;
    const qint64 since = it->endKey() - 1;
    const qint64 to = std::min(chunkEnd(k), endKey());
    if (to - since - 1 <= 0)
        return;
    m_inFlight.insert(k);
    ++m_fetches;
    ++m_fetchCount;
    LogRequest r;
    r.attempt = m_attempt;
    r.since = since;
    r.limit = int(to - since - 1);
    const quint64 gen = m_gen;
    QPointer<LogModel> self(this);
    m_client->logs(m_jobId, r, [self, gen, k, since](ClientResult<LogPage> res) {
        if (!self || self->m_gen != gen)
            return;
        --self->m_fetches;
        self->m_inFlight.remove(k);
        auto it = self->m_chunks.find(k);
        if (!res || it == self->m_chunks.end() || it->endKey() - 1 != since) {
            QTimer::singleShot(res ? 0 : 1000, self, [self] { emit self->loaded(); });
            return;
        }
        for (const LogLine &l : std::as_const(res.value().lines)) {
            if (l.seq != it->endKey() || l.seq >= chunkEnd(k))
                break;
            it->append(l.tsMs, l.stderrStream, l.text.toUtf8());
        }
        if (it->endKey() < std::min(chunkEnd(k), self->endKey()))
            self->topUp(k);
        emit self->loaded();
    });
}

void LogModel::noteFirstSeq(qint64 first)
{
    if (first <= m_firstSeq)
        return;
    const qint64 previous = firstKey();
    m_firstSeq = std::min(first, m_lastSeq + 1);
    for (auto it = m_chunks.begin(); it != m_chunks.end();) {
        if (it->endKey() <= m_firstSeq && !m_inFlight.contains(it.key()))
            it = m_chunks.erase(it);
        else
            ++it;
    }
    emit firstKeyChanged(previous);
}

void LogModel::evict()
{
    qint64 bytes = cachedBytes();
    while (m_chunks.size() > 1 && (m_chunks.size() > m_maxChunks || bytes > m_maxBytes)) {
        auto victim = m_chunks.end();
        for (auto it = m_chunks.begin(); it != m_chunks.end(); ++it) {
            if (!m_inFlight.contains(it.key()) && (victim == m_chunks.end() || it->lastUse < victim->lastUse))
                victim = it;
        }
        if (victim == m_chunks.end())
            return;
        bytes -= victim->bytes();
        m_chunks.erase(victim);
    }
}

// One job attempt's log for a LogView: its extent (first line kept by the size cap, last line), a bounded
// LRU cache of fixed-size chunks fetched by range as the view needs them, and the live tail from a
// JobLogStream appended to the last chunk. Memory stays bounded whatever the log's length.
#pragma once

#include "ClientError.h"
#include "LogChunk.h"
#include "LogSource.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

class ComputeClient;
class JobLogStream;
struct LogLine;
struct LogPage;

class LogModel : public LogSource
{
    Q_OBJECT
public:
    static constexpr int ChunkLines = 2000;
    static constexpr int MaxChunksPerFetch = 16;

    explicit LogModel(ComputeClient *client, QObject *parent = nullptr);
    ~LogModel() override;

    // Opens the log of a job's attempt (0: the latest, and follow the next attempts as they come).
    void open(const QString &jobId, int attempt = 0);
    void close();

    QString jobId() const { return m_jobId; }
    int attempt() const { return m_attempt; }
    bool isOpen() const { return m_ready; }
    bool isLive() const { return m_stream != nullptr; }
    QString jobState() const { return m_state; }
    qint64 firstSeq() const { return m_firstSeq; }
    qint64 lastSeq() const { return m_lastSeq; }
    qint64 droppedLines() const { return m_firstSeq - 1; }

    void setCacheLimits(int maxChunks, qint64 maxBytes);
    int cachedChunks() const { return int(m_chunks.size()); }
    qint64 cachedBytes() const;
    int fetchesInFlight() const { return int(m_fetches); }
    qint64 fetchCount() const { return m_fetchCount; }

    qint64 firstKey() const override { return m_firstSeq > 1 ? m_firstSeq - 1 : 1; }
    qint64 endKey() const override { return m_lastSeq + 1; }
    bool line(qint64 key, LogLineRef &out) override;
    void request(qint64 from, qint64 to) override;

signals:
    void opened(int attempt);
    void attemptChanged(int attempt);
    void ended(const QString &state);
    void failed(const ClientError &error);
    void reconnecting(const ClientError &why);
    void connected();

private:
    static qint64 chunkOf(qint64 seq) { return (seq - 1) / ChunkLines; }
    qint64 chunkFirst(qint64 k) const { return std::max<qint64>(k * ChunkLines + 1, m_firstSeq); }
    static qint64 chunkEnd(qint64 k) { return (k + 1) * ChunkLines + 1; } // exclusive
    void startStream(qint64 since);
    void onLine(const LogLine &l);
    void fetch(qint64 firstChunk, int chunks);
    void topUp(qint64 k);
    void onPage(quint64 gen, qint64 firstChunk, int chunks, qint64 since, LogPage page);
    void noteFirstSeq(qint64 first);
    void evict();
    void notifyAppended();
    void clear();

    ComputeClient *m_client;
    QString m_jobId;
    int m_attempt = 0;
    bool m_followLatest = true;
    bool m_ready = false;
    QString m_state;
    qint64 m_firstSeq = 1;
    qint64 m_lastSeq = 0;
    quint64 m_gen = 0; // answers for an earlier open() are dropped
    JobLogStream *m_stream = nullptr;
    QHash<qint64, LogChunk> m_chunks;
    QSet<qint64> m_inFlight; // chunk indexes being fetched
    qint64 m_fetches = 0;
    qint64 m_fetchCount = 0;
    quint64 m_useClock = 0;
    int m_maxChunks = 64;
    qint64 m_maxBytes = 64LL << 20;
    QTimer m_appendTimer;
};

// Several jobs' live logs interleaved in arrival order for the Logs page: a bounded ring of compact chunks
// (the newest MaxLines lines), each line tagged with its job; every job followed by its own JobLogStream,
// which resumes after a reconnect where it stopped, so nothing is lost or shown twice.
#pragma once

#include "ClientError.h"
#include "LogChunk.h"
#include "LogSource.h"

#include <QList>
#include <QTimer>

class ComputeClient;
class JobLogStream;
struct LogLine;

class MultiLogModel : public LogSource
{
    Q_OBJECT
public:
    static constexpr int ChunkLines = 2000;
    static constexpr int MaxChunks = 100; // 200,000 lines
    static constexpr int BackfillLines = 200; // each job starts with its last lines

    explicit MultiLogModel(ComputeClient *client, QObject *parent = nullptr);
    ~MultiLogModel() override;

    void follow(const QString &jobId);
    void unfollow(const QString &jobId);
    void clear();
    QStringList jobs() const;
    bool isFollowing(const QString &jobId) const;
    qint64 cachedBytes() const;

    qint64 firstKey() const override { return m_base; }
    qint64 endKey() const override { return m_base + m_count; }
    bool line(qint64 key, LogLineRef &out) override;
    void request(qint64, qint64) override { }
    bool hasSourceColumn() const override { return true; }
    QString sourceName(int source) const override;

signals:
    void jobsChanged();
    void jobEnded(const QString &jobId, const QString &state);
    void jobFailed(const QString &jobId, const ClientError &error);

private:
    struct Source
    {
        QString jobId;
        JobLogStream *stream = nullptr;
        QString state;
    };
    void onLine(int source, const LogLine &l);

    ComputeClient *m_client;
    QList<Source> m_sources;
    QList<LogChunk> m_chunks;
    qint64 m_base = 1;
    qint64 m_count = 0;
    QTimer m_appendTimer;
};

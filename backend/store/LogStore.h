// Job logs on disk: per job attempt, append-only segment files of "seq\tts\tstream\ttext" lines
// (text escaped), never a database row per line. Appends are idempotent by sequence number and
// contiguous (a gap is refused, so it is always detectable); a size cap drops whole old segments.
#pragma once

#include "LogRead.h"

#include <QHash>
#include <QList>
#include <QString>
#include <functional>
#include <limits>
#include <list>
#include <memory>

class QDirIterator;

class LogStore
{
public:
    struct Options
    {
        qint64 maxBytesPerAttempt = 64LL * 1024 * 1024;
        bool fsync = false; // fdatasync before acknowledging (power-loss durability)
        int maxOpenFiles = 64; // append descriptors held at once (least recently used closed first)
        int maxCachedLogs = 1024; // attempts whose segment layout is kept in memory
    };

    explicit LogStore(QString root, Options opts);
    ~LogStore();

    // Appends lines whose seq >= the log's nextSeq; lines below it are duplicates and skipped. A first
    // new line beyond nextSeq is a gap: nothing is written and false is returned. `*nextSeq` is the
    // log's next sequence number afterwards.
    bool append(const QString &jobId, int attempt, const QList<LogLine> &lines, qint64 *nextSeq, QString *error);

    qint64 nextSeq(const QString &jobId, int attempt);
    qint64 droppedLines(const QString &jobId, int attempt);

    // Reads forward from the cursor, at most maxLines / about maxBytes, advancing the cursor.
    LogReadResult read(const QString &jobId, int attempt, LogCursor &cursor, int maxLines, qint64 maxBytes = 4 << 20);
    // The same without decoding: each line is handed to `visit` as stored (live followers turn it into
    // JSON without a round trip through QString).
    LogReadResult scan(const QString &jobId, int attempt, LogCursor &cursor, int maxLines, qint64 maxBytes,
        const std::function<void(const RawLogLine &)> &visit);
    static QString unescape(const char *text, qint64 length);

    void removeJob(const QString &jobId);
    // Deletes the logs of jobs whose newest file is older than cutoffMs, skipping `keep`. Visits at most
    // maxDirs job directories per call, going on where the last call stopped; *finished once the walk
    // has been round the whole root.
    int removeOlderThan(qint64 cutoffMs, const std::function<bool(const QString &jobId)> &keep,
        int maxDirs = std::numeric_limits<int>::max(), bool *finished = nullptr);
    void closeIdle(); // releases file handles of logs nobody appended to recently
    // The attempt gets no more lines (its job finished or moved on): close its file, forget its layout.
    // Readers and late appends reopen it from the directory.
    void release(const QString &jobId, int attempt);
    int openFileCount() const { return m_openFiles; }
    int cachedLogCount() const { return int(m_logs.size()); }

    QString root() const { return m_root; }

private:
    struct Segment
    {
        int number = 0;
        qint64 firstSeq = 1;
        qint64 size = 0;
    };
    struct Log
    {
        QString key; // "jobId/attempt"
        QString dir;
        QList<Segment> segments;
        qint64 nextSeq = 1;
        qint64 dropped = 0;
        qint64 totalBytes = 0;
        int fd = -1; // open for append on the last segment
        qint64 lastUse = 0;
        std::list<Log *>::iterator lru;
    };
    Log *open(const QString &jobId, int attempt, bool create);
    bool openAppend(Log &log, const QByteArray &path, int flags);
    void closeFile(Log &log);
    void forget(Log *log);
    bool startSegment(Log &log, qint64 firstSeq, QString *error);
    void enforceCap(Log &log);
    static void encode(QByteArray &out, const LogLine &l);
    static bool decode(const char *p, qint64 n, RawLogLine &out);

    QString m_root;
    Options m_opts;
    qint64 m_segmentBytes;
    QHash<QString, std::shared_ptr<Log>> m_logs; // "jobId/attempt"
    std::unique_ptr<QDirIterator> m_retentionWalk;
    std::list<Log *> m_lru; // most recently used first; bounded by maxCachedLogs
    int m_openFiles = 0;
};

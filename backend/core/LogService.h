// The rules of job logs: agents append (only to jobs they run, idempotent by seq, secrets redacted),
// clients read and follow; retention runs on a timer. Followers are woken, never handed data: they
// read from storage at their own pace, so a slow one costs nothing but its own socket buffer.
#pragma once

#include "ApiError.h"
#include "JobService.h"
#include "LogRead.h"
#include "Principal.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

class LogStore;

struct LogAppendRequest
{
    QString jobId;
    int attempt = 0;
    QList<LogLine> lines;
    static Result<LogAppendRequest> fromJson(const QJsonObject &o);
};

class LogService : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        qint64 maxBytesPerAttempt = 64LL * 1024 * 1024;
        int retentionDays = 30;
        bool fsync = false;
    };
    LogService(const QString &root, Options opts, JobService &jobs, QObject *parent = nullptr);
    ~LogService() override;

    // Agent push; returns the log's nextSeq (every line below it is durable). A gap -> 409 with nextSeq.
    Result<qint64> append(const Principal &node, const LogAppendRequest &r);

    // Client side. Resolves which attempt to read (latest unless asked) and whether it is finished.
    struct Target
    {
        QString jobId;
        int attempt = 1;
        bool finished = false; // the attempt will get no more lines
        QString state; // the job's state (for the end event)
        int latestAttempt = 1; // the job's newest attempt: above `attempt` once this one was replaced
        QStringList redact;
    };
    Result<Target> target(const Principal &p, const QString &jobId, int attempt);
    LogReadResult read(const Target &t, LogCursor &cursor, int maxLines, qint64 maxBytes = 1 << 20);
    LogReadResult scan(const Target &t, LogCursor &cursor, int maxLines, qint64 maxBytes,
        const std::function<void(const RawLogLine &)> &visit);
    qint64 nextSeq(const Target &t);

    // Wakes `wake` whenever lines are appended to the job or it changes state. Returns a token.
    int subscribe(const QString &jobId, std::function<void()> wake);
    void unsubscribe(int token);
    int followerCount() const { return int(m_wakers.size()); }

    static QStringList secretValues(const JobSpec &spec);
    static QString redact(QString text, const QStringList &secrets);

private:
    void wake(const QString &jobId);
    void runRetention();
    void retentionSlice();

    std::unique_ptr<LogStore> m_store; // core's own: the layers above see only the read types
    Options m_opts;
    JobService &m_jobs;
    QHash<int, QPair<QString, std::function<void()>>> m_wakers;
    QMultiHash<QString, int> m_byJob;
    int m_nextToken = 1;
    QTimer m_retention;
    bool m_retentionRunning = false;
    int m_retentionRemoved = 0;
};

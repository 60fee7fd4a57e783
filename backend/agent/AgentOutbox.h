// What an agent tells the control plane about its jobs, in order and without loss: `started`, then every
// log line until the server has acknowledged it, then the result, retried until the server answers.
#pragma once

#include "AgentReply.h"
#include "AgentSpool.h"
#include "LogLine.h"

#include <QBasicTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class AgentOutbox : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const AgentReply &)>;
    // Sends one agent-plane call (`started`, `logs`, `result`) with the node's current key; the body
    // is compact JSON.
    using Poster = std::function<void(const QString &call, const QByteArray &body, Done done)>;

    explicit AgentOutbox(Poster post, QObject *parent = nullptr);
    ~AgentOutbox() override;

    static constexpr qint64 kDefaultLogCapBytes = 64LL << 20;

    static QString key(const QString &jobId, int attempt);

    // A job attempt whose process is running: announces it with `started`. Lines and the result
    // are held back until the server has answered that.
    void begin(const QString &jobId, int attempt, qint64 pid);
    void appendLines(const QString &jobId, int attempt, const QList<LogLine> &lines);
    // The attempt's result ({jobId, attempt, state, exitCode, runtimeMs, cpuSeconds, error}); sent once
    // every line has been acknowledged. Without begin() (the job never ran) it is sent at once.
    void finish(const QString &jobId, int attempt, const QJsonObject &result);
    // Forgets everything about the attempt (a killed job: nothing more is reported).
    void drop(const QString &jobId, int attempt);
    void clear();

    // Keeps what finished attempts still owe in a spool file too (AgentSpool) and takes over what an earlier process of
    // this node left there: attempts that finished but were not fully reported are reported now; those
    // that were still running died with that process and are forgotten (the server requeues them).
    // Another node's spool is discarded. Call again after the identity changed.
    bool openSpool(const QString &path, const QString &nodeId, QString *error = nullptr);
    // Most log text held for the server, over all jobs (memory and spool). Beyond it the oldest lines
    // not yet sent are replaced by one "[agent: N log lines dropped …]" line; results are never dropped.
    void setLogCapBytes(qint64 bytes) { m_capBytes = bytes; }
    qint64 logCapBytes() const { return m_capBytes; }
    qint64 heldLogBytes() const { return m_liveBytes; }
    qint64 droppedLineCount() const { return m_droppedLines; }
    qint64 spoolBytes() const { return m_spool ? m_spool->size() : 0; }

    bool contains(const QString &jobId, int attempt) const;
    bool isIdle() const; // nothing left to tell the server
    int pendingLineCount() const; // not yet acknowledged, over all jobs
    QList<QPair<QString, int>> unsettled() const; // attempts still being reported: (jobId, attempt)

Q_SIGNALS:
    // `started` was answered with a refusal: the job is no longer this agent's; the caller kills it
    // (and drops it here).
    void startRefused(const QString &jobId, int attempt, const QString &reason);
    // The server answered the result (accepted or not); the attempt is forgotten.
    void resultAnswered(const QString &jobId, int attempt, bool accepted);
    void idle(); // the last pending report was answered

private:
    // Estimated request size of one batch (text + ~48 bytes of JSON per line); the server's default body
    // limit is 1 MiB. A 413 halves it for that job.
    static constexpr qsizetype kDefaultByteCap = 640 * 1024;
    static constexpr qsizetype kLineOverhead = 48;
    static qint64 lineBytes(const LogLine &l) { return l.text.size() + kLineOverhead; }
    struct Report
    {
        QString jobId;
        int attempt = 1;
        quint64 serial = 0; // tells replies for a dropped and re-added attempt apart
        qint64 pid = 0;
        bool started = false; // the server answered `started`
        bool startedInFlight = false;
        QList<LogLine> lines; // not yet acknowledged, in seq order
        qint64 nextSeq = 1; // every line below it is durable on the server
        qint64 sentUpTo = 0; // highest seq sent in any batch: lines above it may be dropped (cap)
        qint64 spooledUpTo = 0; // finished: lines up to this seq are in the spool
        qint64 seqShift = 0; // lines dropped by the cap, less their markers: the job's seq minus this is ours
        bool logsInFlight = false;
        bool waiting = false; // a retry timer is pending
        qsizetype byteCap = 0; // how much text one batch may carry (halved on 413)
        Backoff backoff;
        std::optional<QJsonObject> result;
    };
    struct PendingResult
    {
        QString key;
        QJsonObject body;
    };

    Report *find(const QString &key, quint64 serial);
    void sendStarted(const QString &key);
    void flushLogs(const QString &key);
    void onLogsReply(const QString &key, quint64 serial, qint64 lastSent, const AgentReply &r);
    void acknowledge(Report &rep, qint64 nextSeq);
    void retryLater(Report &rep, void (AgentOutbox::*what)(const QString &), int minMs);
    void settle(const QString &key); // moves a finished, fully logged attempt to the result queue
    void sendNextResult();
    void checkIdle();
    void removeLines(Report &rep, qsizetype from, qsizetype count);
    void enforceCap(const QString &first);
    void spool(const QByteArray &record);
    void compactSpool();
    QList<QByteArray> spoolRecords(); // marks every finished attempt's lines as spooled
    void scheduleSpoolLines();
    void spoolLines();
    void timerEvent(QTimerEvent *event) override;

    Poster m_post;
    QHash<QString, Report> m_reports;
    QList<PendingResult> m_results;
    bool m_resultInFlight = false;
    bool m_resultWaiting = false;
    Backoff m_resultBackoff;
    quint64 m_serial = 0;
    quint64 m_generation = 0; // bumped by clear(): replies to older calls are ignored
    std::unique_ptr<AgentSpool> m_spool;
    QBasicTimer m_spoolLinesTimer;
    QString m_spoolNodeId;
    qint64 m_capBytes = kDefaultLogCapBytes;
    qint64 m_liveBytes = 0; // log text held, as counted against the cap
    qint64 m_droppedLines = 0;
};

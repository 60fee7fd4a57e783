// What an agent tells the control plane about its jobs, in order and without loss: `started`, then every
// log line until the server has acknowledged it, then the result, retried until the server answers.
#pragma once

#include "LogLine.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <functional>
#include <optional>

class QNetworkReply;

// One answer of the agent plane, already sorted into what the caller has to do about it.
struct AgentReply
{
    enum class Kind {
        Transport, // no definite answer (network error, timeout, 5xx, 429, unreadable body): retry later
        Success,
        NoData,
        Unauthorized, // the key was refused
        Rejected, // a definite refusal (ERROR / FORBIDDEN with a 4xx): do not send it again as is
    };
    Kind kind = Kind::Transport;
    int httpStatus = 0; // 0 when no HTTP answer arrived
    QString code; // the envelope's code ("conflict", "payload_too_large", …)
    QString message;
    QJsonValue payload;
    int retryAfterMs = 0; // from Retry-After on 429

    bool ok() const { return kind == Kind::Success; }
    QString describe() const; // for log lines
    // Sorts a finished reply: no HTTP answer, 5xx, 429 and unreadable 2xx bodies are Transport.
    static AgentReply fromNetworkReply(QNetworkReply *reply);
};

// Exponential backoff with jitter: 250 ms doubling to 10 s; each delay is drawn from [d/2, d].
class Backoff
{
public:
    int next(); // the delay to wait now, in ms; grows the next one
    void reset() { m_attempt = 0; }
    int attempts() const { return m_attempt; }

private:
    int m_attempt = 0;
};

class AgentOutbox : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const AgentReply &)>;
    // Sends one agent-plane call (`started`, `logs`, `result`) with the node's current key; the body
    // is compact JSON.
    using Poster = std::function<void(const QString &call, const QByteArray &body, Done done)>;

    explicit AgentOutbox(Poster post, QObject *parent = nullptr);

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

    Poster m_post;
    QHash<QString, Report> m_reports;
    QList<PendingResult> m_results;
    bool m_resultInFlight = false;
    bool m_resultWaiting = false;
    Backoff m_resultBackoff;
    quint64 m_serial = 0;
    quint64 m_generation = 0; // bumped by clear(): replies to older calls are ignored
};

// Follows a job's log live over SSE until the job ends: resumes by Last-Event-ID after a dropped connection
// or a control-plane restart (no line twice, none lost), moves on to the next attempt when one is replaced,
// and reports lines dropped by the size cap as their own item. Ends by itself after the job's last line.
#pragma once

#include "ClientError.h"
#include "LogLine.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

class ComputeClient;
class SseChannel;
struct SseEvent;

struct FollowOptions
{
    int attempt = 0; // 0: the job's current attempt
    qint64 since = -1; // the first lines wanted come after this seq
    int tail = -1; // or: start with the last N lines
    QString stream; // stdout, stderr, or empty for both
    bool acrossAttempts = true; // follow the next attempt when this one is replaced
    int reconnectForMs = 300000; // give up when no connection could be made for this long
};

class JobLogStream : public QObject
{
    Q_OBJECT
public:
    JobLogStream(ComputeClient *client, QString jobId, FollowOptions options, QObject *parent = nullptr);
    ~JobLogStream() override;

    void start();
    void stop();
    int attempt() const { return m_attempt; }
    qint64 lastSeq() const { return m_lastSeq; }

signals:
    void line(const LogLine &line, int attempt);
    void dropped(qint64 count, int attempt);
    void attemptChanged(int attempt, int previous);
    void reconnecting(const ClientError &why, int delayMs);
    void connected();
    // The job is over and every line of the attempt was delivered; `state` is its terminal state.
    void ended(const QString &state, int attempt);
    // Following cannot go on: the job or the credentials are refused, or the server stayed away.
    void failed(const ClientError &error);

private:
    void connectNow();
    void onEvent(const SseEvent &e);
    void onClosed(const ClientError &error);
    void retryLater(const ClientError &why);

    ComputeClient *m_client;
    QString m_jobId;
    FollowOptions m_opts;
    SseChannel *m_channel;
    int m_attempt = 0;
    qint64 m_lastSeq = 0;
    bool m_sawEnd = false;
    bool m_done = false;
    bool m_firstOpen = true;
    bool m_everConnected = false;
    int m_triesBeforeConnect = 0;
    int m_backoffMs = 0;
    QElapsedTimer m_failingSince; // since the first of the failed connections in a row
};

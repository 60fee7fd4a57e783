// Follows /v0/events: every event of the caller's workspace, in order, resumed by Last-Event-ID after a
// dropped connection or a server restart, with a backoff while the server is away. Runs until stopped.
#pragma once

#include "ClientError.h"
#include "ClientTypes.h"

#include <QObject>
#include <QStringList>

class ComputeClient;
class SseChannel;
struct SseEvent;

class EventStream : public QObject
{
    Q_OBJECT
public:
    // `types`: only these (job.terminal, agent.lost, …); empty: all. `sinceSeq`: resume after it (0: from now on).
    EventStream(ComputeClient *client, QStringList types = {}, qint64 sinceSeq = 0, QObject *parent = nullptr);
    ~EventStream() override;

    void start();
    void stop();
    qint64 lastSeq() const { return m_lastSeq; }
    bool isConnected() const { return m_connected; }

signals:
    void event(const ClientEvent &event);
    void connected();
    void disconnected(const ClientError &why, int retryInMs);
    void failed(const ClientError &error); // refused (401, 403): it will not retry

private:
    void connectNow();
    void onEvent(const SseEvent &e);
    void onClosed(const ClientError &error);

    ComputeClient *m_client;
    QStringList m_types;
    SseChannel *m_channel;
    qint64 m_lastSeq = 0;
    int m_backoffMs = 0;
    bool m_running = false;
    bool m_connected = false;
};

// The agent's push channel: a WebSocket to /v0/agents/connect that delivers assignments, cancels and
// kills at once. Reconnects with backoff while it is wanted; a silent socket (no pong) is taken down.
#pragma once

#include "AgentOutbox.h"
#include "AgentTls.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUrl>

class QTimer;
class QWebSocket;

class PushChannel : public QObject
{
    Q_OBJECT

public:
    explicit PushChannel(QObject *parent = nullptr);
    ~PushChannel() override;

    void setTls(const AgentTls &tls) { m_tls = tls; }
    // Connects to url with the node key, and keeps reconnecting (with backoff) until stop().
    void start(const QUrl &url, const QString &nodeKey);
    // Closes the socket and stops reconnecting; connectedChanged(false) if it was up.
    void stop();
    bool isConnected() const { return m_connected; }

Q_SIGNALS:
    void connectedChanged(bool connected);
    void closed(); // every time a socket went away (connected or not): the caller long-polls meanwhile
    void message(const QJsonObject &message);

private:
    void connectNow();
    void onClosed();
    void onText(const QString &text);

    QUrl m_url;
    AgentTls m_tls;
    QString m_nodeKey;
    bool m_wanted = false;
    QWebSocket *m_socket = nullptr;
    bool m_connected = false;
    bool m_failing = false; // the last attempt failed (logged once per outage)
    Backoff m_backoff;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_pingTimer = nullptr;
    QElapsedTimer m_upFor;
    QElapsedTimer m_activity; // since the last message or pong
};

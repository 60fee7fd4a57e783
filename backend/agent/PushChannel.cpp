// Push channel of the agent (docs/agent-protocol.md, "Push"): one socket at a time, messages parsed here,
// acted on by the runtime.
#include "PushChannel.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

namespace {
constexpr int kConnectTimeoutMs = 15000;
constexpr int kPingMs = 20000;
constexpr int kSilenceMs = 75000; // no message and no pong for this long: the socket is dead
constexpr int kStableMs = 10000; // a connection that lived this long resets the backoff
} // namespace

PushChannel::PushChannel(QObject *parent)
    : QObject(parent)
{
    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &PushChannel::connectNow);
    m_pingTimer = new QTimer(this);
    connect(m_pingTimer, &QTimer::timeout, this, [this] {
        if (!m_socket || !m_connected)
            return;
        if (m_activity.elapsed() > kSilenceMs) {
            QWebSocket *s = m_socket;
            s->abort(); // half-open: no pong, no message; reconnect
            if (s == m_socket)
                onClosed();
        } else
            m_socket->ping();
    });
}

PushChannel::~PushChannel()
{
    m_wanted = false;
    if (QWebSocket *s = m_socket) {
        m_socket = nullptr;
        disconnect(s, nullptr, this, nullptr);
        s->abort();
    }
}

void PushChannel::start(const QUrl &url, const QString &nodeKey)
{
    m_url = url;
    m_nodeKey = nodeKey;
    m_wanted = true;
    connectNow();
}

void PushChannel::stop()
{
    m_wanted = false;
    m_reconnectTimer->stop();
    m_pingTimer->stop();
    if (QWebSocket *s = m_socket) {
        m_socket = nullptr;
        disconnect(s, nullptr, this, nullptr);
        s->abort();
        s->deleteLater();
    }
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged(false);
    }
}

void PushChannel::connectNow()
{
    if (!m_wanted || m_nodeKey.isEmpty() || m_socket)
        return;
    auto *s = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = s;
    connect(s, &QWebSocket::connected, this, [this, s] {
        if (s != m_socket)
            return;
        m_connected = true;
        m_failing = false;
        m_upFor.start();
        m_activity.start();
        m_pingTimer->start(kPingMs);
        qInfo().noquote() << "agent: push channel connected";
        Q_EMIT connectedChanged(true);
    });
    connect(s, &QWebSocket::disconnected, this, [this, s] {
        if (s == m_socket)
            onClosed();
    });
    connect(s, &QWebSocket::stateChanged, this, [this, s](QAbstractSocket::SocketState st) {
        if (s == m_socket && st == QAbstractSocket::UnconnectedState)
            onClosed();
    });
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    connect(s, &QWebSocket::errorOccurred, this, [this, s](QAbstractSocket::SocketError) {
#else
    connect(
        s, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this, s](QAbstractSocket::SocketError) {
#endif
        // A refused handshake (HTTP 4xx/5xx) reports an error but stays "connecting" in Qt 6.4.
        if (s != m_socket || m_connected)
            return;
        if (!m_failing)
            qWarning().noquote() << "agent: push channel unavailable:" << s->errorString()
                                 << "(long polling; retrying with backoff)";
        m_failing = true;
        s->abort();
        onClosed();
    });
    connect(s, &QWebSocket::sslErrors, this, [this, s](const QList<QSslError> &errors) {
        if (s != m_socket)
            return;
        if (m_tls.isPinned(s->sslConfiguration().peerCertificate())) {
            s->ignoreSslErrors();
            return;
        }
        if (!m_failing)
            qCritical().noquote() << "agent: push channel:" << AgentTls::describe(errors);
    });
    connect(s, &QWebSocket::textMessageReceived, this, &PushChannel::onText);
    connect(s, &QWebSocket::pong, this, [this] { m_activity.restart(); });
    QTimer::singleShot(kConnectTimeoutMs, s, [this, s] {
        if (s == m_socket && !m_connected) {
            s->abort();
            if (s == m_socket)
                onClosed(); // abort() did not report the state change
        }
    });
    QNetworkRequest req(m_url);
    req.setRawHeader("X-API-Key", m_nodeKey.toUtf8());
    m_tls.apply(s);
    s->open(req);
}

void PushChannel::onClosed()
{
    QWebSocket *s = m_socket;
    m_socket = nullptr;
    if (!s)
        return;
    disconnect(s, nullptr, this, nullptr);
    s->deleteLater();
    const int code = int(s->closeCode());
    m_pingTimer->stop();
    if (m_connected) {
        m_connected = false;
        if (m_upFor.elapsed() >= kStableMs)
            m_backoff.reset();
        qInfo().noquote() << QStringLiteral("agent: push channel closed code=%1 %2").arg(code).arg(s->closeReason());
        Q_EMIT connectedChanged(false);
    }
    if (code == 4001)
        qWarning().noquote() << "agent: the server refused the node key on the push channel";
    if (!m_wanted)
        return;
    if (!m_reconnectTimer->isActive())
        m_reconnectTimer->start(m_backoff.next());
    Q_EMIT closed();
}

void PushChannel::onText(const QString &text)
{
    m_activity.restart();
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    if (o.isEmpty()) {
        qDebug().noquote() << "agent: ignoring push message" << text.left(200);
        return;
    }
    Q_EMIT message(o);
}

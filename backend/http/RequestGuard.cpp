// Header-time body limits (see RequestGuard.h).
#include "RequestGuard.h"

#include <QTcpSocket>
#include <QTimer>

#include <sys/socket.h>

namespace {
constexpr qsizetype kMaxHead = 64 * 1024;
}

RequestGuard::RequestGuard(QTcpSocket *socket, qint64 maxBodyBytes)
    : QObject(socket)
    , m_socket(socket)
    , m_maxBody(maxBodyBytes)
{
    connect(socket, &QTcpSocket::readyRead, this, &RequestGuard::onReadyRead);
}

void RequestGuard::rearm(QTcpSocket *socket)
{
    if (auto *g = socket->findChild<RequestGuard *>(QString(), Qt::FindDirectChildrenOnly)) {
        g->m_armed = true;
        g->m_head.clear();
    }
}

void RequestGuard::onReadyRead()
{
    if (!m_armed || m_discarded >= 0)
        return;
    // The parser reads everything available after this slot, so each call sees new bytes only.
    m_head += m_socket->peek(std::min<qint64>(m_socket->bytesAvailable(), kMaxHead - m_head.size()));
    const qsizetype end = m_head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_head.size() >= kMaxHead)
            m_armed = false; // not a header block we can read: leave it to the parser
        return;
    }
    m_armed = false; // until the server has answered this request
    qint64 length = 0;
    bool chunked = false;
    for (const QByteArray &line : m_head.left(end).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        if (name == "content-length")
            length = std::max(length, line.mid(colon + 1).trimmed().toLongLong());
        else if (name == "transfer-encoding")
            chunked = true;
    }
    m_head.clear();
    if (chunked)
        return refuse(400, "invalid_request", QStringLiteral("send the body with a Content-Length, not chunked"));
    if (length > m_maxBody)
        return refuse(413, "payload_too_large",
            QStringLiteral("the body is %1 bytes; the limit is %2").arg(length).arg(m_maxBody));
}

void RequestGuard::refuse(int status, const QByteArray &code, const QString &message)
{
    const QByteArray body
        = R"({"error":")" + code + R"(","code":")" + code + R"(","message":")" + message.toUtf8() + "\"}";
    const QByteArray reason = status == 413 ? "Payload Too Large" : "Bad Request";
    m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nX-Compute-API-Version: v0\r\nConnection: close\r\n\r\n" + body);
    m_socket->flush();
    // The parser never sees this connection again (a slot disconnected during the emission is not
    // called); the rest is read here and dropped, for at most 64 MiB or 5 s.
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    m_discarded = 0;
    connect(m_socket, &QTcpSocket::readyRead, this, &RequestGuard::discard);
    QTimer::singleShot(5000, this, [this] { m_socket->abort(); });
    discard();
}

void RequestGuard::discard()
{
    m_discarded += m_socket->skip(m_socket->bytesAvailable());
    if (m_discarded > (64 << 20))
        m_socket->abort();
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new RequestGuard(socket, m_maxBody);
    addPendingConnection(socket);
}

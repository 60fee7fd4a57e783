// Per-connection limits (see RequestGuard.h). Qt's parser reads a request at a time and stops at its
// end (qabstracthttpserver.cpp re-emits readyRead for what follows), and a partial read consumes all
// that is available; that is what lets the guard know the parser's position without reading it.
#include "RequestGuard.h"

#include <QTcpSocket>

#include <sys/socket.h>

namespace {
constexpr qint64 kMaxDiscard = 64LL << 20;
constexpr qint64 kMaxStreamInput = 64 * 1024;
}

RequestGuard::RequestGuard(QTcpSocket *socket, const ConnectionLimits &limits)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_scanner(limits.maxBodyBytes)
{
    if (limits.uploadPartBytes > 0) // artifacts (Part 1)
        m_scanner.allowLargerBodies("PUT /api/compute/artifacts/upload/", limits.uploadPartBytes);
    connect(socket, &QTcpSocket::readyRead, this, &RequestGuard::onReadyRead);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RequestGuard::onTimeout);
    updateTimer();
}

RequestGuard *RequestGuard::of(QTcpSocket *socket)
{
    return socket ? socket->findChild<RequestGuard *>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

void RequestGuard::requestStarted(QTcpSocket *socket)
{
    RequestGuard *g = of(socket);
    if (!g || g->m_mode != Mode::Http)
        return;
    // Qt's parser stopped at this request's end: what is left unread follows it.
    g->m_front = g->m_scanner.scanned() - socket->bytesAvailable();
    g->m_requestSeen = true;
    g->m_outstanding = true;
    ++g->m_parsed;
    g->updateTimer();
}

void RequestGuard::answered(QTcpSocket *socket)
{
    RequestGuard *g = of(socket);
    if (!g || g->m_mode != Mode::Http || !g->m_outstanding)
        return;
    g->m_outstanding = false;
    g->release();
}

void RequestGuard::streaming(QTcpSocket *socket)
{
    RequestGuard *g = of(socket);
    if (!g || g->m_mode != Mode::Http)
        return;
    if (g->m_holding)
        socket->commitTransaction();
    g->m_holding = false;
    g->m_outstanding = false;
    g->m_mode = Mode::Streaming;
    g->updateTimer();
    // Nothing the client sends may reach the parser now (it would answer in the middle of the stream).
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(socket, &QTcpSocket::readyRead, g, &RequestGuard::discard);
    g->discard();
}

void RequestGuard::upgraded(QTcpSocket *socket)
{
    if (RequestGuard *g = of(socket)) {
        g->m_mode = Mode::Upgraded;
        g->updateTimer();
    }
}

void RequestGuard::onReadyRead()
{
    if (m_mode != Mode::Http)
        return;
    // Unless it delivered a request (requestStarted moved m_front), the parser read everything that
    // was visible to it after this slot last ran.
    if (!m_requestSeen && !m_holding)
        m_front = m_scanner.scanned();
    m_requestSeen = false;
    const qint64 available = m_socket->bytesAvailable();
    if (m_holding) {
        // Inside this guard's transaction only the new bytes are visible; reading them keeps them buffered.
        const QByteArray fresh = m_socket->read(available);
        m_scanner.feed(fresh.constData(), fresh.size());
        m_held += fresh.size();
    } else {
        qint64 seen = m_scanner.scanned() - m_front;
        if (available > seen && m_scanner.bodyLeft() > 0) {
            // inside a body: count it without copying what is buffered (Part 1: large upload parts)
            const qint64 body = std::min(available - seen, m_scanner.bodyLeft());
            m_scanner.skipBody(body);
            seen += body;
        }
        if (available > seen) {
            const QByteArray all = m_socket->peek(available);
            m_scanner.feed(all.constData() + seen, all.size() - seen);
        }
        if (m_outstanding && available > 0) {
            // The server is still working on the previous request: hide what follows from the parser.
            m_socket->startTransaction();
            m_socket->skip(available);
            m_holding = true;
            m_held = available;
        }
    }
    if (m_holding && m_held > std::max<qint64>(4LL << 20, 2 * std::max(m_limits.maxBodyBytes, m_limits.uploadPartBytes))) {
        m_socket->abort(); // pipelining far ahead of the answers
        return;
    }
    if (refuseIfDue())
        return;
    updateTimer();
}

void RequestGuard::release()
{
    if (m_holding) {
        m_socket->rollbackTransaction();
        m_holding = false;
        m_held = 0;
    }
    if (refuseIfDue())
        return;
    updateTimer();
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(m_socket, &QTcpSocket::readyRead, Qt::QueuedConnection);
}

// A refused request is answered once every request before it was parsed and answered; until then
// the parser stops after each of those and requestStarted() holds back the rest.
bool RequestGuard::refuseIfDue()
{
    if (m_scanner.phase() != RequestScanner::Phase::Refused || m_outstanding || m_parsed < m_scanner.completed())
        return false;
    refuse(m_scanner.refusal());
    return true;
}

void RequestGuard::refuse(const RequestScanner::Refusal &r)
{
    m_mode = Mode::Refused;
    m_timer.stop();
    m_wait = Wait::None;
    // Drop any read transaction (the parser's or this guard's), so discarded bytes are not kept.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_holding = false;
    const QByteArray body
        = R"({"error":")" + r.code + R"(","code":")" + r.code + R"(","message":")" + r.message.toUtf8() + "\"}";
    const QByteArray reason = r.status == 413 ? "Payload Too Large"
        : r.status == 431                     ? "Request Header Fields Too Large"
                                              : "Bad Request";
    // The parser never sees this connection again (a slot disconnected during the emission is not
    // called); the rest is read here and dropped, for at most 64 MiB or 5 s, so the client gets to
    // read the answer instead of a reset.
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    m_socket->write("HTTP/1.1 " + QByteArray::number(r.status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nX-Compute-API-Version: v0\r\nConnection: close\r\n\r\n" + body);
    m_socket->flush();
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    connect(m_socket, &QTcpSocket::readyRead, this, &RequestGuard::discard);
    QTimer::singleShot(5000, this, [this] { m_socket->abort(); });
    discard();
}

void RequestGuard::discard()
{
    m_discarded += m_socket->skip(m_socket->bytesAvailable());
    if (m_discarded > (m_mode == Mode::Streaming ? kMaxStreamInput : kMaxDiscard))
        m_socket->abort();
}

void RequestGuard::updateTimer()
{
    Wait want = Wait::None;
    if (m_mode == Mode::Http && !m_outstanding) {
        switch (m_scanner.phase()) {
        case RequestScanner::Phase::Idle:
            // a fresh connection owes its first request promptly; a used one may idle longer
            want = m_parsed == 0 ? Wait::Head : Wait::Idle;
            break;
        case RequestScanner::Phase::Head:
            want = Wait::Head;
            break;
        case RequestScanner::Phase::Body:
            want = Wait::Body;
            break;
        default:
            break;
        }
    }
    if (want == Wait::None) {
        m_timer.stop();
    } else if (want != m_wait || want == Wait::Body) {
        // a head's deadline runs from its first byte (a byte now and then does not extend it); a
        // body's from the last byte
        m_timer.start(want == Wait::Head ? m_limits.headerTimeoutMs : m_limits.idleTimeoutMs);
    }
    m_wait = want;
}

void RequestGuard::onTimeout()
{
    if (m_mode != Mode::Http || m_outstanding)
        return;
    const bool partial = m_scanner.phase() != RequestScanner::Phase::Idle;
    qDebug().noquote() << (partial ? "closing a connection whose request did not arrive in time peer="
                                   : "closing an idle connection peer=")
            + m_socket->peerAddress().toString();
    m_socket->abort();
}

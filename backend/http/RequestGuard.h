// Per-connection limits, enforced before Qt's HTTP parser buffers anything: Qt 6.4 reads a whole body
// into memory and has no limit on a head's size nor any timeout. Every accepted connection gets a
// guard whose readyRead slot runs before the parser's. It scans the byte stream (RequestScanner) so
// each request on the connection, pipelined ones included, is checked from its head: 413 for a
// declared body over the limit, 431 for an oversized head, 400 for framing Qt could misread. It
// feeds the parser one request at a time (later pipelined bytes are held back until the server
// has answered, which also keeps answers in request order), closes a connection whose head is not
// complete within the header timeout (slow clients cannot hold descriptors) or that sits idle between
// requests, and drops what a client sends on a connection that holds a stream.
#pragma once

#include "RequestScanner.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

class QTcpSocket;

struct ConnectionLimits
{
    qint64 maxBodyBytes = 1024 * 1024;
    int headerTimeoutMs = 10000; // a request's head must be complete this long after its first byte
    int idleTimeoutMs = 60000; // a keep-alive connection with nothing in flight is closed after this
    qint64 uploadPartBytes = 0; // artifacts (Part 1): the body limit of an artifact upload part
};

class RequestGuard : public QObject
{
    Q_OBJECT
public:
    RequestGuard(QTcpSocket *socket, const ConnectionLimits &limits); // a child of the socket

    // Called by the server for the request Qt's parser has just delivered.
    static void requestStarted(QTcpSocket *socket);
    // The server answered the current request: the next one may go to the parser.
    static void answered(QTcpSocket *socket);
    // The answer is a stream that keeps the socket: what the client sends from now on is dropped.
    static void streaming(QTcpSocket *socket);
    // The connection became a WebSocket, whose own limits apply from now on.
    static void upgraded(QTcpSocket *socket);

private:
    enum class Mode { Http, Streaming, Upgraded, Refused };
    enum class Wait { None, Head, Idle, Body }; // what the timer is running for
    static RequestGuard *of(QTcpSocket *socket);
    void onReadyRead();
    void release();
    bool refuseIfDue();
    void refuse(const RequestScanner::Refusal &r);
    void discard();
    void updateTimer();
    void onTimeout();

    QTcpSocket *m_socket;
    ConnectionLimits m_limits;
    RequestScanner m_scanner;
    Mode m_mode = Mode::Http;
    qint64 m_front = 0; // stream offset of the parser's read position
    bool m_requestSeen = false; // the parser delivered a request since this guard's last slot
    qint64 m_parsed = 0; // requests the parser delivered
    bool m_outstanding = false; // a request was delivered and not yet answered
    bool m_holding = false; // this guard's read transaction hides later bytes from the parser
    qint64 m_held = 0;
    qint64 m_discarded = 0;
    QTimer m_timer;
    Wait m_wait = Wait::None;
};

// Refuses an oversized request from its headers, before Qt's HTTP parser buffers the body: Qt 6.4
// reads a whole body into memory before the server sees the request, so a client declaring gigabytes
// could exhaust memory. Every accepted connection gets a guard that looks at each request's header
// block (its readyRead slot runs before the parser's) and answers 413, or 400 for a body without a
// Content-Length (chunked). The parser is then cut off; what the client still sends is read and dropped for a
// little while (so it gets to read the answer instead of a reset), then the connection is closed.
#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

class RequestGuard : public QObject
{
    Q_OBJECT
public:
    RequestGuard(QTcpSocket *socket, qint64 maxBodyBytes); // a child of the socket

    // The server answered the current request: the next bytes start a new header block.
    static void rearm(QTcpSocket *socket);

private:
    void onReadyRead();
    void refuse(int status, const QByteArray &code, const QString &message);
    void discard();

    QTcpSocket *m_socket;
    qint64 m_maxBody;
    bool m_armed = true; // watching for a header block
    QByteArray m_head; // its bytes so far
    qint64 m_discarded = -1; // >= 0 once refused: body bytes read and dropped since
};

// A QTcpServer that puts a RequestGuard on every connection before QAbstractHttpServer sees it.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr)
        : QTcpServer(parent)
        , m_maxBody(maxBodyBytes)
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    qint64 m_maxBody;
};

// The listening socket: puts a RequestGuard on every connection before QAbstractHttpServer sees it,
// bounds open connections (in all and per client address) and survives running out of descriptors.
// Qt 6.4's QTcpServer treats accept()'s EMFILE like EAGAIN and leaves its notifier on, so a waiting
// client makes the event loop spin; this one accepts itself, answers what it can with 503 through a
// spare descriptor, stops watching the socket for 100 ms at a time and recovers as descriptors free up.
// With TLS each connection is a QSslSocket, handed to the HTTP server only once its handshake is done.
#pragma once

#include "RequestGuard.h"

#include <QHash>
#include <QSslConfiguration>
#include <QTcpServer>

struct AcceptLimits
{
    int maxConnections = 4096;
    int maxConnectionsPerAddress = 256;
};

class QSocketNotifier;

class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(const ConnectionLimits &connection, const AcceptLimits &accept, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    // Serve TLS on every connection from now on (a configuration with a local certificate and key).
    void setTls(const QSslConfiguration &tls);
    bool isTls() const { return m_tls; }
    bool listenOn(const QHostAddress &address, quint16 port);
    void stop(); // stops listening (QTcpServer::close() is not virtual)
    int openConnections() const { return m_open; }

    // QTcpServer re-enables its own accept notifier here; this server keeps it off.
    QTcpSocket *nextPendingConnection() override;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void acceptReady();
    void starved(int error);
    void shedWithSpare();
    void reserveSpare();
    void release(const QString &addressKey);
    void handOver(QTcpSocket *socket);
    void awaitFirstByte(qintptr descriptor, const QString &addressKey);
    void startHandshake(qintptr descriptor, const QString &addressKey);

    ConnectionLimits m_connection;
    AcceptLimits m_accept;
    QSocketNotifier *m_notifier = nullptr;
    int m_acceptFd = -1; // a duplicate of the listening descriptor, watched by m_notifier
    int m_open = 0;
    QHash<QString, int> m_perAddress;
    int m_spare = -1; // a descriptor kept open to be given up when accept() fails for want of one
    bool m_starved = false; // inside a burst of failed accepts (logged once per burst)
    qint64 m_shed = 0; // connections answered 503 in this burst
    bool m_tls = false;
    QSslConfiguration m_tlsConfig;
};

// Writes a small JSON error answer straight to a just-accepted descriptor and closes it.
void refuseDescriptor(int fd, int status, const QByteArray &code, const QByteArray &message);

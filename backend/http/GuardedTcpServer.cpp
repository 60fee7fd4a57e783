// Accept-time limits (see GuardedTcpServer.h). Refusals are written to the raw descriptor: they must
// not cost an object per connection, and under descriptor starvation nothing else is possible.
#include "GuardedTcpServer.h"

#include <QSocketNotifier>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
constexpr int kResumeAfterMs = 100;

QString addressKey(const QHostAddress &a)
{
    bool v4 = false;
    const quint32 ip4 = a.toIPv4Address(&v4); // IPv4-mapped IPv6 counts as its IPv4 address
    return v4 ? QHostAddress(ip4).toString() : a.toString();
}
}

void refuseDescriptor(int fd, int status, const QByteArray &code, const QByteArray &message)
{
    const QByteArray body = R"({"error":")" + code + R"(","code":")" + code + R"(","message":")" + message + "\"}";
    const QByteArray reason = status == 429 ? "Too Many Requests"
        : status == 400                     ? "Bad Request"
                                            : "Service Unavailable";
    const QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + (status == 400 ? "" : "\r\nRetry-After: 1") + "\r\nX-Compute-API-Version: v0\r\nConnection: close\r\n\r\n"
        + body;
    // A fresh socket's send buffer takes this at once; a client that cannot receive it loses it.
    (void)::send(fd, out.constData(), size_t(out.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    // Read what the client already sent, so closing does not turn into a reset that discards the answer.
    char sink[4096];
    for (int i = 0; i < 16 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) { }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

GuardedTcpServer::GuardedTcpServer(const ConnectionLimits &connection, const AcceptLimits &accept, QObject *parent)
    : QTcpServer(parent)
    , m_connection(connection)
    , m_accept(accept)
{
    reserveSpare();
}

GuardedTcpServer::~GuardedTcpServer()
{
    stop();
    if (m_spare >= 0)
        ::close(m_spare);
}

void GuardedTcpServer::setTls(const QSslConfiguration &tls)
{
    m_tlsConfig = tls;
    m_tls = !tls.localCertificate().isNull();
}

bool GuardedTcpServer::listenOn(const QHostAddress &address, quint16 port)
{
    if (!listen(address, port))
        return false;
    pauseAccepting(); // Qt's own notifier stays off; acceptReady() accepts
    // Watched through a duplicate: the event dispatcher takes one read notifier per descriptor, and
    // QTcpServer briefly turns its own back on in nextPendingConnection().
    m_acceptFd = ::fcntl(int(socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (m_acceptFd < 0) {
        close();
        return false;
    }
    m_notifier = new QSocketNotifier(m_acceptFd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &GuardedTcpServer::acceptReady);
    return true;
}

void GuardedTcpServer::stop()
{
    delete m_notifier;
    m_notifier = nullptr;
    if (m_acceptFd >= 0)
        ::close(m_acceptFd);
    m_acceptFd = -1;
    close();
}

QTcpSocket *GuardedTcpServer::nextPendingConnection()
{
    QTcpSocket *socket = QTcpServer::nextPendingConnection();
    if (isListening())
        pauseAccepting();
    return socket;
}

void GuardedTcpServer::acceptReady()
{
    const int listener = m_acceptFd;
    for (int i = 0; i < 256 && m_notifier; ++i) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            incomingConnection(fd);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            starved(errno);
        return; // EAGAIN: the queue is empty
    }
}

void GuardedTcpServer::starved(int error)
{
    if (!m_starved) {
        m_starved = true;
        qWarning().noquote() << QStringLiteral("accept failed (%1) with %2 open connections; refusing new "
                                               "connections with 503 until descriptors are free")
                                    .arg(QString::fromLocal8Bit(strerror(error)))
                                    .arg(m_open);
    }
    shedWithSpare();
    // Whatever is still queued waits; look again in a moment rather than at once (that would spin).
    m_notifier->setEnabled(false);
    QTimer::singleShot(kResumeAfterMs, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true);
    });
}

void GuardedTcpServer::reserveSpare()
{
    if (m_spare < 0)
        m_spare = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    if (m_starved) {
        qInfo().noquote()
            << QStringLiteral("accepting connections again (%1 answered 503 while out of descriptors)").arg(m_shed);
        m_starved = false;
        m_shed = 0;
    }
    reserveSpare();
    if (m_open >= m_accept.maxConnections) {
        refuseDescriptor(int(descriptor), 503, "unavailable",
            "the server has " + QByteArray::number(m_open) + " open connections, its limit; try again shortly");
        return;
    }
    sockaddr_storage peer {};
    socklen_t peerLength = sizeof peer;
    const QString key = ::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&peer), &peerLength) == 0
        ? addressKey(QHostAddress(reinterpret_cast<const sockaddr *>(&peer)))
        : QString();
    int &fromAddress = m_perAddress[key];
    if (fromAddress >= m_accept.maxConnectionsPerAddress) {
        refuseDescriptor(int(descriptor), 429, "rate_limited",
            "this address has " + QByteArray::number(fromAddress) + " open connections, its limit");
        return;
    }
    ++fromAddress;
    ++m_open;
    if (m_tls) {
        awaitFirstByte(descriptor, key);
        return;
    }
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        ::close(int(descriptor));
        release(key);
        return;
    }
    connect(socket, &QObject::destroyed, this, [this, key] { release(key); });
    handOver(socket);
}

void GuardedTcpServer::release(const QString &addressKey)
{
    --m_open;
    auto it = m_perAddress.find(addressKey);
    if (it != m_perAddress.end() && --it.value() <= 0)
        m_perAddress.erase(it);
}

void GuardedTcpServer::handOver(QTcpSocket *socket)
{
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new RequestGuard(socket, m_connection);
    addPendingConnection(socket);
}

// A TLS client speaks first, and its first byte opens a handshake record (0x16). Anything else is most
// likely plain HTTP sent to the HTTPS port: it is answered 400 in plain text instead of failing a handshake.
void GuardedTcpServer::awaitFirstByte(qintptr descriptor, const QString &addressKey)
{
    const int fd = int(descriptor);
    auto *waiter = new QSocketNotifier(descriptor, QSocketNotifier::Read, this);
    auto owned = std::make_shared<bool>(true); // the descriptor is the waiter's until it is handed on
    connect(waiter, &QObject::destroyed, [fd, owned] {
        if (*owned)
            ::close(fd); // the server went first
    });
    const auto finish = [waiter, owned] {
        waiter->setEnabled(false); // before the descriptor is closed or watched by a socket
        *owned = false;
        waiter->deleteLater();
    };
    QTimer::singleShot(m_connection.headerTimeoutMs, waiter, [this, fd, addressKey, owned, finish] {
        if (!*owned)
            return;
        finish();
        qDebug().noquote() << "closing a connection that sent nothing in time (TLS port)";
        ::close(fd);
        release(addressKey);
    });
    connect(waiter, &QSocketNotifier::activated, this, [this, fd, addressKey, owned, finish] {
        unsigned char first = 0;
        const ssize_t n = ::recv(fd, &first, 1, MSG_PEEK | MSG_DONTWAIT);
        if (!*owned || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
            return;
        finish();
        if (n == 1 && first == 0x16) {
            startHandshake(fd, addressKey);
            return;
        }
        if (n == 1)
            refuseDescriptor(fd, 400, "invalid_request", "this port speaks HTTPS; use an https:// URL");
        else
            ::close(fd);
        release(addressKey);
    });
}

// The connection counts against the limits from accept on; Qt's HTTP parser (and the RequestGuard) see it
// only once the handshake is done. A client that does not finish it within the header timeout, or whose
// handshake fails, is closed: it cannot hold a descriptor for long.
void GuardedTcpServer::startHandshake(qintptr descriptor, const QString &addressKey)
{
    auto *socket = new QSslSocket(this);
    socket->setSslConfiguration(m_tlsConfig);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        ::close(int(descriptor));
        release(addressKey);
        return;
    }
    connect(socket, &QObject::destroyed, this, [this, addressKey] { release(addressKey); });
    // Context of the handshake's connections: deleting it when the handshake is done drops them all.
    auto *handshake = new QObject(socket);
    const auto drop = [socket](const char *why) {
        qDebug().noquote() << "closing a TLS connection before its first request:" << why
                           << "peer=" + socket->peerAddress().toString();
        socket->abort();
        socket->deleteLater();
    };
    QTimer::singleShot(m_connection.headerTimeoutMs, handshake, [drop] { drop("no handshake in time"); });
    connect(socket, &QAbstractSocket::errorOccurred, handshake,
        [socket, drop] { drop(qPrintable(socket->errorString())); });
    connect(socket, &QAbstractSocket::disconnected, handshake, [drop] { drop("the client went away"); });
    connect(socket, &QSslSocket::encrypted, handshake, [this, socket, handshake] {
        delete handshake;
        handOver(socket);
        // what arrived with the end of the handshake was announced before the parser was connected
        if (socket->bytesAvailable() > 0)
            QMetaObject::invokeMethod(socket, &QTcpSocket::readyRead, Qt::QueuedConnection);
    });
    socket->startServerEncryption();
}

// Gives up the spare descriptor to accept one waiting client, answers it 503 and takes the spare back;
// repeated for the queue, so clients learn at once instead of waiting in the backlog.
void GuardedTcpServer::shedWithSpare()
{
    for (int i = 0; i < 256 && m_spare >= 0; ++i) {
        ::close(m_spare);
        m_spare = -1;
        const int fd = ::accept4(m_acceptFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            refuseDescriptor(fd, 503, "unavailable", "the server is out of file descriptors; try again shortly");
            ++m_shed;
        }
        reserveSpare();
        if (fd < 0)
            break;
    }
}

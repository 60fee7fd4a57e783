// Keep-alive aware: several requests may follow on one connection; each is answered in turn.
#include "WebhookReceiver.h"

#include <QMessageAuthenticationCode>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

WebhookReceiver::WebhookReceiver(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = m_server.nextPendingConnection()) {
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
            connect(s, &QTcpSocket::disconnected, this, [this, s] {
                m_buffers.remove(s);
                s->deleteLater();
            });
        }
    });
}

WebhookReceiver::~WebhookReceiver()
{
    // the server's sockets outlive m_buffers; their disconnected() must not reach it
    for (QTcpSocket *s : m_server.findChildren<QTcpSocket *>())
        s->disconnect(this);
}

bool WebhookReceiver::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl WebhookReceiver::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
}

void WebhookReceiver::onReadyRead(QTcpSocket *s)
{
    QByteArray &buf = m_buffers[s];
    buf += s->readAll();
    for (;;) {
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Request r;
        const QList<QByteArray> lines = buf.left(end).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        r.method = first.value(0);
        r.path = first.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                r.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = r.headers.value("content-length").toLongLong();
        if (buf.size() < end + 4 + length)
            return;
        r.body = buf.mid(end + 4, length);
        buf.remove(0, end + 4 + length);
        const int index = int(m_requests.size());
        m_requests.append(r);
        const int status = m_statusFor ? m_statusFor(index) : 200;
        ++m_concurrent;
        m_maxConcurrent = std::max(m_maxConcurrent, m_concurrent);
        if (m_delayMs > 0) {
            QPointer<QTcpSocket> guard(s);
            QTimer::singleShot(m_delayMs, this, [this, guard, status] {
                --m_concurrent;
                if (guard)
                    answer(guard, status);
            });
        } else {
            --m_concurrent;
            answer(s, status);
        }
        Q_EMIT received(index);
    }
}

void WebhookReceiver::answer(QTcpSocket *s, int status)
{
    const QByteArray body = "{}";
    s->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body);
}

QList<QByteArray> WebhookReceiver::v1s(const QByteArray &signatureHeader)
{
    QList<QByteArray> out;
    for (const QByteArray &part : signatureHeader.split(','))
        if (part.startsWith("v1="))
            out << part.mid(3);
    return out;
}

bool WebhookReceiver::verify(const QByteArray &signatureHeader, const QByteArray &body, const QByteArray &secret)
{
    QByteArray t;
    for (const QByteArray &part : signatureHeader.split(','))
        if (part.startsWith("t="))
            t = part.mid(2);
    if (t.isEmpty())
        return false;
    const QByteArray expected
        = QMessageAuthenticationCode::hash(t + '.' + body, secret, QCryptographicHash::Sha256).toHex();
    return v1s(signatureHeader).contains(expected);
}

// A real local HTTP receiver for webhook tests (part 3): a QTcpServer that parses each POST (headers and
// Content-Length body), records it, and answers a configurable status after an optional delay.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>
#include <functional>

class QTcpSocket;

class WebhookReceiver : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
        QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    };

    explicit WebhookReceiver(QObject *parent = nullptr);
    ~WebhookReceiver() override;
    bool listen(); // 127.0.0.1, a free port
    QUrl url(const QString &path = QStringLiteral("/hook")) const;

    // The status for the n-th request (0-based); default 200 for all.
    void setStatus(std::function<int(int n)> statusFor) { m_statusFor = std::move(statusFor); }
    void setDelayMs(int ms) { m_delayMs = ms; }

    const QList<Request> &requests() const { return m_requests; }
    int concurrent() const { return m_concurrent; }
    int maxConcurrent() const { return m_maxConcurrent; }
    void clear()
    {
        m_requests.clear();
        m_maxConcurrent = 0;
    }

    // Verifies "t=…,v1=…[,v1=…]" against body: true when some v1 is HMAC-SHA256(secret, "t.body").
    static bool verify(const QByteArray &signatureHeader, const QByteArray &body, const QByteArray &secret);
    static QList<QByteArray> v1s(const QByteArray &signatureHeader);

Q_SIGNALS:
    void received(int index);

private:
    void onReadyRead(QTcpSocket *s);
    void answer(QTcpSocket *s, int status);

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<Request> m_requests;
    std::function<int(int)> m_statusFor;
    int m_delayMs = 0;
    int m_concurrent = 0;
    int m_maxConcurrent = 0;
};

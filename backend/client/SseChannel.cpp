#include "SseChannel.h"

#include "ComputeClient.h"

#include <QNetworkReply>

namespace {
constexpr qsizetype kMaxPendingEvent = 8 << 20; // an event that grows past this is not an event of ours
}

SseChannel::SseChannel(ComputeClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_idle(new QTimer(this))
{
    m_idle->setSingleShot(true);
    connect(m_idle, &QTimer::timeout, this, [this] {
        close();
        emit closed(ClientError::transport(
            ClientError::Kind::Unreachable, QStringLiteral("no data from the server for %1 s").arg(m_idleMs / 1000)));
    });
}

SseChannel::~SseChannel()
{
    close();
}

void SseChannel::open(const QString &path, const QUrlQuery &query, const QByteArray &lastEventId)
{
    close();
    m_parser = SseParser();
    m_announced = false;
    m_opening = true;
    const quint64 generation = ++m_generation;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!lastEventId.isEmpty())
        headers.append({"Last-Event-ID", lastEventId});
    m_client->prepareStream(
        path, query,
        [this, generation](ClientResult<QNetworkReply *> r) {
            if (generation != m_generation) { // closed or reopened meanwhile
                if (r)
                    r.value()->deleteLater();
                return;
            }
            m_opening = false;
            if (!r)
                return emit closed(r.error());
            m_reply = r.value();
            m_reply->setParent(this);
            m_idle->start(m_idleMs);
            connect(m_reply, &QNetworkReply::readyRead, this, &SseChannel::readSome);
            connect(m_reply, &QNetworkReply::finished, this, &SseChannel::finish);
        },
        headers);
}

void SseChannel::close()
{
    m_idle->stop();
    ++m_generation;
    m_opening = false;
    if (m_reply) {
        QNetworkReply *r = m_reply;
        m_reply = nullptr;
        r->disconnect(this);
        r->abort();
        r->deleteLater();
    }
}

void SseChannel::readSome()
{
    if (!m_reply)
        return;
    m_idle->start(m_idleMs);
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // an error answer: read whole in finish()
    if (!m_announced) {
        m_announced = true;
        emit opened();
    }
    const quint64 generation = m_generation;
    const QList<SseEvent> events = m_parser.feed(m_reply->readAll());
    for (const SseEvent &e : events) {
        emit event(e);
        if (generation != m_generation)
            return; // a handler closed or reopened the channel
    }
    if (m_parser.pending() > kMaxPendingEvent) {
        close();
        emit closed(ClientError::protocol(QStringLiteral("the event stream sent an event of more than 8 MiB")));
    }
}

void SseChannel::finish()
{
    if (!m_reply)
        return;
    const quint64 generation = m_generation;
    readSome(); // whatever arrived with the close
    if (generation != m_generation || !m_reply)
        return;
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    m_idle->stop();
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200) {
        ClientError end;
        if (reply->error() != QNetworkReply::NoError && reply->error() != QNetworkReply::RemoteHostClosedError) {
            end = ClientError::transport(ClientError::Kind::Unreachable, reply->errorString());
        } else {
            end.status = 200;
        }
        return emit closed(end);
    }
    if (status == 0)
        return emit closed(ClientError::transport(reply->error() == QNetworkReply::SslHandshakeFailedError
                ? ClientError::Kind::Tls
                : ClientError::Kind::Unreachable,
            reply->errorString()));
    bool ok = false;
    const int retryAfter = reply->rawHeader("Retry-After").toInt(&ok);
    emit closed(ClientError::fromAnswer(status, reply->readAll(), ok ? retryAfter : -1));
}

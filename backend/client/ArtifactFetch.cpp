// The reply's readyRead hands over what arrived; it is hashed and written at once, so memory holds
// one network read at a time.
#include "ArtifactFetch.h"
#include "ComputeClient.h"

#include <QNetworkReply>
#include <QUrl>

ArtifactFetch::ArtifactFetch(ComputeClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

ArtifactFetch::~ArtifactFetch()
{
    if (m_reply)
        m_reply->abort();
}

void ArtifactFetch::start(const ArtifactLink &link, const QString &targetPath)
{
    abort();
    m_link = link;
    m_received = 0;
    m_hash.reset();
    m_running = true;
    m_file = std::make_unique<QSaveFile>(targetPath);
    if (!m_file->open(QIODevice::WriteOnly))
        return fail(tr("cannot write %1: %2").arg(targetPath, m_file->errorString()));
    const QUrl url(link.url);
    QUrlQuery query(url.query(QUrl::FullyEncoded));
    QPointer<ArtifactFetch> self(this);
    m_client->prepareStream(url.path(), query, [self](ClientResult<QNetworkReply *> r) {
        if (!self) {
            if (r)
                r.value()->abort();
            return;
        }
        if (!r)
            return self->fail(r.error().message);
        self->m_reply = r.value();
        self->m_reply->setReadBufferSize(1 << 20); // the socket is read no further ahead than this
        connect(self->m_reply, &QNetworkReply::readyRead, self, &ArtifactFetch::onReadyRead);
        connect(self->m_reply, &QNetworkReply::finished, self, &ArtifactFetch::onFinished);
    });
}

void ArtifactFetch::abort()
{
    if (!m_running)
        return;
    m_running = false;
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
        m_reply->deleteLater();
    }
    if (m_file)
        m_file->cancelWriting();
    m_file.reset();
}

void ArtifactFetch::onReadyRead()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // the error body is read in onFinished
    const QByteArray chunk = m_reply->readAll();
    m_hash.addData(chunk);
    m_received += chunk.size();
    if (m_file->write(chunk) != chunk.size())
        return fail(tr("cannot write %1: %2").arg(m_file->fileName(), m_file->errorString()));
    Q_EMIT progress(m_received, m_link.size);
}

void ArtifactFetch::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200 && reply->bytesAvailable() > 0)
        onReadyRead();
    if (!m_running)
        return;
    reply->deleteLater();
    m_reply = nullptr;
    if (status != 200) {
        const ClientError e = ClientError::fromAnswer(status, reply->readAll(), 0);
        return fail(status == 0 ? reply->errorString() : e.message);
    }
    if (reply->error() != QNetworkReply::NoError)
        return fail(reply->errorString());
    if (m_received != m_link.size)
        return fail(tr("received %1 bytes; the artifact has %2").arg(m_received).arg(m_link.size));
    const QString sha = QString::fromLatin1(m_hash.result().toHex());
    if (!m_link.sha256.isEmpty() && sha != m_link.sha256)
        return fail(tr("the bytes received have sha256 %1, not %2").arg(sha, m_link.sha256));
    if (!m_file->commit())
        return fail(tr("cannot write %1: %2").arg(m_file->fileName(), m_file->errorString()));
    m_file.reset();
    m_running = false;
    Q_EMIT finished(true, QString());
}

void ArtifactFetch::fail(const QString &error)
{
    abort();
    Q_EMIT finished(false, error);
}

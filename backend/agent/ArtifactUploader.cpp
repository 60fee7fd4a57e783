// One file at a time, one request at a time. A transport failure is retried a few times with backoff;
// a definite refusal (a cap: 413, a name already stored: 409) skips the file with a log line.
#include "ArtifactUploader.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

#include <fcntl.h>
#include <unistd.h>

namespace {
constexpr qint64 kHashChunk = 4 << 20;
constexpr int kMaxRetries = 5;
}

ArtifactUploader::ArtifactUploader(Context ctx, QString jobId, QList<CollectedFile> files, QObject *parent)
    : QObject(parent)
    , m_ctx(std::move(ctx))
    , m_jobId(std::move(jobId))
    , m_files(std::move(files))
{
}

void ArtifactUploader::start()
{
    QMetaObject::invokeMethod(this, &ArtifactUploader::nextFile, Qt::QueuedConnection);
}

void ArtifactUploader::nextFile()
{
    m_file.close();
    m_hash.reset();
    m_retries = 0;
    if (++m_index >= m_files.size()) {
        Q_EMIT done();
        return;
    }
    const CollectedFile &f = m_files.at(m_index);
    // O_NOFOLLOW: a file swapped for a link since it was collected is not read through
    const int fd = ::open(QFile::encodeName(f.path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || !m_file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        if (fd >= 0)
            ::close(fd);
        return failFile(QStringLiteral("cannot be read"));
    }
    m_hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
    hashSome();
}

void ArtifactUploader::hashSome()
{
    const QByteArray chunk = m_file.read(kHashChunk);
    if (!chunk.isEmpty()) {
        m_hash->addData(chunk);
        QTimer::singleShot(0, this, &ArtifactUploader::hashSome); // heartbeats and polls run in between
        return;
    }
    if (m_file.pos() != m_files.at(m_index).size)
        return failFile(QStringLiteral("changed while it was read"));
    m_sha256 = QString::fromLatin1(m_hash->result().toHex());
    presign();
}

bool ArtifactUploader::retryLater(const AgentReply &r, void (ArtifactUploader::*step)())
{
    if (r.kind != AgentReply::Kind::Transport || ++m_retries > kMaxRetries)
        return false;
    QTimer::singleShot(std::max(250, r.retryAfterMs) * m_retries, this, step);
    return true;
}

void ArtifactUploader::presign()
{
    const CollectedFile &f = m_files.at(m_index);
    QNetworkRequest req = m_ctx.request(QStringLiteral("/api/compute/jobs/artifacts/presign-upload"), true);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    const QJsonObject body {{QStringLiteral("jobId"), m_jobId}, {QStringLiteral("name"), f.name},
        {QStringLiteral("size"), f.size}, {QStringLiteral("sha256"), m_sha256}};
    m_reply = m_ctx.nam->post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(m_reply, &QNetworkReply::finished, this, [this, reply = m_reply.data()] {
        reply->deleteLater();
        const AgentReply r = AgentReply::fromNetworkReply(reply);
        if (!r.ok()) {
            if (retryLater(r, &ArtifactUploader::presign))
                return;
            return failFile(r.describe());
        }
        m_retries = 0;
        const QJsonObject p = r.payload.toObject();
        const QUrl url(p.value(QStringLiteral("url")).toString());
        m_uploadPath = url.path(QUrl::FullyEncoded) + QLatin1Char('?') + url.query(QUrl::FullyEncoded);
        m_offset = qint64(p.value(QStringLiteral("received")).toDouble());
        sendPart();
    });
}

void ArtifactUploader::sendPart()
{
    const CollectedFile &f = m_files.at(m_index);
    if (!m_file.seek(m_offset))
        return failFile(QStringLiteral("cannot be read"));
    const QByteArray part = m_file.read(std::min(m_ctx.partBytes, f.size - m_offset));
    if (part.size() != std::min(m_ctx.partBytes, f.size - m_offset))
        return failFile(QStringLiteral("changed while it was uploaded"));
    QNetworkRequest req = m_ctx.request(m_uploadPath, false); // the signed URL is the credential
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/octet-stream"));
    if (f.size > 0)
        req.setRawHeader("Content-Range",
            "bytes " + QByteArray::number(m_offset) + '-' + QByteArray::number(m_offset + part.size() - 1) + '/'
                + QByteArray::number(f.size));
    m_reply = m_ctx.nam->put(req, part);
    const qint64 sent = part.size();
    connect(m_reply, &QNetworkReply::finished, this, [this, sent, reply = m_reply.data()] {
        reply->deleteLater();
        const AgentReply r = AgentReply::fromNetworkReply(reply);
        if (!r.ok()) {
            if (retryLater(r, &ArtifactUploader::sendPart))
                return;
            const QJsonObject detail = r.payload.toObject();
            if (r.httpStatus == 409 && detail.contains(QStringLiteral("received")) && ++m_retries <= kMaxRetries) {
                m_offset = qint64(detail.value(QStringLiteral("received")).toDouble()); // resume where the server is
                return sendPart();
            }
            return failFile(r.describe());
        }
        m_retries = 0;
        m_offset += sent;
        const CollectedFile &f = m_files.at(m_index);
        if (!r.payload.toObject().value(QStringLiteral("complete")).toBool() && m_offset < f.size)
            return sendPart();
        Q_EMIT line(
            false, QStringLiteral("artifacts: stored %1 (%2 bytes, sha256 %3)").arg(f.name).arg(f.size).arg(m_sha256));
        nextFile();
    });
}

void ArtifactUploader::failFile(const QString &why)
{
    Q_EMIT line(true, QStringLiteral("artifacts: %1 not stored: %2").arg(m_files.at(m_index).name, why));
    nextFile();
}

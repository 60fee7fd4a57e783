// The signed message is "METHOD\njobId\nartifactId\nexpires": a URL for one method, job and artifact
// says nothing about any other, and the expiry cannot be moved without the key.
#include "ArtifactSigner.h"
#include "JwtCodec.h"

#include <QMessageAuthenticationCode>

#include <openssl/crypto.h>

bool ArtifactSigner::load(const QString &keyPath, QString *error)
{
    m_key = JwtCodec::loadOrCreateSecret(keyPath, error);
    return !m_key.isEmpty();
}

QByteArray ArtifactSigner::mac(
    const QByteArray &method, const QString &jobId, const QString &artifactId, qint64 expiresAtSec) const
{
    const QByteArray message
        = method + '\n' + jobId.toUtf8() + '\n' + artifactId.toUtf8() + '\n' + QByteArray::number(expiresAtSec);
    return QMessageAuthenticationCode::hash(message, m_key, QCryptographicHash::Sha256);
}

QString ArtifactSigner::presign(
    const QByteArray &method, const QString &jobId, const QString &artifactId, qint64 expiresAtSec) const
{
    const QString kind = method == "PUT" ? QStringLiteral("upload") : QStringLiteral("download");
    return QStringLiteral("/api/compute/artifacts/%1/%2/%3?expires=%4&signature=%5")
        .arg(kind, jobId, artifactId)
        .arg(expiresAtSec)
        .arg(QString::fromLatin1(mac(method, jobId, artifactId, expiresAtSec).toHex()));
}

Status ArtifactSigner::verify(const QByteArray &method, const QString &jobId, const QString &artifactId,
    const QString &expires, const QString &signature, qint64 nowSec) const
{
    const auto forbidden = [](const QString &why) { return ApiError::make(ErrorCode::Forbidden, why); };
    bool ok = false;
    const qint64 expiresAt = expires.toLongLong(&ok);
    if (!ok || expires.size() > 12 || signature.size() != 64 || m_key.isEmpty())
        return forbidden(QStringLiteral("this artifact URL is not validly signed"));
    const QByteArray expected = mac(method, jobId, artifactId, expiresAt).toHex();
    const QByteArray given = signature.toLatin1();
    // Compared in constant time; the expiry only after, so a forged link learns nothing from timing.
    if (CRYPTO_memcmp(expected.constData(), given.constData(), size_t(expected.size())) != 0)
        return forbidden(QStringLiteral("this artifact URL is not validly signed"));
    if (expiresAt < nowSec)
        return forbidden(QStringLiteral("this artifact URL expired; ask for a new one"));
    return Ok {};
}

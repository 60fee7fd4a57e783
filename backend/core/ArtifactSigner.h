// Presigned artifact URLs (Part 1, artifacts): an HMAC-SHA256 over method, job, artifact and expiry with
// a server key kept in <data-dir>/artifacts.key (0600). The URL is the credential; checks are constant time.
#pragma once

#include "ApiError.h"

#include <QByteArray>
#include <QString>

class ArtifactSigner
{
public:
    bool load(const QString &keyPath, QString *error);

    // "/api/compute/artifacts/<upload|download>/<jobId>/<id>?expires=…&signature=…"
    QString presign(
        const QByteArray &method, const QString &jobId, const QString &artifactId, qint64 expiresAtSec) const;
    // 403 unless `signature` (hex) is the signature of these values and `expires` has not passed.
    Status verify(const QByteArray &method, const QString &jobId, const QString &artifactId, const QString &expires,
        const QString &signature, qint64 nowSec) const;

private:
    QByteArray mac(
        const QByteArray &method, const QString &jobId, const QString &artifactId, qint64 expiresAtSec) const;
    QByteArray m_key;
};

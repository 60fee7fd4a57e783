// HS256 JSON Web Tokens (RFC 7519) with OpenSSL's HMAC: the algorithm is pinned, signatures compared in
// constant time, sizes bounded; plus the signing secret's file (<data-dir>, 32 random bytes, mode 0600).
#pragma once

#include "ApiError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class JwtCodec
{
public:
    static constexpr int kSecretBytes = 32; // loadOrCreateSecret() writes this many
    static constexpr int kMinSecretBytes = 32; // a shorter secret makes an invalid codec
    static constexpr int kMaxTokenBytes = 8192; // longer tokens are refused before any work
    static constexpr qint64 kExpiryLeewaySeconds = 0; // exp is checked exactly: the server signs and checks

    explicit JwtCodec(const QByteArray &secret);
    bool isValid() const { return m_secret.size() >= kMinSecretBytes; }

    // header.payload.signature, each base64url without padding; header exactly {"alg":"HS256","typ":"JWT"}.
    // The caller puts sub, iat, exp (integers, seconds) and whatever else into claims. Empty if !isValid().
    QString sign(const QJsonObject &claims) const;

    // The payload when the token is ours and current, else ErrorCode::Unauthorized with a short message
    // (never the token). Checks, in order: length <= kMaxTokenBytes; exactly three base64url segments;
    // the header is a JSON object whose alg is exactly "HS256" (and typ, if present, "JWT"; no crit);
    // the HMAC-SHA256 of the received "header.payload" bytes equals the signature (CRYPTO_memcmp);
    // the payload is a JSON object with integer exp > nowSeconds (no leeway) and integer iat <= exp;
    // an nbf, if present, must be an integer <= nowSeconds.
    Result<QJsonObject> verify(const QString &token, qint64 nowSeconds) const;

    // The secret at `path`: read if the file exists (it must hold exactly kSecretBytes bytes and not be
    // readable by group or others), otherwise kSecretBytes from the CSPRNG written to a new file created
    // with mode 0600 (atomically: a concurrent start reads the same secret). Empty with *error on failure.
    static QByteArray loadOrCreateSecret(const QString &path, QString *error);

    static QByteArray base64UrlEncode(const QByteArray &bytes);

private:
    QByteArray mac(const QByteArray &signingInput) const;

    QByteArray m_secret;
};

// Argon2id through libargon2; salts from OpenSSL's CSPRNG (seeded by the OS).
#include "PasswordHasher.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <QByteArray>
#include <QRegularExpression>

namespace {

// Argon2id of a random password nobody knows, with the same m/t/p as kMemoryKiB/kIterations/kParallelism
// (tst_password checks they agree), so dummyVerify() costs what a real verify() costs.
const char kDummyEncoding[]
    = "$argon2id$v=19$m=19456,t=2,p=1$CklXYBSSoWgH1p7w4ashFA$1AP86kSFEQbvJ3aNW44n/oIhxGzLrnH3E6v4tidxxqo";

bool passwordSizeOk(const QByteArray &utf8)
{
    return utf8.size() >= PasswordHasher::kMinPasswordBytes && utf8.size() <= PasswordHasher::kMaxPasswordBytes;
}

} // namespace

QString PasswordHasher::hash(const QString &password)
{
    const QByteArray pw = password.toUtf8();
    if (!passwordSizeOk(pw))
        return {};
    unsigned char salt[kSaltBytes];
    if (RAND_bytes(salt, kSaltBytes) != 1)
        return {};
    const size_t len = argon2_encodedlen(kIterations, kMemoryKiB, kParallelism, kSaltBytes, kHashBytes, Argon2_id);
    QByteArray encoded(qsizetype(len), '\0');
    const int rc = argon2id_hash_encoded(kIterations, kMemoryKiB, kParallelism, pw.constData(), size_t(pw.size()), salt,
        kSaltBytes, kHashBytes, encoded.data(), len);
    if (rc != ARGON2_OK)
        return {};
    encoded.truncate(qsizetype(qstrlen(encoded.constData())));
    return QString::fromLatin1(encoded);
}

bool PasswordHasher::verify(const QString &encoded, const QString &password)
{
    const QByteArray pw = password.toUtf8();
    if (!passwordSizeOk(pw) || encoded.size() > kMaxEncodedLength)
        return false;
    // Only Argon2id v19 with bounded parameters: libargon2 would decode any m= it finds, and a tampered row
    // with a huge one would make one login allocate gigabytes.
    static const QRegularExpression shape(QStringLiteral("^\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})"
                                                         "\\$[A-Za-z0-9+/]{11,64}\\$[A-Za-z0-9+/]{22,128}$"));
    const QRegularExpressionMatch m = shape.match(encoded);
    if (!m.hasMatch() || m.captured(1).toUInt() > kMaxMemoryKiB || m.captured(2).toUInt() > kMaxIterations
        || m.captured(3).toUInt() > kMaxParallelism)
        return false;
    const QByteArray enc = encoded.toLatin1();
    if (enc.contains('\0'))
        return false;
    return argon2id_verify(enc.constData(), pw.constData(), size_t(pw.size())) == ARGON2_OK;
}

bool PasswordHasher::dummyVerify(const QString &password)
{
    QByteArray pw = password.toUtf8();
    if (!passwordSizeOk(pw))
        pw = QByteArrayLiteral("x");
    argon2id_verify(kDummyEncoding, pw.constData(), size_t(pw.size()));
    return false;
}

const char *PasswordHasher::dummyEncoding()
{
    return kDummyEncoding;
}

bool PasswordHasher::needsRehash(const QString &encoded)
{
    return !encoded.startsWith(
        QStringLiteral("$argon2id$v=19$m=%1,t=%2,p=%3$").arg(kMemoryKiB).arg(kIterations).arg(kParallelism));
}

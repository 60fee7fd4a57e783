// JwtCodec: HS256 over OpenSSL HMAC; the secret file is created 0600 from the start (open O_EXCL + link).
#include "JwtCodec.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonValue>
#include <QRandomGenerator>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const QByteArray kHeader = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})");
constexpr int kMacBytes = 32;
constexpr int kEncodedMacBytes = 43; // base64url of 32 bytes without padding

ApiError refused(const QString &why)
{
    return ApiError::make(ErrorCode::Unauthorized, why);
}

bool isBase64Url(const QByteArray &s)
{
    for (const char c : s) {
        const bool ok
            = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

// Strict base64url: only the alphabet, no padding, no impossible length.
bool decodeSegment(const QByteArray &segment, QByteArray *out)
{
    if (segment.isEmpty() || !isBase64Url(segment) || segment.size() % 4 == 1)
        return false;
    auto r = QByteArray::fromBase64Encoding(segment,
        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
    if (!r)
        return false;
    *out = std::move(*r);
    return true;
}

// A JSON number that is a whole number of seconds in a sane range (not a string, not 1.5, not 1e300).
bool integerClaim(const QJsonValue &v, qint64 *out)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || d < 0 || d > 9007199254740991.0)
        return false;
    *out = qint64(d);
    return true;
}

} // namespace

JwtCodec::JwtCodec(const QByteArray &secret)
    : m_secret(secret)
{
}

QByteArray JwtCodec::base64UrlEncode(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray JwtCodec::mac(const QByteArray &signingInput) const
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), m_secret.constData(), m_secret.size(),
            reinterpret_cast<const unsigned char *>(signingInput.constData()), size_t(signingInput.size()), out, &len)
        || len != kMacBytes)
        return {};
    return QByteArray(reinterpret_cast<const char *>(out), int(len));
}

QString JwtCodec::sign(const QJsonObject &claims) const
{
    if (!isValid())
        return {};
    const QByteArray input
        = base64UrlEncode(kHeader) + '.' + base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray sig = mac(input);
    if (sig.isEmpty())
        return {};
    return QString::fromLatin1(input + '.' + base64UrlEncode(sig));
}

Result<QJsonObject> JwtCodec::verify(const QString &token, qint64 nowSeconds) const
{
    if (!isValid())
        return refused(QStringLiteral("token signing is not configured"));
    if (token.isEmpty())
        return refused(QStringLiteral("missing token"));
    if (token.size() > kMaxTokenBytes)
        return refused(QStringLiteral("token too long"));
    const QByteArray raw = token.toLatin1(); // non-Latin-1 characters become '?', refused as base64 below
    if (raw.count('.') != 2)
        return refused(QStringLiteral("malformed token"));
    const qsizetype dot1 = raw.indexOf('.');
    const qsizetype dot2 = raw.indexOf('.', dot1 + 1);
    const QByteArray headerPart = raw.left(dot1);
    const QByteArray payloadPart = raw.mid(dot1 + 1, dot2 - dot1 - 1);
    const QByteArray sigPart = raw.mid(dot2 + 1);

    QByteArray headerJson;
    if (!decodeSegment(headerPart, &headerJson))
        return refused(QStringLiteral("malformed token"));
    const QJsonDocument header = QJsonDocument::fromJson(headerJson);
    if (!header.isObject())
        return refused(QStringLiteral("malformed token header"));
    const QJsonObject h = header.object();
    // Pinned: the header never chooses the algorithm; anything but HS256 (none, HS512, RS256, absent) is out.
    if (h.value(QLatin1String("alg")) != QJsonValue(QStringLiteral("HS256")))
        return refused(QStringLiteral("unsupported token algorithm"));
    if (h.contains(QLatin1String("typ")) && h.value(QLatin1String("typ")) != QJsonValue(QStringLiteral("JWT")))
        return refused(QStringLiteral("unsupported token type"));
    if (h.contains(QLatin1String("crit")))
        return refused(QStringLiteral("unsupported token header"));

    // Compare the encoded forms: one valid spelling per signature (no malleable trailing bits).
    const QByteArray expected = base64UrlEncode(mac(raw.left(dot2)));
    if (expected.size() != kEncodedMacBytes || sigPart.size() != kEncodedMacBytes
        || CRYPTO_memcmp(expected.constData(), sigPart.constData(), size_t(kEncodedMacBytes)) != 0)
        return refused(QStringLiteral("bad token signature"));

    QByteArray payloadJson;
    if (!decodeSegment(payloadPart, &payloadJson))
        return refused(QStringLiteral("malformed token payload"));
    const QJsonDocument payload = QJsonDocument::fromJson(payloadJson);
    if (!payload.isObject())
        return refused(QStringLiteral("malformed token payload"));
    const QJsonObject claims = payload.object();
    qint64 exp = 0;
    qint64 iat = 0;
    if (!integerClaim(claims.value(QLatin1String("exp")), &exp))
        return refused(QStringLiteral("token has no valid exp"));
    if (!integerClaim(claims.value(QLatin1String("iat")), &iat) || iat > exp)
        return refused(QStringLiteral("token has no valid iat"));
    if (exp + kExpiryLeewaySeconds <= nowSeconds)
        return refused(QStringLiteral("token expired"));
    if (claims.contains(QLatin1String("nbf"))) {
        qint64 nbf = 0;
        if (!integerClaim(claims.value(QLatin1String("nbf")), &nbf) || nbf > nowSeconds)
            return refused(QStringLiteral("token not yet valid"));
    }
    return claims;
}

QByteArray JwtCodec::loadOrCreateSecret(const QString &path, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return QByteArray();
    };
    const QByteArray native = QFile::encodeName(path);

    auto readExisting = [&]() -> QByteArray {
        const int fd = ::open(native.constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return fail(QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno))));
        struct stat st
        {
        };
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            return fail(QStringLiteral("%1 is not a regular file").arg(path));
        }
        if (st.st_mode & (S_IRWXG | S_IRWXO)) {
            ::close(fd);
            return fail(QStringLiteral("%1 is readable by others; chmod 600 it").arg(path));
        }
        if (st.st_size != kSecretBytes) {
            ::close(fd);
            return fail(QStringLiteral("%1 holds %2 bytes, expected %3 (delete it to make a new one; every "
                                       "token signed with the old one stops working)")
                            .arg(path)
                            .arg(st.st_size)
                            .arg(kSecretBytes));
        }
        QByteArray secret(kSecretBytes, '\0');
        qsizetype got = 0;
        while (got < kSecretBytes) {
            const ssize_t n = ::read(fd, secret.data() + got, size_t(kSecretBytes - got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += n;
        }
        ::close(fd);
        if (got != kSecretBytes)
            return fail(QStringLiteral("cannot read %1").arg(path));
        return secret;
    };

    if (::access(native.constData(), F_OK) == 0)
        return readExisting();

    QByteArray secret(kSecretBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char *>(secret.data()), kSecretBytes) != 1)
        return fail(QStringLiteral("no randomness for the token secret"));
    // Write a private temporary file, then link() it into place: the secret is never in a file with looser
    // permissions, never half-written under its final name, and a concurrent start keeps the first one.
    const QByteArray tmp = native + ".tmp." + QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
    if (fd < 0)
        return fail(QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno))));
    qsizetype put = 0;
    while (put < kSecretBytes) {
        const ssize_t n = ::write(fd, secret.constData() + put, size_t(kSecretBytes - put));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        put += n;
    }
    const bool written = put == kSecretBytes && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        ::unlink(tmp.constData());
        return fail(QStringLiteral("cannot write %1").arg(path));
    }
    const int linked = ::link(tmp.constData(), native.constData());
    const int linkErrno = errno;
    ::unlink(tmp.constData());
    if (linked != 0) {
        if (linkErrno == EEXIST)
            return readExisting();
        return fail(QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(strerror(linkErrno))));
    }
    return secret;
}

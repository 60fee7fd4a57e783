// OpenSSL's EVP AES-256-GCM: a fresh 12-byte nonce per seal, the 16-byte tag checked on unseal.
#include "WebhookSecrets.h"

#include <QFile>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace {
constexpr int kKeyBytes = 32;
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

QByteArray randomBytes(int n)
{
    QByteArray b(n, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(b.data()), n) != 1) {
        for (int i = 0; i < n; ++i)
            b[i] = char(QRandomGenerator::system()->bounded(256));
    }
    return b;
}
}

bool WebhookSecrets::open(const QString &keyPath, QString *error)
{
    QFile f(keyPath);
    if (f.exists()) {
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1").arg(keyPath);
            return false;
        }
        m_key = QByteArray::fromBase64(f.readAll().trimmed());
        if (m_key.size() != kKeyBytes) {
            *error = QStringLiteral("%1 does not hold a webhook key").arg(keyPath);
            return false;
        }
        return true;
    }
    m_key = randomBytes(kKeyBytes);
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        *error = QStringLiteral("cannot create %1").arg(keyPath);
        return false;
    }
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(m_key.toBase64() + '\n');
    if (!f.flush()) {
        *error = QStringLiteral("cannot write %1").arg(keyPath);
        return false;
    }
    f.close();
    return true;
}

QString WebhookSecrets::seal(const QByteArray &plain) const
{
    const QByteArray nonce = randomBytes(kNonceBytes);
    QByteArray out(plain.size() + 16, Qt::Uninitialized);
    QByteArray tag(kTagBytes, Qt::Uninitialized);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, total = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1
        && EVP_EncryptInit_ex(ctx, nullptr, nullptr, reinterpret_cast<const unsigned char *>(m_key.constData()),
               reinterpret_cast<const unsigned char *>(nonce.constData()))
            == 1
        && EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char *>(out.data()), &len,
               reinterpret_cast<const unsigned char *>(plain.constData()), int(plain.size()))
            == 1;
    total = len;
    ok = ok && EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char *>(out.data()) + total, &len) == 1;
    total += len;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, tag.data()) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return {};
    out.truncate(total);
    return QStringLiteral("v1:") + QString::fromLatin1((nonce + out + tag).toBase64());
}

std::optional<QByteArray> WebhookSecrets::unseal(const QString &sealed) const
{
    if (!sealed.startsWith(QLatin1String("v1:")))
        return std::nullopt;
    const QByteArray raw = QByteArray::fromBase64(sealed.mid(3).toLatin1());
    if (raw.size() < kNonceBytes + kTagBytes)
        return std::nullopt;
    const QByteArray nonce = raw.left(kNonceBytes);
    const QByteArray tag = raw.right(kTagBytes);
    const QByteArray ct = raw.mid(kNonceBytes, raw.size() - kNonceBytes - kTagBytes);
    QByteArray out(ct.size() + 16, Qt::Uninitialized);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, total = 0;
    bool ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1
        && EVP_DecryptInit_ex(ctx, nullptr, nullptr, reinterpret_cast<const unsigned char *>(m_key.constData()),
               reinterpret_cast<const unsigned char *>(nonce.constData()))
            == 1
        && EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char *>(out.data()), &len,
               reinterpret_cast<const unsigned char *>(ct.constData()), int(ct.size()))
            == 1;
    total = len;
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, const_cast<char *>(tag.constData())) == 1
        && EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char *>(out.data()) + total, &len) == 1;
    total += len;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        return std::nullopt;
    out.truncate(total);
    return out;
}

QByteArray WebhookSecrets::generate()
{
    return "whsec_" + randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray WebhookSecrets::sign(qint64 unixSeconds, const QByteArray &body, const QByteArray &secret)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret);
    mac.addData(QByteArray::number(unixSeconds) + '.');
    mac.addData(body);
    return mac.result().toHex();
}

QByteArray WebhookSecrets::signatureHeader(
    qint64 unixSeconds, const QByteArray &body, const QByteArray &secret, const QByteArray &oldSecret)
{
    QByteArray h = "t=" + QByteArray::number(unixSeconds) + ",v1=" + sign(unixSeconds, body, secret);
    if (!oldSecret.isEmpty())
        h += ",v1=" + sign(unixSeconds, body, oldSecret);
    return h;
}

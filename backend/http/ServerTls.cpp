// See ServerTls.h. A key is tried as each algorithm Qt knows, since the PEM header may not say which.
#include "ServerTls.h"

#include <QDateTime>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace {
bool readFile(const QString &path, const QString &what, QByteArray *out, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS %1 file %2: %3").arg(what, path, f.errorString());
        return false;
    }
    *out = f.read(1 << 20); // certificates and keys are a few KiB
    return true;
}

// Qt checks that a key fits its certificate only when a handshake is made; asked here, a mismatch is
// a start-up error instead of every connection failing.
bool keyFitsCertificate(const QByteArray &certPem, const QByteArray &keyPem)
{
    // no passphrase: OpenSSL's default would ask on the terminal
    pem_password_cb *noPassphrase = [](char *, int, int, void *) { return 0; };
    BIO *certBio = BIO_new_mem_buf(certPem.constData(), int(certPem.size()));
    BIO *keyBio = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    X509 *cert = certBio ? PEM_read_bio_X509(certBio, nullptr, noPassphrase, nullptr) : nullptr;
    EVP_PKEY *key = keyBio ? PEM_read_bio_PrivateKey(keyBio, nullptr, noPassphrase, nullptr) : nullptr;
    const bool fits = cert && key && X509_check_private_key(cert, key) == 1;
    EVP_PKEY_free(key);
    X509_free(cert);
    BIO_free(keyBio);
    BIO_free(certBio);
    return fits;
}
} // namespace

bool ServerTls::load(const QString &certFile, const QString &keyFile, QSslConfiguration *out, QString *error)
{
    QByteArray certPem;
    QByteArray keyPem;
    if (!readFile(certFile, QStringLiteral("certificate"), &certPem, error)
        || !readFile(keyFile, QStringLiteral("key"), &keyPem, error))
        return false;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("the TLS certificate file %1 holds no PEM certificate").arg(certFile);
        return false;
    }
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("the TLS key file %1 holds no usable PEM private key (RSA or EC, not encrypted)")
                     .arg(keyFile);
        return false;
    }
    if (!keyFitsCertificate(certPem, keyPem)) {
        *error = QStringLiteral("the TLS key file %1 does not belong to the certificate in %2").arg(keyFile, certFile);
        return false;
    }
    if (QFile::permissions(keyFile) & QFileDevice::ReadOther)
        qWarning().noquote() << "the TLS key file" << keyFile << "is readable by every user; make it 0600";
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (chain.first().expiryDate() < now)
        qWarning().noquote() << "TLS certificate" << certFile << "expired on"
                             << chain.first().expiryDate().toString(Qt::ISODate) << "; clients will refuse it";
    else if (chain.first().effectiveDate() > now)
        qWarning().noquote() << "TLS certificate" << certFile << "is not valid before"
                             << chain.first().effectiveDate().toString(Qt::ISODate);
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setLocalCertificateChain(chain);
    c.setPrivateKey(key);
    c.setProtocol(QSsl::TlsV1_2OrLater);
    c.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with keys, not certificates
    *out = c;
    return true;
}

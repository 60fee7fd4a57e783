// The key file is read with open(2)/fstat(2) so its mode and size are checked on the file actually read.
#include "SecretBox.h"

#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
bool fail(QString *error, const QString &msg)
{
    if (error)
        *error = msg;
    return false;
}

bool writeNewKey(const QString &path, QString *error)
{
    unsigned char key[SecretBox::kKeyBytes];
    randombytes_buf(key, sizeof key);
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        sodium_memzero(key, sizeof key);
        return fail(error,
            QStringLiteral("cannot create the secrets key %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno))));
    }
    const bool ok = ::write(fd, key, sizeof key) == ssize_t(sizeof key) && ::fsync(fd) == 0;
    sodium_memzero(key, sizeof key);
    ::close(fd);
    if (!ok) {
        ::unlink(QFile::encodeName(path).constData());
        return fail(error, QStringLiteral("cannot write the secrets key %1").arg(path));
    }
    return true;
}
}

SecretBox::SecretBox() = default;

SecretBox::~SecretBox()
{
    if (m_key)
        sodium_free(m_key);
}

bool SecretBox::load(const QString &dataDir, const QString &keyFile, QString *error)
{
    if (sodium_init() < 0)
        return fail(error, QStringLiteral("libsodium could not be initialised"));
    QString path = keyFile;
    if (path.isEmpty()) {
        path = QDir(dataDir).filePath(QStringLiteral("secrets.key"));
        if (!QFileInfo::exists(path) && !writeNewKey(path, error))
            return false;
    }
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(error,
            QStringLiteral("cannot read the secrets key file %1: %2")
                .arg(path, QString::fromLocal8Bit(strerror(errno))));
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(error, QStringLiteral("the secrets key file %1 is not a regular file").arg(path));
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        ::close(fd);
        return fail(error,
            QStringLiteral("the secrets key file %1 is accessible by group or others (mode %2); "
                           "make it 0600 (chmod 600 %1)")
                .arg(path)
                .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0')));
    }
    if (st.st_size != kKeyBytes) {
        ::close(fd);
        return fail(error,
            QStringLiteral("the secrets key file %1 holds %2 bytes; a key is exactly %3 random bytes "
                           "(e.g. head -c 32 /dev/urandom)")
                .arg(path)
                .arg(qint64(st.st_size))
                .arg(kKeyBytes));
    }
    if (!m_key)
        m_key = static_cast<unsigned char *>(sodium_malloc(kKeyBytes));
    if (!m_key) {
        ::close(fd);
        return fail(error, QStringLiteral("no memory for the secrets key"));
    }
    const bool read = ::read(fd, m_key, kKeyBytes) == kKeyBytes;
    ::close(fd);
    if (!read)
        return fail(error, QStringLiteral("cannot read the secrets key file %1").arg(path));
    return true;
}

SecretBox::Sealed SecretBox::seal(const QByteArray &plain, const QByteArray &context) const
{
    Sealed s;
    s.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    randombytes_buf(s.nonce.data(), size_t(s.nonce.size()));
    s.ciphertext.resize(plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char *>(s.ciphertext.data()), &len,
        reinterpret_cast<const unsigned char *>(plain.constData()), quint64(plain.size()),
        reinterpret_cast<const unsigned char *>(context.constData()), quint64(context.size()), nullptr,
        reinterpret_cast<const unsigned char *>(s.nonce.constData()), m_key);
    s.ciphertext.resize(qsizetype(len));
    return s;
}

std::optional<QByteArray> SecretBox::open(const Sealed &sealed, const QByteArray &context) const
{
    if (!m_key || sealed.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
        || sealed.ciphertext.size() < qsizetype(crypto_aead_xchacha20poly1305_ietf_ABYTES))
        return std::nullopt;
    QByteArray plain(
        sealed.ciphertext.size() - qsizetype(crypto_aead_xchacha20poly1305_ietf_ABYTES), Qt::Uninitialized);
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char *>(plain.data()), &len, nullptr,
            reinterpret_cast<const unsigned char *>(sealed.ciphertext.constData()), quint64(sealed.ciphertext.size()),
            reinterpret_cast<const unsigned char *>(context.constData()), quint64(context.size()),
            reinterpret_cast<const unsigned char *>(sealed.nonce.constData()), m_key)
        != 0)
        return std::nullopt;
    plain.resize(qsizetype(len));
    return plain;
}

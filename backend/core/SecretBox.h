// Part 2 (secret vaults): the key that encrypts secret values at rest and the sealing itself
// (libsodium XChaCha20-Poly1305, a random nonce per value, the vault and name as associated data).
#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

class SecretBox
{
public:
    static constexpr int kKeyBytes = 32;
    SecretBox();
    ~SecretBox();
    SecretBox(const SecretBox &) = delete;
    SecretBox &operator=(const SecretBox &) = delete;

    // `keyFile` empty: <dataDir>/secrets.key, made (0600, 32 random bytes) when absent. A key file
    // readable by group or others, or not exactly 32 bytes, is refused with a message naming it.
    bool load(const QString &dataDir, const QString &keyFile, QString *error);

    struct Sealed
    {
        QByteArray nonce;
        QByteArray ciphertext;
    };
    Sealed seal(const QByteArray &plain, const QByteArray &context) const;
    // nullopt when the ciphertext was altered, moved to another vault/name, or sealed with another key.
    std::optional<QByteArray> open(const Sealed &sealed, const QByteArray &context) const;

private:
    unsigned char *m_key = nullptr; // sodium_malloc'd: guarded pages, kept out of core dumps, wiped on free
};

// Webhook signing secrets (part 3): made, sealed for the database with AES-256-GCM under a key kept in
// a 0600 file of the data dir (<data-dir>/webhooks.key), and used to sign deliveries the way Stripe does.
#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

class WebhookSecrets
{
public:
    // Reads the key file, or makes it (32 random bytes, owner-only) when absent.
    bool open(const QString &keyPath, QString *error);
    QString seal(const QByteArray &plain) const; // "v1:" + base64(nonce || ciphertext || tag)
    std::optional<QByteArray> unseal(const QString &sealed) const;

    static QByteArray generate(); // "whsec_" + 43 base64url characters (32 random bytes)
    // "t=<unixSeconds>,v1=<hex hmac-sha256(secret, "<t>.<body>")>" and a second v1 for oldSecret if given.
    static QByteArray signatureHeader(
        qint64 unixSeconds, const QByteArray &body, const QByteArray &secret, const QByteArray &oldSecret = {});
    static QByteArray sign(qint64 unixSeconds, const QByteArray &body, const QByteArray &secret);

private:
    QByteArray m_key;
};

// Webhooks (part 3): a workspace's subscription of an HTTP endpoint to events, and one delivery of one
// event to one hook (the delivery log's row). Secrets live here in plaintext only in memory.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

struct Webhook
{
    QString id;
    QString workspaceId;
    QString url;
    QString description;
    QStringList events; // types, "job.*"-style prefixes, or "*"
    QByteArray secret; // "whsec_…"
    QByteArray oldSecret; // the secret before the last rotation, valid until oldSecretUntil
    qint64 oldSecretUntil = 0;
    bool enabled = true;
    QString disabledReason;
    qint64 disabledAt = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    qint64 cursor = 0; // last event seq matched against this hook
    qint64 failingSince = 0; // first failed attempt since the last success (0: not failing)
    qint64 lastDeliveryAt = 0;
    int lastStatus = 0;
    QString lastState;
    QString lastError;

    bool wants(const QString &type) const;
    // The public view: never the secret.
    QJsonObject toJson(qint64 now) const;
};

struct WebhookDelivery
{
    QString id;
    QString webhookId;
    qint64 eventSeq = 0; // 0 for a ping
    QString eventId;
    QString eventType;
    QByteArray body;
    QString state = QStringLiteral("pending"); // pending, delivered, failed (gave up), refused (allow-list)
    int attempt = 0;
    int httpStatus = 0;
    QString error;
    int responseMs = -1;
    qint64 createdAt = 0;
    qint64 nextAttemptAt = 0;
    qint64 lastAttemptAt = 0;

    QJsonObject toJson() const;
};

namespace WebhookEvents {
// The event types a hook may name (also accepted: "*" and "<prefix>.*").
const QStringList &known();
bool isValidFilter(const QString &f);
}

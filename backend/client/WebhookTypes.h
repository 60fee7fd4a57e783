// Client value types of the webhooks API (part 3): a hook, a delivery, and their lists.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

struct WebhookView
{
    QString id;
    QString url;
    QStringList events;
    QString description;
    QString status; // active, disabled
    QString disabledReason;
    QString secret; // only in the answers to create and rotate-secret
    QString lastDeliveryAt;
    QString lastDeliveryState;
    int lastDeliveryStatus = 0;
    QJsonObject json;
    bool enabled() const { return status == QLatin1String("active"); }
    static WebhookView fromJson(const QJsonObject &o);
};

struct WebhookList
{
    QList<WebhookView> webhooks;
    QJsonObject json;
};

struct WebhookDeliveryView
{
    QString id;
    QString eventId;
    QString eventType;
    QString state; // pending, delivered, failed, refused
    int attempt = 0;
    int httpStatus = 0;
    QString error;
    int responseMs = -1;
    QString createdAt;
    QString lastAttemptAt;
    QString nextAttemptAt;
    QJsonObject json;
    static WebhookDeliveryView fromJson(const QJsonObject &o);
};

struct WebhookDeliveryPage
{
    QList<WebhookDeliveryView> deliveries;
    QString nextCursor;
    QJsonObject json;
};

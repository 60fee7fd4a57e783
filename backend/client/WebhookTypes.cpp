// Parsing of the webhooks API's answers (docs/api.md, Webhooks).
#include "WebhookTypes.h"

#include <QJsonArray>

WebhookView WebhookView::fromJson(const QJsonObject &o)
{
    WebhookView w;
    w.id = o.value(QStringLiteral("id")).toString();
    w.url = o.value(QStringLiteral("url")).toString();
    for (const QJsonValue &e : o.value(QStringLiteral("events")).toArray())
        w.events << e.toString();
    w.description = o.value(QStringLiteral("description")).toString();
    w.status = o.value(QStringLiteral("status")).toString();
    w.disabledReason = o.value(QStringLiteral("disabledReason")).toString();
    w.secret = o.value(QStringLiteral("secret")).toString();
    const QJsonObject last = o.value(QStringLiteral("lastDelivery")).toObject();
    w.lastDeliveryAt = last.value(QStringLiteral("at")).toString();
    w.lastDeliveryState = last.value(QStringLiteral("state")).toString();
    w.lastDeliveryStatus = last.value(QStringLiteral("httpStatus")).toInt();
    w.json = o;
    return w;
}

WebhookDeliveryView WebhookDeliveryView::fromJson(const QJsonObject &o)
{
    WebhookDeliveryView d;
    d.id = o.value(QStringLiteral("id")).toString();
    d.eventId = o.value(QStringLiteral("eventId")).toString();
    d.eventType = o.value(QStringLiteral("eventType")).toString();
    d.state = o.value(QStringLiteral("state")).toString();
    d.attempt = o.value(QStringLiteral("attempt")).toInt();
    d.httpStatus = o.value(QStringLiteral("httpStatus")).toInt();
    d.error = o.value(QStringLiteral("error")).toString();
    d.responseMs = o.value(QStringLiteral("responseMs")).toInt(-1);
    d.createdAt = o.value(QStringLiteral("createdAt")).toString();
    d.lastAttemptAt = o.value(QStringLiteral("lastAttemptAt")).toString();
    d.nextAttemptAt = o.value(QStringLiteral("nextAttemptAt")).toString();
    d.json = o;
    return d;
}

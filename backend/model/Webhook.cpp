// JSON views of hooks and deliveries, and the event filter.
#include "Webhook.h"
#include "Job.h"

#include <QJsonArray>

namespace {
QJsonValue timeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoTime(ms)) : QJsonValue(QJsonValue::Null);
}
}

bool Webhook::wants(const QString &type) const
{
    for (const QString &f : events) {
        if (f == type || f == QLatin1String("*"))
            return true;
        if (f.endsWith(QLatin1String(".*")) && type.startsWith(f.left(f.size() - 1)))
            return true;
    }
    return false;
}

QJsonObject Webhook::toJson(qint64 now) const
{
    QJsonObject o {{QStringLiteral("id"), id}, {QStringLiteral("url"), url},
        {QStringLiteral("events"), QJsonArray::fromStringList(events)}, {QStringLiteral("description"), description},
        {QStringLiteral("status"), enabled ? QStringLiteral("active") : QStringLiteral("disabled")},
        {QStringLiteral("enabled"), enabled}, {QStringLiteral("createdAt"), isoTime(createdAt)},
        {QStringLiteral("updatedAt"), isoTime(updatedAt)}};
    if (!enabled) {
        o.insert(QStringLiteral("disabledReason"), disabledReason);
        o.insert(QStringLiteral("disabledAt"), timeOrNull(disabledAt));
    }
    o.insert(QStringLiteral("failingSince"), timeOrNull(failingSince));
    o.insert(
        QStringLiteral("previousSecretExpiresAt"), oldSecretUntil > now ? timeOrNull(oldSecretUntil) : QJsonValue());
    if (lastDeliveryAt > 0) {
        QJsonObject last {{QStringLiteral("at"), isoTime(lastDeliveryAt)}, {QStringLiteral("state"), lastState}};
        if (lastStatus > 0)
            last.insert(QStringLiteral("httpStatus"), lastStatus);
        if (!lastError.isEmpty())
            last.insert(QStringLiteral("error"), lastError);
        o.insert(QStringLiteral("lastDelivery"), last);
    } else {
        o.insert(QStringLiteral("lastDelivery"), QJsonValue::Null);
    }
    return o;
}

QJsonObject WebhookDelivery::toJson() const
{
    QJsonObject o {{QStringLiteral("id"), id}, {QStringLiteral("webhookId"), webhookId},
        {QStringLiteral("eventId"), eventId}, {QStringLiteral("eventType"), eventType},
        {QStringLiteral("state"), state}, {QStringLiteral("attempt"), attempt},
        {QStringLiteral("createdAt"), isoTime(createdAt)}, {QStringLiteral("lastAttemptAt"), timeOrNull(lastAttemptAt)},
        {QStringLiteral("nextAttemptAt"),
            state == QLatin1String("pending") ? timeOrNull(nextAttemptAt) : QJsonValue()}};
    o.insert(QStringLiteral("httpStatus"), httpStatus > 0 ? QJsonValue(httpStatus) : QJsonValue());
    o.insert(QStringLiteral("error"), error.isEmpty() ? QJsonValue() : QJsonValue(error));
    o.insert(QStringLiteral("responseMs"), responseMs >= 0 ? QJsonValue(responseMs) : QJsonValue());
    if (eventSeq > 0)
        o.insert(QStringLiteral("eventSeq"), eventSeq);
    return o;
}

const QStringList &WebhookEvents::known()
{
    static const QStringList types {QStringLiteral("job.created"), QStringLiteral("job.transitioned"),
        QStringLiteral("job.terminal"), QStringLiteral("agent.registered"), QStringLiteral("agent.online"),
        QStringLiteral("agent.lost"), QStringLiteral("agent.drained"), QStringLiteral("agent.removed"),
        QStringLiteral("webhook.disabled"), QStringLiteral("ping")};
    return types;
}

bool WebhookEvents::isValidFilter(const QString &f)
{
    if (f == QLatin1String("*") || known().contains(f))
        return true;
    static const QStringList prefixes {QStringLiteral("job.*"), QStringLiteral("agent.*"), QStringLiteral("webhook.*")};
    return prefixes.contains(f);
}

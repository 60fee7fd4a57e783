// Read and checked before the control plane starts; a bad value is exit code 2 with the reason.
#include "ServeWebhookOptions.h"
#include "WebhookTargetPolicy.h"

#include <QCommandLineParser>

QList<QCommandLineOption> webhookOptions()
{
    return {
        {QStringLiteral("webhook-allow"),
            QStringLiteral("Let webhooks deliver to this CIDR, address or host name although it is link-local or a "
                           "cloud metadata address (repeatable)."),
            QStringLiteral("CIDR_OR_HOST")},
        {QStringLiteral("webhook-max-in-flight"), QStringLiteral("Deliveries in flight per webhook at most."),
            QStringLiteral("N"), QStringLiteral("4")},
        {QStringLiteral("webhook-retry-base-ms"),
            QStringLiteral("First retry of a failed delivery after about this long; doubles with each attempt."),
            QStringLiteral("MS"), QStringLiteral("10000")},
        {QStringLiteral("webhook-retry-max-ms"), QStringLiteral("Longest wait between two attempts."),
            QStringLiteral("MS"), QStringLiteral("3600000")},
        {QStringLiteral("webhook-retry-horizon-s"),
            QStringLiteral("Retry a delivery this long; a webhook failing this long is disabled."),
            QStringLiteral("SECONDS"), QStringLiteral("86400")},
        {QStringLiteral("webhook-timeout-ms"), QStringLiteral("A receiver must answer within this."),
            QStringLiteral("MS"), QStringLiteral("10000")},
        {QStringLiteral("webhook-delivery-retention-days"),
            QStringLiteral("Finished deliveries are deleted after this many days (the last 1000 per webhook at most)."),
            QStringLiteral("DAYS"), QStringLiteral("7")},
    };
}

bool readWebhookOptions(const QCommandLineParser &p, WebhookConfig &c, QString *why)
{
    auto number = [&](const char *name, qint64 min, qint64 max, qint64 &out) {
        bool ok = false;
        const qint64 v = p.value(QLatin1String(name)).toLongLong(&ok);
        if (!ok || v < min || v > max) {
            *why = QStringLiteral("--%1 must be a number from %2 to %3").arg(QLatin1String(name)).arg(min).arg(max);
            return false;
        }
        out = v;
        return true;
    };
    qint64 inFlight = 0, horizon = 0, timeout = 0, retention = 0;
    if (!number("webhook-max-in-flight", 1, 64, inFlight)
        || !number("webhook-retry-base-ms", 10, 86400000, c.retryBaseMs)
        || !number("webhook-retry-max-ms", 10, 86400000, c.retryMaxMs)
        || !number("webhook-retry-horizon-s", 1, 30 * 86400, horizon)
        || !number("webhook-timeout-ms", 100, 600000, timeout)
        || !number("webhook-delivery-retention-days", 1, 3650, retention))
        return false;
    if (c.retryMaxMs < c.retryBaseMs) {
        *why = QStringLiteral("--webhook-retry-max-ms must be at least --webhook-retry-base-ms");
        return false;
    }
    c.maxInFlight = int(inFlight);
    c.horizonMs = horizon * 1000;
    c.timeoutMs = int(timeout);
    c.deliveryRetentionDays = int(retention);
    c.allow = p.values(QStringLiteral("webhook-allow"));
    WebhookTargetPolicy check;
    return check.setAllowList(c.allow, why);
}

// Webhook delivery settings (part 3): serve --webhook-* flags; the defaults are for production, tests shorten them.
#pragma once

#include <QStringList>

struct WebhookConfig
{
    QStringList allow; // --webhook-allow CIDR_OR_HOST: exceptions to the refused ranges
    int maxInFlight = 4; // per hook
    qint64 retryBaseMs = 10000; // first retry after about this long, doubling each attempt
    qint64 retryMaxMs = 3600000; // backoff ceiling
    qint64 horizonMs = 86400000; // retries stop after this; a hook failing this long is disabled
    int timeoutMs = 10000; // a receiver must answer within this
    int deliveryRetentionDays = 7; // finished deliveries are pruned after this many days
    int deliveryLogPerHook = 1000; // and beyond this many per hook
    qint64 previousSecretMs = 86400000; // a rotated-out secret still signs this long
};

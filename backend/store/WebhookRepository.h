// Webhooks and their deliveries in SQL (part 3). Secrets arrive here already sealed (WebhookSecrets):
// the columns hold ciphertext.
#pragma once

#include "Webhook.h"

#include <QList>
#include <optional>

class SqlSession;

namespace WebhookRepository {
bool insert(SqlSession &s, const Webhook &w, const QString &sealedSecret);
// Everything but the secrets and the delivery bookkeeping.
bool updateSettings(SqlSession &s, const Webhook &w);
bool updateSecrets(SqlSession &s, const QString &id, const QString &sealed, const QString &sealedOld, qint64 oldUntil,
    qint64 updatedAt);
bool updateStatus(SqlSession &s, const Webhook &w); // enabled, failing, last delivery
bool updateCursor(SqlSession &s, const QString &id, qint64 cursor);
bool remove(SqlSession &s, const QString &id);

struct Row
{
    Webhook hook;
    QString sealedSecret;
    QString sealedOldSecret;
};
QList<Row> all(SqlSession &s);

bool insertDelivery(SqlSession &s, const WebhookDelivery &d);
bool updateDelivery(SqlSession &s, const WebhookDelivery &d);
std::optional<WebhookDelivery> delivery(SqlSession &s, const QString &webhookId, const QString &id);
// Pending deliveries of a hook due at `now`, oldest first.
QList<WebhookDelivery> due(SqlSession &s, const QString &webhookId, qint64 now, int limit);
bool hasPending(SqlSession &s, const QString &webhookId);
// Newest first; `before` (a delivery id) pages back.
QList<WebhookDelivery> log(SqlSession &s, const QString &webhookId, const QString &before, int limit);
// Finished deliveries (delivered, failed, refused) last tried before cutoff; and beyond the newest
// `keep` finished ones of a hook. Return rows deleted, -1 on error.
int pruneFinished(SqlSession &s, qint64 cutoff);
int pruneBeyond(SqlSession &s, const QString &webhookId, int keep);
}

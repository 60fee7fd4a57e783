// Every statement prepared and cached per connection.
#include "WebhookRepository.h"
#include "SqlSession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QVariant>

namespace {
const QString kDeliveryColumns = QStringLiteral(
    "id, webhook_id, event_seq, event_id, event_type, body, state, attempt, http_status, error, response_ms, "
    "created_at, next_attempt_at, last_attempt_at");

WebhookDelivery readDelivery(const QSqlQuery &q)
{
    WebhookDelivery d;
    d.id = q.value(0).toString();
    d.webhookId = q.value(1).toString();
    d.eventSeq = q.value(2).toLongLong();
    d.eventId = q.value(3).toString();
    d.eventType = q.value(4).toString();
    d.body = q.value(5).toString().toUtf8();
    d.state = q.value(6).toString();
    d.attempt = q.value(7).toInt();
    d.httpStatus = q.value(8).toInt();
    d.error = q.value(9).toString();
    d.responseMs = q.value(10).toInt();
    d.createdAt = q.value(11).toLongLong();
    d.nextAttemptAt = q.value(12).toLongLong();
    d.lastAttemptAt = q.value(13).toLongLong();
    return d;
}

// Every column is NOT NULL text: a null QString would bind as NULL.
QString text(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

QString eventsText(const QStringList &events)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(events)).toJson(QJsonDocument::Compact));
}
}

bool WebhookRepository::insert(SqlSession &s, const Webhook &w, const QString &sealedSecret)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO webhooks(id, workspace_id, url, events, description, secret, enabled, created_at, updated_at, "
        "cursor) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"));
    q.addBindValue(w.id);
    q.addBindValue(w.workspaceId);
    q.addBindValue(w.url);
    q.addBindValue(eventsText(w.events));
    q.addBindValue(text(w.description));
    q.addBindValue(sealedSecret);
    q.addBindValue(w.createdAt);
    q.addBindValue(w.updatedAt);
    q.addBindValue(w.cursor);
    return SqlSession::run(q);
}

bool WebhookRepository::updateSettings(SqlSession &s, const Webhook &w)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("UPDATE webhooks SET url = ?, events = ?, description = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(w.url);
    q.addBindValue(eventsText(w.events));
    q.addBindValue(text(w.description));
    q.addBindValue(w.updatedAt);
    q.addBindValue(w.id);
    return SqlSession::run(q);
}

bool WebhookRepository::updateSecrets(SqlSession &s, const QString &id, const QString &sealed, const QString &sealedOld,
    qint64 oldUntil, qint64 updatedAt)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "UPDATE webhooks SET secret = ?, old_secret = ?, old_secret_until = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(sealed);
    q.addBindValue(sealedOld);
    q.addBindValue(oldUntil);
    q.addBindValue(updatedAt);
    q.addBindValue(id);
    return SqlSession::run(q);
}

bool WebhookRepository::updateStatus(SqlSession &s, const Webhook &w)
{
    QSqlQuery &q
        = s.prepare(QStringLiteral("UPDATE webhooks SET enabled = ?, disabled_reason = ?, disabled_at = ?, "
                                   "failing_since = ?, last_delivery_at = ?, "
                                   "last_status = ?, last_state = ?, last_error = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(w.enabled ? 1 : 0);
    q.addBindValue(w.disabledReason.isNull() ? QStringLiteral("") : w.disabledReason);
    q.addBindValue(w.disabledAt);
    q.addBindValue(w.failingSince);
    q.addBindValue(w.lastDeliveryAt);
    q.addBindValue(w.lastStatus);
    q.addBindValue(w.lastState.isNull() ? QStringLiteral("") : w.lastState);
    q.addBindValue(w.lastError.isNull() ? QStringLiteral("") : w.lastError);
    q.addBindValue(w.updatedAt);
    q.addBindValue(w.id);
    return SqlSession::run(q);
}

bool WebhookRepository::updateCursor(SqlSession &s, const QString &id, qint64 cursor)
{
    QSqlQuery &q = s.prepare(QStringLiteral("UPDATE webhooks SET cursor = ? WHERE id = ? AND cursor < ?"));
    q.addBindValue(cursor);
    q.addBindValue(id);
    q.addBindValue(cursor);
    return SqlSession::run(q);
}

bool WebhookRepository::remove(SqlSession &s, const QString &id)
{
    QSqlQuery &d = s.prepare(QStringLiteral("DELETE FROM webhook_deliveries WHERE webhook_id = ?"));
    d.addBindValue(id);
    if (!SqlSession::run(d))
        return false;
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM webhooks WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::run(q);
}

QList<WebhookRepository::Row> WebhookRepository::all(SqlSession &s)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT id, workspace_id, url, events, description, secret, old_secret, old_secret_until, enabled, "
        "disabled_reason, disabled_at, created_at, updated_at, cursor, failing_since, last_delivery_at, last_status, "
        "last_state, last_error FROM webhooks ORDER BY created_at, id"));
    return SqlSession::rows<Row>(q, [](const QSqlQuery &r) {
        Row row;
        Webhook &w = row.hook;
        w.id = r.value(0).toString();
        w.workspaceId = r.value(1).toString();
        w.url = r.value(2).toString();
        for (const QJsonValue &v : QJsonDocument::fromJson(r.value(3).toString().toUtf8()).array())
            w.events << v.toString();
        w.description = r.value(4).toString();
        row.sealedSecret = r.value(5).toString();
        row.sealedOldSecret = r.value(6).toString();
        w.oldSecretUntil = r.value(7).toLongLong();
        w.enabled = r.value(8).toInt() != 0;
        w.disabledReason = r.value(9).toString();
        w.disabledAt = r.value(10).toLongLong();
        w.createdAt = r.value(11).toLongLong();
        w.updatedAt = r.value(12).toLongLong();
        w.cursor = r.value(13).toLongLong();
        w.failingSince = r.value(14).toLongLong();
        w.lastDeliveryAt = r.value(15).toLongLong();
        w.lastStatus = r.value(16).toInt();
        w.lastState = r.value(17).toString();
        w.lastError = r.value(18).toString();
        return row;
    });
}

bool WebhookRepository::insertDelivery(SqlSession &s, const WebhookDelivery &d)
{
    QSqlQuery &q = s.prepare(QStringLiteral("INSERT INTO webhook_deliveries(") + kDeliveryColumns
        + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(d.id);
    q.addBindValue(d.webhookId);
    q.addBindValue(d.eventSeq);
    q.addBindValue(d.eventId);
    q.addBindValue(d.eventType);
    q.addBindValue(QString::fromUtf8(d.body));
    q.addBindValue(d.state);
    q.addBindValue(d.attempt);
    q.addBindValue(d.httpStatus);
    q.addBindValue(d.error.isNull() ? QStringLiteral("") : d.error);
    q.addBindValue(d.responseMs);
    q.addBindValue(d.createdAt);
    q.addBindValue(d.nextAttemptAt);
    q.addBindValue(d.lastAttemptAt);
    return SqlSession::run(q);
}

bool WebhookRepository::updateDelivery(SqlSession &s, const WebhookDelivery &d)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "UPDATE webhook_deliveries SET state = ?, attempt = ?, http_status = ?, error = ?, response_ms = ?, "
        "next_attempt_at = ?, last_attempt_at = ? WHERE id = ?"));
    q.addBindValue(d.state);
    q.addBindValue(d.attempt);
    q.addBindValue(d.httpStatus);
    q.addBindValue(d.error.isNull() ? QStringLiteral("") : d.error);
    q.addBindValue(d.responseMs);
    q.addBindValue(d.nextAttemptAt);
    q.addBindValue(d.lastAttemptAt);
    q.addBindValue(d.id);
    return SqlSession::run(q);
}

std::optional<WebhookDelivery> WebhookRepository::delivery(SqlSession &s, const QString &webhookId, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kDeliveryColumns
        + QStringLiteral(" FROM webhook_deliveries WHERE id = ? AND webhook_id = ?"));
    q.addBindValue(id);
    q.addBindValue(webhookId);
    return SqlSession::row<WebhookDelivery>(q, readDelivery);
}

QList<WebhookDelivery> WebhookRepository::due(SqlSession &s, const QString &webhookId, qint64 now, int limit)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kDeliveryColumns
        + QStringLiteral(" FROM webhook_deliveries WHERE webhook_id = ? AND state = 'pending' AND next_attempt_at <= ? "
                         "ORDER BY next_attempt_at, id LIMIT ?"));
    q.addBindValue(webhookId);
    q.addBindValue(now);
    q.addBindValue(limit);
    return SqlSession::rows<WebhookDelivery>(q, readDelivery);
}

bool WebhookRepository::hasPending(SqlSession &s, const QString &webhookId)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT 1 FROM webhook_deliveries WHERE webhook_id = ? AND state = 'pending' LIMIT 1"));
    q.addBindValue(webhookId);
    return SqlSession::row<int>(q, [](const QSqlQuery &) { return 1; }).has_value();
}

QList<WebhookDelivery> WebhookRepository::log(SqlSession &s, const QString &webhookId, const QString &before, int limit)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kDeliveryColumns
        + QStringLiteral(" FROM webhook_deliveries WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?"));
    q.addBindValue(webhookId);
    q.addBindValue(before.isEmpty() ? QStringLiteral("~") : before);
    q.addBindValue(limit);
    return SqlSession::rows<WebhookDelivery>(q, readDelivery);
}

int WebhookRepository::pruneFinished(SqlSession &s, qint64 cutoff)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "DELETE FROM webhook_deliveries WHERE state != 'pending' AND last_attempt_at < ? AND last_attempt_at > 0"));
    q.addBindValue(cutoff);
    return SqlSession::run(q) ? q.numRowsAffected() : -1;
}

int WebhookRepository::pruneBeyond(SqlSession &s, const QString &webhookId, int keep)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "DELETE FROM webhook_deliveries WHERE webhook_id = ? AND state != 'pending' AND id < (SELECT id FROM "
        "webhook_deliveries WHERE webhook_id = ? AND state != 'pending' ORDER BY id DESC LIMIT 1 OFFSET ?)"));
    q.addBindValue(webhookId);
    q.addBindValue(webhookId);
    q.addBindValue(keep - 1);
    return SqlSession::run(q) ? q.numRowsAffected() : -1;
}

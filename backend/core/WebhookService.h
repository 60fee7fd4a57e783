// Webhooks (part 3): the hooks of each workspace (create, list, rotate, delete, test, resend) and the
// durable outbox: every published event is matched against each hook's persisted cursor, and the
// deliveries it owes are stored with the moved cursor in one transaction; a restart resumes from there.
#pragma once

#include "ApiError.h"
#include "Principal.h"
#include "StoredEvent.h"
#include "WebhookConfig.h"
#include "WebhookDispatcher.h"
#include "WebhookSecrets.h"
#include "WebhookTargetPolicy.h"

#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <functional>

class EventBus;
class Store;
class QTimer;

class WebhookService : public QObject
{
    Q_OBJECT
public:
    using Reply = std::function<void(Result<QJsonObject>)>;
    static constexpr int kMaxHooksPerWorkspace = 50;

    WebhookService(Store &store, EventBus &events, WebhookConfig config, QObject *parent = nullptr);
    // Opens the secrets key, loads the hooks, queues what events since their cursors owe, starts delivery.
    bool start(const QString &dataDir, QString *error);

    void create(const Principal &p, const QJsonObject &body, const Reply &done);
    Result<QJsonObject> list(const Principal &p) const;
    Result<QJsonObject> get(const Principal &p, const QString &id) const;
    void update(const Principal &p, const QString &id, const QJsonObject &body, const Reply &done);
    void remove(const Principal &p, const QString &id, const Reply &done);
    void rotateSecret(const Principal &p, const QString &id, const Reply &done);
    void sendTest(const Principal &p, const QString &id, const Reply &done);
    Result<QJsonObject> deliveries(const Principal &p, const QString &id, const QString &before, int limit);
    void resend(const Principal &p, const QString &id, const QString &deliveryId, const Reply &done);

    WebhookDispatcher *dispatcher() const { return m_dispatcher; }

private:
    Result<std::shared_ptr<Webhook>> find(const Principal &p, const QString &id) const;
    Status readSettings(const QJsonObject &body, Webhook &w, bool partial) const;
    void onPublished(const StoredEvent &e);
    void match(const StoredEvent &e);
    void catchUp();
    void flushOutbox();
    void flushCursors();
    void prune();
    void enqueueDelivery(const std::shared_ptr<Webhook> &hook, WebhookDelivery d, const Reply &done);

    Store &m_store;
    EventBus &m_events;
    WebhookConfig m_config;
    WebhookTargetPolicy m_policy;
    WebhookSecrets m_secrets;
    WebhookMap m_hooks;
    QHash<QString, QStringList> m_byWorkspace; // workspace -> hook ids
    WebhookDispatcher *m_dispatcher = nullptr;
    QList<WebhookDelivery> m_outbox; // matched, not yet handed to the writer
    QSet<QString> m_cursorDirty; // hooks whose cursor moved past events they do not want
    bool m_flushQueued = false;
    qint64 m_seen = 0; // newest event seq matched
    QTimer *m_cursorTimer = nullptr;
    QTimer *m_pruneTimer = nullptr;
};

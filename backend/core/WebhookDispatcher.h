// Sends webhook deliveries (part 3): signed POSTs with QNetworkAccessManager on the control-plane thread,
// at most N in flight per hook, exponential backoff with jitter until the horizon, and a hook that has
// failed for the whole horizon disabled (with a webhook.disabled event).
#pragma once

#include "Webhook.h"
#include "WebhookConfig.h"
#include "WebhookTargetPolicy.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <memory>

class EventBus;
class QNetworkAccessManager;
class QNetworkReply;
class QTimer;
class Store;

using WebhookMap = QHash<QString, std::shared_ptr<Webhook>>;

class WebhookDispatcher : public QObject
{
    Q_OBJECT
public:
    WebhookDispatcher(Store &store, EventBus &events, const WebhookConfig &config, const WebhookTargetPolicy &policy,
        const WebhookMap &hooks, QObject *parent = nullptr);

    // New deliveries of this hook are committed (or it was enabled): send what is due.
    void wake(const QString &hookId);
    // The hook is gone: stop its deliveries in flight.
    void forget(const QString &hookId);
    int inFlight(const QString &hookId) const;

Q_SIGNALS:
    void delivered(const QString &hookId, const QString &deliveryId); // any final or retried outcome stored

private:
    struct Outcome
    {
        int status = 0;
        QString error;
        int ms = -1;
        bool refused = false;
    };
    struct HookState
    {
        QSet<QString> inFlight;
        QList<QPointer<QNetworkReply>> replies;
        bool pending = true; // may have deliveries waiting (due now or later)
    };

    void tick();
    void pump(const QString &hookId);
    void attempt(const std::shared_ptr<Webhook> &hook, const WebhookDelivery &d);
    void post(const std::shared_ptr<Webhook> &hook, const WebhookDelivery &d, const QList<QHostAddress> &addresses);
    void finish(const QString &hookId, WebhookDelivery d, const Outcome &o);
    qint64 backoffMs(int attempt) const;

    Store &m_store;
    EventBus &m_events;
    const WebhookConfig &m_config;
    const WebhookTargetPolicy &m_policy;
    const WebhookMap &m_hooks;
    QNetworkAccessManager *m_nam = nullptr;
    QTimer *m_tick = nullptr;
    QHash<QString, HookState> m_state;
};

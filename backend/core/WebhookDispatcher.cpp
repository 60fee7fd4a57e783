// A delivery is in flight from its pick in pump() until its outcome is committed, so a row still marked
// pending in the table is never sent twice at once. Redirects are not followed (they would bypass the
// allow-list); for http the connection goes to the address that was checked, with the original Host.
#include "WebhookDispatcher.h"
#include "AgentRepository.h"
#include "EventBus.h"
#include "Job.h"
#include "Store.h"
#include "WebhookRepository.h"
#include "WebhookSecrets.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>

namespace {
constexpr qint64 kMaxResponseBytes = 64 * 1024; // read and dropped; more aborts the reply

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
}

WebhookDispatcher::WebhookDispatcher(Store &store, EventBus &events, const WebhookConfig &config,
    const WebhookTargetPolicy &policy, const WebhookMap &hooks, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_events(events)
    , m_config(config)
    , m_policy(policy)
    , m_hooks(hooks)
{
    m_nam = new QNetworkAccessManager(this);
    m_nam->setProxy(QNetworkProxy::NoProxy);
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_tick = new QTimer(this);
    m_tick->setInterval(int(std::clamp<qint64>(m_config.retryBaseMs / 4, 20, 1000)));
    connect(m_tick, &QTimer::timeout, this, &WebhookDispatcher::tick);
    m_tick->start();
}

void WebhookDispatcher::wake(const QString &hookId)
{
    m_state[hookId].pending = true;
    pump(hookId);
}

void WebhookDispatcher::forget(const QString &hookId)
{
    const HookState st = m_state.take(hookId);
    for (const QPointer<QNetworkReply> &r : st.replies)
        if (r)
            r->abort();
}

int WebhookDispatcher::inFlight(const QString &hookId) const
{
    const auto it = m_state.constFind(hookId);
    return it == m_state.constEnd() ? 0 : int(it->inFlight.size());
}

void WebhookDispatcher::tick()
{
    for (auto it = m_state.begin(); it != m_state.end(); ++it)
        if (it->pending && it->inFlight.size() < m_config.maxInFlight)
            QMetaObject::invokeMethod(
                this, [this, id = it.key()] { pump(id); }, Qt::QueuedConnection);
}

void WebhookDispatcher::pump(const QString &hookId)
{
    const std::shared_ptr<Webhook> hook = m_hooks.value(hookId);
    if (!hook) {
        m_state.remove(hookId);
        return;
    }
    auto it = m_state.find(hookId);
    if (it == m_state.end() || !hook->enabled)
        return;
    if (it->inFlight.size() >= m_config.maxInFlight)
        return;
    const QList<WebhookDelivery> due
        = WebhookRepository::due(m_store.reader(), hookId, nowMs(), m_config.maxInFlight + int(it->inFlight.size()));
    for (const WebhookDelivery &d : due) {
        it = m_state.find(hookId); // attempt() may have changed the table
        if (it == m_state.end() || it->inFlight.size() >= m_config.maxInFlight)
            return;
        if (it->inFlight.contains(d.id))
            continue;
        it->inFlight.insert(d.id);
        attempt(hook, d);
    }
    it = m_state.find(hookId);
    if (it != m_state.end() && due.isEmpty() && it->inFlight.isEmpty())
        it->pending = WebhookRepository::hasPending(m_store.reader(), hookId);
}

void WebhookDispatcher::attempt(const std::shared_ptr<Webhook> &hook, const WebhookDelivery &d)
{
    const QUrl url(hook->url);
    const QString host = url.host();
    const QHostAddress literal(host);
    if (!literal.isNull()) {
        post(hook, d, {literal});
        return;
    }
    QHostInfo::lookupHost(host, this, [this, hook, d, host](const QHostInfo &info) {
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            finish(hook->id, d, {0, QStringLiteral("cannot resolve %1: %2").arg(host, info.errorString()), -1, false});
            return;
        }
        QList<QHostAddress> addresses = info.addresses();
        // IPv4 first: "localhost" receivers often listen on 127.0.0.1 only
        std::stable_sort(addresses.begin(), addresses.end(), [](const QHostAddress &a, const QHostAddress &b) {
            return a.protocol() == QAbstractSocket::IPv4Protocol && b.protocol() != QAbstractSocket::IPv4Protocol;
        });
        post(hook, d, addresses);
    });
}

void WebhookDispatcher::post(
    const std::shared_ptr<Webhook> &hook, const WebhookDelivery &d, const QList<QHostAddress> &addresses)
{
    QUrl target(hook->url);
    const QString refused = m_policy.refusal(target.host(), addresses);
    if (!refused.isEmpty()) {
        finish(hook->id, d, {0, QStringLiteral("refused: ") + refused, -1, true});
        return;
    }
    QByteArray hostHeader;
    if (target.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0
        && QHostAddress(target.host()).isNull()) {
        // connect to the address just checked, not to whatever a second lookup returns
        hostHeader = target.authority(QUrl::FullyEncoded).toUtf8();
        target.setHost(addresses.first().toString());
    }
    const qint64 t = nowMs() / 1000;
    const QByteArray old = hook->oldSecretUntil > nowMs() ? hook->oldSecret : QByteArray();
    QNetworkRequest req(target);
    req.setTransferTimeout(m_config.timeoutMs);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("User-Agent", "tanvrit-compute-webhooks/1");
    req.setRawHeader("Tanvrit-Signature", WebhookSecrets::signatureHeader(t, d.body, hook->secret, old));
    req.setRawHeader("Tanvrit-Event-Id", d.eventId.toUtf8());
    req.setRawHeader("Tanvrit-Event-Type", d.eventType.toUtf8());
    req.setRawHeader("Tanvrit-Delivery-Id", d.id.toUtf8());
    req.setRawHeader("Tanvrit-Delivery-Attempt", QByteArray::number(d.attempt + 1));
    req.setRawHeader("Tanvrit-Webhook-Id", hook->id.toUtf8());
    if (!hostHeader.isEmpty())
        req.setRawHeader("Host", hostHeader);

    auto elapsed = std::make_shared<QElapsedTimer>();
    elapsed->start();
    QNetworkReply *reply = m_nam->post(req, d.body);
    m_state[hook->id].replies.append(reply);
    auto received = std::make_shared<qint64>(0);
    auto why = std::make_shared<QString>();
    connect(reply, &QNetworkReply::readyRead, reply, [reply, received, why] {
        *received += reply->readAll().size();
        if (*received > kMaxResponseBytes && why->isEmpty()) {
            *why = QStringLiteral("response larger than %1 bytes").arg(kMaxResponseBytes);
            reply->abort();
        }
    });
    // the transfer timeout restarts with every byte; a receiver trickling bytes is cut off here
    QTimer::singleShot(m_config.timeoutMs, reply, [reply, why] {
        if (why->isEmpty())
            *why = QStringLiteral("no answer within %1 ms").arg(reply->request().transferTimeout());
        reply->abort();
    });
    const QString hookId = hook->id;
    connect(reply, &QNetworkReply::finished, this, [this, reply, hookId, d, elapsed, why] {
        Outcome o;
        o.ms = int(elapsed->elapsed());
        o.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool bodyCut = why->startsWith(QLatin1String("response larger"));
        if (reply->error() != QNetworkReply::NoError && !(bodyCut && o.status > 0)) {
            if (o.status == 0)
                o.error = !why->isEmpty() ? *why : reply->errorString().left(300);
            else if (reply->error() == QNetworkReply::TimeoutError
                || reply->error() == QNetworkReply::OperationCanceledError)
                o.error = !why->isEmpty() ? *why : QStringLiteral("timed out");
        }
        if (o.status > 0 && (o.status < 200 || o.status > 299) && o.error.isEmpty())
            o.error = QStringLiteral("HTTP %1").arg(o.status);
        auto it = m_state.find(hookId);
        if (it != m_state.end())
            it->replies.removeAll(reply);
        reply->deleteLater();
        if (it == m_state.end())
            return; // the hook was deleted meanwhile
        finish(hookId, d, o);
    });
}

qint64 WebhookDispatcher::backoffMs(int attempt) const
{
    qint64 d = m_config.retryBaseMs;
    for (int i = 1; i < attempt && d < m_config.retryMaxMs; ++i)
        d *= 2;
    d = std::min(d, m_config.retryMaxMs);
    // "equal jitter": half fixed, half random, so retries of many hooks spread out
    return d / 2 + qint64(QRandomGenerator::global()->bounded(double(d / 2 + 1)));
}

void WebhookDispatcher::finish(const QString &hookId, WebhookDelivery d, const Outcome &o)
{
    const std::shared_ptr<Webhook> hook = m_hooks.value(hookId);
    if (!hook) {
        m_state.remove(hookId);
        return;
    }
    const qint64 now = nowMs();
    d.attempt += 1;
    d.lastAttemptAt = now;
    d.httpStatus = o.status;
    d.error = o.error;
    d.responseMs = o.ms;
    const bool ok = o.error.isEmpty() && o.status >= 200 && o.status <= 299;
    std::optional<StoredEvent> disabledEvent;
    if (ok) {
        d.state = QStringLiteral("delivered");
        d.nextAttemptAt = 0;
        hook->failingSince = 0;
    } else {
        if (o.refused) {
            d.state = QStringLiteral("refused");
        } else if (now - d.createdAt >= m_config.horizonMs) {
            d.state = QStringLiteral("failed");
            d.error += QStringLiteral(" (gave up after %1 attempts)").arg(d.attempt);
        } else {
            d.state = QStringLiteral("pending");
            d.nextAttemptAt = now + backoffMs(d.attempt);
        }
        if (hook->failingSince == 0)
            hook->failingSince = now;
        if (hook->enabled && now - hook->failingSince >= m_config.horizonMs) {
            hook->enabled = false;
            hook->disabledAt = now;
            hook->disabledReason = QStringLiteral("every delivery failed since %1").arg(isoTime(hook->failingSince));
            disabledEvent = m_events.make(hook->workspaceId, QStringLiteral("webhook.disabled"),
                {{QStringLiteral("webhookId"), hook->id}, {QStringLiteral("url"), hook->url},
                    {QStringLiteral("reason"), hook->disabledReason}});
            qWarning().noquote() << "webhooks: disabled" << hook->id << "-" << hook->disabledReason;
        }
    }
    hook->lastDeliveryAt = now;
    hook->lastStatus = o.status;
    hook->lastState = d.state;
    hook->lastError = d.error;
    hook->updatedAt = now;
    const Webhook snapshot = *hook;
    m_store.writer().enqueue(
        [d, snapshot, disabledEvent](SqlSession &s) {
            return WebhookRepository::updateDelivery(s, d) && WebhookRepository::updateStatus(s, snapshot)
                && (!disabledEvent || EventRepository::insert(s, *disabledEvent));
        },
        [this, hookId, id = d.id, disabledEvent](bool) {
            if (disabledEvent)
                m_events.announce(*disabledEvent);
            auto it = m_state.find(hookId);
            if (it == m_state.end())
                return;
            it->inFlight.remove(id);
            it->pending = true;
            Q_EMIT delivered(hookId, id);
            pump(hookId);
        });
}

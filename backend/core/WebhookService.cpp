// The hooks live in memory (a few per workspace) and in the webhooks table; deliveries live in the table
// only, so memory per hook stays bounded whatever a receiver's backlog.
#include "WebhookService.h"
#include "AgentRepository.h"
#include "EventBus.h"
#include "Job.h"
#include "Store.h"
#include "Ulid.h"
#include "WebhookRepository.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace {
constexpr int kCatchUpChunk = 1000;
constexpr qsizetype kMaxDescription = 500;
constexpr qsizetype kMaxEvents = 20;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

ApiError notFound(const QString &id)
{
    return ApiError::notFound(QStringLiteral("no webhook %1").arg(id.left(64)));
}

ApiError unavailable(const QString &what)
{
    return ApiError::make(ErrorCode::Unavailable, QStringLiteral("%1 could not be stored").arg(what),
        {{QStringLiteral("retryAfter"), 1}});
}

// The body receivers get: the stored event with an id they can dedupe by.
QByteArray eventBody(const StoredEvent &e)
{
    const QJsonObject doc = QJsonDocument::fromJson(e.doc).object();
    const QJsonObject o {{QStringLiteral("id"), QStringLiteral("evt_%1").arg(e.seq)}, {QStringLiteral("seq"), e.seq},
        {QStringLiteral("type"), e.type}, {QStringLiteral("createdAt"), isoTime(e.at)},
        {QStringLiteral("workspaceId"), e.workspaceId}, {QStringLiteral("data"), doc.value(QStringLiteral("data"))}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
}

WebhookService::WebhookService(Store &store, EventBus &events, WebhookConfig config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_events(events)
    , m_config(std::move(config))
{
}

bool WebhookService::start(const QString &dataDir, QString *error)
{
    if (!m_policy.setAllowList(m_config.allow, error))
        return false;
    if (!m_secrets.open(dataDir + QStringLiteral("/webhooks.key"), error))
        return false;
    for (const WebhookRepository::Row &row : WebhookRepository::all(m_store.reader())) {
        auto hook = std::make_shared<Webhook>(row.hook);
        const auto secret = m_secrets.unseal(row.sealedSecret);
        if (secret) {
            hook->secret = *secret;
        } else if (hook->enabled) {
            // a database restored without its webhooks.key: the hook waits for a new secret, the server starts
            hook->enabled = false;
            hook->disabledReason = QStringLiteral(
                "its signing secret cannot be read with this data directory's webhooks.key: rotate the secret, then "
                "enable it");
            qWarning().noquote() << "webhooks:" << hook->id << hook->disabledReason;
        }
        if (!row.sealedOldSecret.isEmpty())
            hook->oldSecret = m_secrets.unseal(row.sealedOldSecret).value_or(QByteArray());
        m_hooks.insert(hook->id, hook);
        m_byWorkspace[hook->workspaceId].append(hook->id);
    }
    m_dispatcher = new WebhookDispatcher(m_store, m_events, m_config, m_policy, m_hooks, this);
    catchUp();
    connect(&m_events, &EventBus::published, this, &WebhookService::onPublished);
    m_cursorTimer = new QTimer(this);
    m_cursorTimer->setInterval(5000);
    connect(m_cursorTimer, &QTimer::timeout, this, &WebhookService::flushCursors);
    m_cursorTimer->start();
    m_pruneTimer = new QTimer(this);
    m_pruneTimer->setInterval(3600 * 1000);
    connect(m_pruneTimer, &QTimer::timeout, this, &WebhookService::prune);
    m_pruneTimer->start();
    QTimer::singleShot(10000, this, &WebhookService::prune);
    for (const auto &hook : std::as_const(m_hooks))
        m_dispatcher->wake(hook->id);
    return true;
}

// Events stored since the hooks' cursors (a kill -9 between an event's commit and its deliveries' commit
// leaves them there) are matched again; the cursors say which hooks already have them.
void WebhookService::catchUp()
{
    if (m_hooks.isEmpty()) {
        m_seen = m_events.lastSeq();
        return;
    }
    qint64 from = std::numeric_limits<qint64>::max();
    for (const auto &hook : std::as_const(m_hooks))
        from = std::min(from, hook->cursor);
    qint64 seen = from;
    for (;;) {
        const QList<StoredEvent> chunk = EventRepository::after(m_store.reader(), seen, kCatchUpChunk);
        for (const StoredEvent &e : chunk) {
            match(e);
            seen = e.seq;
        }
        flushOutbox();
        if (chunk.size() < kCatchUpChunk)
            break;
    }
    m_seen = std::max(seen, m_events.lastSeq());
}

void WebhookService::onPublished(const StoredEvent &e)
{
    m_seen = std::max(m_seen, e.seq);
    if (m_hooks.isEmpty())
        return;
    match(e);
    if (!m_outbox.isEmpty() && !m_flushQueued) {
        m_flushQueued = true; // one writer op per event-loop turn, however many events it published
        QTimer::singleShot(0, this, [this] {
            m_flushQueued = false;
            flushOutbox();
        });
    }
}

void WebhookService::match(const StoredEvent &e)
{
    const auto ids = m_byWorkspace.constFind(e.workspaceId);
    if (ids == m_byWorkspace.constEnd())
        return;
    QByteArray body;
    for (const QString &id : *ids) {
        const std::shared_ptr<Webhook> hook = m_hooks.value(id);
        if (!hook || e.seq <= hook->cursor)
            continue;
        hook->cursor = e.seq;
        if (!hook->enabled || !hook->wants(e.type)) {
            m_cursorDirty.insert(id);
            continue;
        }
        if (body.isEmpty())
            body = eventBody(e);
        WebhookDelivery d;
        d.id = Ulid::withPrefix(QStringLiteral("whd"));
        d.webhookId = id;
        d.eventSeq = e.seq;
        d.eventId = QStringLiteral("evt_%1").arg(e.seq);
        d.eventType = e.type;
        d.body = body;
        d.createdAt = d.nextAttemptAt = nowMs();
        m_outbox.append(d);
    }
}

// The deliveries matched so far and the cursors they moved, in one transaction.
void WebhookService::flushOutbox()
{
    if (m_outbox.isEmpty() && m_cursorDirty.isEmpty())
        return;
    QList<WebhookDelivery> batch;
    for (WebhookDelivery &d : m_outbox)
        if (m_hooks.contains(d.webhookId)) // not of a hook deleted meanwhile
            batch.append(std::move(d));
    m_outbox.clear();
    QSet<QString> hookIds = m_cursorDirty;
    m_cursorDirty.clear();
    for (const WebhookDelivery &d : batch)
        hookIds.insert(d.webhookId);
    QList<QPair<QString, qint64>> cursors;
    for (const QString &id : std::as_const(hookIds))
        if (const auto hook = m_hooks.value(id))
            cursors.append({id, hook->cursor});
    const bool wake = !batch.isEmpty();
    m_store.writer().enqueue(
        [batch, cursors](SqlSession &s) {
            for (const WebhookDelivery &d : batch)
                if (!WebhookRepository::insertDelivery(s, d))
                    return false;
            for (const auto &c : cursors)
                if (!WebhookRepository::updateCursor(s, c.first, c.second))
                    return false;
            return true;
        },
        [this, hookIds, wake](bool ok) {
            if (!ok) {
                qWarning().noquote()
                    << "webhooks: could not store deliveries; they are matched again at the next start";
                return;
            }
            if (wake)
                for (const QString &id : hookIds)
                    m_dispatcher->wake(id);
        });
}

// Hooks skip events of other workspaces without a write; their cursors catch up here, so a restart
// does not rescan every event since a quiet hook's last delivery.
void WebhookService::flushCursors()
{
    for (const auto &hook : std::as_const(m_hooks)) {
        if (hook->cursor < m_seen) {
            hook->cursor = m_seen;
            m_cursorDirty.insert(hook->id);
        }
    }
    flushOutbox();
}

void WebhookService::prune()
{
    const qint64 cutoff = nowMs() - qint64(m_config.deliveryRetentionDays) * 86400 * 1000;
    const QStringList ids = m_hooks.keys();
    const int keep = m_config.deliveryLogPerHook;
    m_store.writer().enqueue([cutoff, ids, keep](SqlSession &s) {
        if (WebhookRepository::pruneFinished(s, cutoff) < 0)
            return false;
        for (const QString &id : ids)
            if (WebhookRepository::pruneBeyond(s, id, keep) < 0)
                return false;
        return true;
    });
}

Result<std::shared_ptr<Webhook>> WebhookService::find(const Principal &p, const QString &id) const
{
    const std::shared_ptr<Webhook> hook = m_hooks.value(id);
    if (!hook || hook->workspaceId != p.workspaceId)
        return notFound(id);
    return hook;
}

Status WebhookService::readSettings(const QJsonObject &body, Webhook &w, bool partial) const
{
    QJsonObject fields;
    if (body.contains(QStringLiteral("url")) || !partial) {
        const QJsonValue v = body.value(QStringLiteral("url"));
        if (!v.isString()) {
            fields.insert(QStringLiteral("url"), QStringLiteral("required, a string"));
        } else if (const Status st = m_policy.checkUrl(v.toString().trimmed()); !st) {
            const QJsonObject f = st.error().detail.value(QStringLiteral("fields")).toObject();
            fields.insert(QStringLiteral("url"), f.value(QStringLiteral("url")));
        } else {
            w.url = v.toString().trimmed();
        }
    }
    if (body.contains(QStringLiteral("events")) || !partial) {
        const QJsonValue v = body.value(QStringLiteral("events"));
        QStringList events;
        QString why;
        if (!v.isArray() || v.toArray().isEmpty())
            why = QStringLiteral("required, a non-empty array of event types");
        else if (v.toArray().size() > kMaxEvents)
            why = QStringLiteral("at most %1 event types").arg(kMaxEvents);
        for (const QJsonValue &e : v.toArray()) {
            if (!why.isEmpty())
                break;
            if (!e.isString() || !WebhookEvents::isValidFilter(e.toString()))
                why = QStringLiteral("unknown event type '%1'; known: %2, or *, job.*, agent.*, webhook.*")
                          .arg(e.toString().left(64), WebhookEvents::known().join(QStringLiteral(", ")));
            else if (!events.contains(e.toString()))
                events << e.toString();
        }
        if (why.isEmpty())
            w.events = events;
        else
            fields.insert(QStringLiteral("events"), why);
    }
    if (body.contains(QStringLiteral("description"))) {
        const QJsonValue v = body.value(QStringLiteral("description"));
        if (!v.isString() || v.toString().size() > kMaxDescription)
            fields.insert(QStringLiteral("description"),
                QStringLiteral("a string of at most %1 characters").arg(kMaxDescription));
        else
            w.description = v.toString();
    }
    if (body.contains(QStringLiteral("enabled")) && !body.value(QStringLiteral("enabled")).isBool())
        fields.insert(QStringLiteral("enabled"), QStringLiteral("true or false"));
    if (!fields.isEmpty())
        return ApiError::validation(fields);
    return Ok {};
}

void WebhookService::create(const Principal &p, const QJsonObject &body, const Reply &done)
{
    auto hook = std::make_shared<Webhook>();
    if (const Status st = readSettings(body, *hook, false); !st)
        return done(st.error());
    if (m_byWorkspace.value(p.workspaceId).size() >= kMaxHooksPerWorkspace)
        return done(ApiError::conflict(
            QStringLiteral("a workspace has at most %1 webhooks; delete one first").arg(kMaxHooksPerWorkspace)));
    const qint64 now = nowMs();
    hook->id = Ulid::withPrefix(QStringLiteral("wh"));
    hook->workspaceId = p.workspaceId;
    hook->createdAt = hook->updatedAt = now;
    hook->secret = WebhookSecrets::generate();
    hook->cursor = std::max(m_seen, m_events.lastSeq()); // events from now on
    const QString sealed = m_secrets.seal(hook->secret);
    if (sealed.isEmpty())
        return done(ApiError::internal(QStringLiteral("the secret could not be sealed")));
    // In the map at once, so events announced before the commit are matched (their deliveries are
    // written after the hook's row: the writer keeps order).
    m_hooks.insert(hook->id, hook);
    m_byWorkspace[hook->workspaceId].append(hook->id);
    m_store.writer().enqueue(
        [snapshot = *hook, sealed](SqlSession &s) { return WebhookRepository::insert(s, snapshot, sealed); },
        [this, hook, done](bool ok) {
            if (!ok) {
                m_hooks.remove(hook->id);
                m_byWorkspace[hook->workspaceId].removeAll(hook->id);
                return done(unavailable(QStringLiteral("the webhook")));
            }
            QJsonObject o = hook->toJson(nowMs());
            o.insert(QStringLiteral("secret"), QString::fromLatin1(hook->secret));
            o.insert(QStringLiteral("message"), QStringLiteral("store this signing secret now: it is shown only once"));
            done(o);
        });
}

Result<QJsonObject> WebhookService::list(const Principal &p) const
{
    QJsonArray out;
    const qint64 now = nowMs();
    for (const QString &id : m_byWorkspace.value(p.workspaceId))
        if (const auto hook = m_hooks.value(id))
            out.append(hook->toJson(now));
    return QJsonObject {{QStringLiteral("webhooks"), out}};
}

Result<QJsonObject> WebhookService::get(const Principal &p, const QString &id) const
{
    const auto hook = find(p, id);
    if (!hook)
        return hook.error();
    QJsonObject o = hook.value()->toJson(nowMs());
    o.insert(QStringLiteral("inFlight"), m_dispatcher->inFlight(id));
    return o;
}

void WebhookService::update(const Principal &p, const QString &id, const QJsonObject &body, const Reply &done)
{
    const auto found = find(p, id);
    if (!found)
        return done(found.error());
    const std::shared_ptr<Webhook> hook = found.value();
    Webhook next = *hook;
    if (const Status st = readSettings(body, next, true); !st)
        return done(st.error());
    const qint64 now = nowMs();
    next.updatedAt = now;
    if (body.contains(QStringLiteral("enabled"))) {
        const bool enable = body.value(QStringLiteral("enabled")).toBool();
        if (enable && !next.enabled && hook->secret.isEmpty())
            return done(
                ApiError::conflict(QStringLiteral("the webhook has no readable signing secret: rotate it first")));
        if (enable && !next.enabled) {
            next.enabled = true;
            next.disabledReason.clear();
            next.disabledAt = 0;
            next.failingSince = 0;
        } else if (!enable && next.enabled) {
            next.enabled = false;
            next.disabledReason = QStringLiteral("disabled by %1").arg(p.actor());
            next.disabledAt = now;
        }
    }
    m_store.writer().enqueue(
        [next](SqlSession &s) {
            return WebhookRepository::updateSettings(s, next) && WebhookRepository::updateStatus(s, next);
        },
        [this, hook, next, done](bool ok) {
            if (!ok)
                return done(unavailable(QStringLiteral("the webhook")));
            // only what this call changes: deliveries, a rotation or the matcher may have moved the rest
            hook->url = next.url;
            hook->events = next.events;
            hook->description = next.description;
            hook->enabled = next.enabled;
            hook->disabledReason = next.disabledReason;
            hook->disabledAt = next.disabledAt;
            hook->failingSince = next.failingSince;
            hook->updatedAt = next.updatedAt;
            if (hook->enabled)
                m_dispatcher->wake(hook->id);
            done(hook->toJson(nowMs()));
        });
}

void WebhookService::remove(const Principal &p, const QString &id, const Reply &done)
{
    const auto found = find(p, id);
    if (!found)
        return done(found.error());
    const std::shared_ptr<Webhook> hook = found.value();
    m_hooks.remove(id);
    m_byWorkspace[hook->workspaceId].removeAll(id);
    m_dispatcher->forget(id);
    m_store.writer().enqueue([id](SqlSession &s) { return WebhookRepository::remove(s, id); },
        [id, done](bool ok) {
            if (!ok)
                return done(unavailable(QStringLiteral("the removal")));
            done(QJsonObject {{QStringLiteral("id"), id}, {QStringLiteral("deleted"), true}});
        });
}

void WebhookService::rotateSecret(const Principal &p, const QString &id, const Reply &done)
{
    const auto found = find(p, id);
    if (!found)
        return done(found.error());
    const std::shared_ptr<Webhook> hook = found.value();
    const qint64 now = nowMs();
    const QByteArray secret = WebhookSecrets::generate();
    const QByteArray old = hook->secret;
    const qint64 until = now + m_config.previousSecretMs;
    const QString sealed = m_secrets.seal(secret);
    const QString sealedOld = m_secrets.seal(old);
    m_store.writer().enqueue(
        [id, sealed, sealedOld, until, now](
            SqlSession &s) { return WebhookRepository::updateSecrets(s, id, sealed, sealedOld, until, now); },
        [this, hook, secret, old, until, now, done](bool ok) {
            if (!ok)
                return done(unavailable(QStringLiteral("the new secret")));
            hook->secret = secret;
            hook->oldSecret = old;
            hook->oldSecretUntil = until;
            hook->updatedAt = now;
            QJsonObject o = hook->toJson(nowMs());
            o.insert(QStringLiteral("secret"), QString::fromLatin1(secret));
            o.insert(QStringLiteral("message"),
                QStringLiteral("store this signing secret now: it is shown only once; the previous one also signs "
                               "deliveries until previousSecretExpiresAt"));
            done(o);
        });
}

void WebhookService::enqueueDelivery(const std::shared_ptr<Webhook> &hook, WebhookDelivery d, const Reply &done)
{
    m_store.writer().enqueue([d](SqlSession &s) { return WebhookRepository::insertDelivery(s, d); },
        [this, hook, d, done](bool ok) {
            if (!ok)
                return done(unavailable(QStringLiteral("the delivery")));
            m_dispatcher->wake(hook->id);
            done(d.toJson());
        });
}

void WebhookService::sendTest(const Principal &p, const QString &id, const Reply &done)
{
    const auto found = find(p, id);
    if (!found)
        return done(found.error());
    const std::shared_ptr<Webhook> hook = found.value();
    if (!hook->enabled)
        return done(ApiError::conflict(QStringLiteral("the webhook is disabled; enable it first"),
            {{QStringLiteral("status"), QStringLiteral("disabled")}}));
    const qint64 now = nowMs();
    WebhookDelivery d;
    d.id = Ulid::withPrefix(QStringLiteral("whd"));
    d.webhookId = id;
    d.eventId = Ulid::withPrefix(QStringLiteral("evt_ping"));
    d.eventType = QStringLiteral("ping");
    d.body = QJsonDocument(
        QJsonObject {{QStringLiteral("id"), d.eventId}, {QStringLiteral("type"), d.eventType},
            {QStringLiteral("createdAt"), isoTime(now)}, {QStringLiteral("workspaceId"), hook->workspaceId},
            {QStringLiteral("data"),
                QJsonObject {{QStringLiteral("webhookId"), id}, {QStringLiteral("url"), hook->url}}}})
                 .toJson(QJsonDocument::Compact);
    d.createdAt = d.nextAttemptAt = now;
    enqueueDelivery(hook, d, done);
}

Result<QJsonObject> WebhookService::deliveries(const Principal &p, const QString &id, const QString &before, int limit)
{
    const auto found = find(p, id);
    if (!found)
        return found.error();
    const QList<WebhookDelivery> rows = WebhookRepository::log(m_store.reader(), id, before.left(64), limit);
    QJsonArray out;
    for (const WebhookDelivery &d : rows)
        out.append(d.toJson());
    const QJsonValue next = rows.size() == limit ? QJsonValue(rows.last().id) : QJsonValue(QJsonValue::Null);
    return QJsonObject {{QStringLiteral("deliveries"), out}, {QStringLiteral("nextCursor"), next}};
}

void WebhookService::resend(const Principal &p, const QString &id, const QString &deliveryId, const Reply &done)
{
    const auto found = find(p, id);
    if (!found)
        return done(found.error());
    const auto original = WebhookRepository::delivery(m_store.reader(), id, deliveryId.left(64));
    if (!original)
        return done(ApiError::notFound(QStringLiteral("no delivery %1 of webhook %2").arg(deliveryId.left(64), id)));
    WebhookDelivery d = *original;
    d.id = Ulid::withPrefix(QStringLiteral("whd"));
    d.state = QStringLiteral("pending");
    d.attempt = 0;
    d.httpStatus = 0;
    d.error.clear();
    d.responseMs = -1;
    d.lastAttemptAt = 0;
    d.createdAt = d.nextAttemptAt = nowMs();
    enqueueDelivery(found.value(), d, done);
}

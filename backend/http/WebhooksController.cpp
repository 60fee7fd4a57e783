// Every route needs ManageIntegrations (admin, owner); a hook of another workspace is 404. Mutations are
// audited by action name only: no request body (and so no secret) reaches the audit log.
#include "WebhooksController.h"
#include "WebhookService.h"

namespace {
RouteOptions managing(const char *action = nullptr)
{
    RouteOptions o {Surface::V0, true, Permission::ManageIntegrations};
    o.action = action;
    return o;
}

WebhookService::Reply answer(const ExchangePtr &ex, int status)
{
    return [ex, status](const Result<QJsonObject> &r) {
        if (r)
            ex->replyJson(status, r.value());
        else
            ex->replyError(r.error());
    };
}

bool unavailable(const ExchangePtr &ex, WebhookService *svc)
{
    if (svc)
        return false;
    ex->replyError(ApiError::make(ErrorCode::Unavailable, QStringLiteral("webhooks are not available")));
    return true;
}
}

WebhooksController::WebhooksController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    const QString base = QStringLiteral("/v0/webhooks");
    r.add("POST", base, managing("webhook.create"), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (unavailable(ex, m_s.webhooks) || !ex->jsonBody(body))
            return;
        m_s.webhooks->create(ex->principal(), body, [ex](const Result<QJsonObject> &res) {
            if (res)
                ex->setAuditSubject(res.value().value(QStringLiteral("id")).toString());
            answer(ex, 201)(res);
        });
    });
    r.add("GET", base, managing(), [this](const ExchangePtr &ex) {
        if (!unavailable(ex, m_s.webhooks))
            answer(ex, 200)(m_s.webhooks->list(ex->principal()));
    });
    r.add("GET", base + QStringLiteral("/{id}"), managing(), [this](const ExchangePtr &ex) {
        if (!unavailable(ex, m_s.webhooks))
            answer(ex, 200)(m_s.webhooks->get(ex->principal(), ex->param(QStringLiteral("id"))));
    });
    r.add("PATCH", base + QStringLiteral("/{id}"), managing("webhook.update"), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (!unavailable(ex, m_s.webhooks) && ex->jsonBody(body))
            m_s.webhooks->update(ex->principal(), ex->param(QStringLiteral("id")), body, answer(ex, 200));
    });
    r.add("DELETE", base + QStringLiteral("/{id}"), managing("webhook.delete"), [this](const ExchangePtr &ex) {
        if (!unavailable(ex, m_s.webhooks))
            m_s.webhooks->remove(ex->principal(), ex->param(QStringLiteral("id")), answer(ex, 200));
    });
    r.add("POST", base + QStringLiteral("/{id}:rotate-secret"), managing("webhook.rotate_secret"),
        [this](const ExchangePtr &ex) {
            if (!unavailable(ex, m_s.webhooks))
                m_s.webhooks->rotateSecret(ex->principal(), ex->param(QStringLiteral("id")), answer(ex, 200));
        });
    r.add("POST", base + QStringLiteral("/{id}:enable"), managing("webhook.enable"), [this](const ExchangePtr &ex) {
        if (!unavailable(ex, m_s.webhooks))
            m_s.webhooks->update(ex->principal(), ex->param(QStringLiteral("id")),
                QJsonObject {{QStringLiteral("enabled"), true}}, answer(ex, 200));
    });
    r.add("POST", base + QStringLiteral("/{id}:test"), managing("webhook.test"), [this](const ExchangePtr &ex) {
        if (!unavailable(ex, m_s.webhooks))
            m_s.webhooks->sendTest(ex->principal(), ex->param(QStringLiteral("id")), answer(ex, 202));
    });
    r.add("GET", base + QStringLiteral("/{id}/deliveries"), managing(), [this](const ExchangePtr &ex) {
        if (unavailable(ex, m_s.webhooks))
            return;
        int limit = 50;
        if (const QString l = ex->queryValue(QStringLiteral("limit")); !l.isEmpty()) {
            bool ok = false;
            limit = l.toInt(&ok);
            if (!ok || limit < 1 || limit > 200)
                return ex->replyError(ApiError::invalid(QStringLiteral("'limit' must be an integer from 1 to 200")));
        }
        answer(ex, 200)(m_s.webhooks->deliveries(
            ex->principal(), ex->param(QStringLiteral("id")), ex->queryValue(QStringLiteral("cursor")), limit));
    });
    r.add("POST", base + QStringLiteral("/{id}/deliveries/{deliveryId}:resend"), managing("webhook.resend"),
        [this](const ExchangePtr &ex) {
            if (!unavailable(ex, m_s.webhooks))
                m_s.webhooks->resend(ex->principal(), ex->param(QStringLiteral("id")),
                    ex->param(QStringLiteral("deliveryId")), answer(ex, 202));
        });
}

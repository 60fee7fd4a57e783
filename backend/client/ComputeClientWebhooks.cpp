// The webhooks calls of ComputeClient (part 3): /v0/webhooks and its custom methods.
#include "ComputeClient.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace {
QString hookPath(const QString &id, const QString &tail = {})
{
    return QStringLiteral("/v0/webhooks/") + QString::fromLatin1(QUrl::toPercentEncoding(id)) + tail;
}

ApiRequest request(const QByteArray &method, const QString &path, const QJsonObject &body = {})
{
    ApiRequest r;
    r.method = method;
    r.path = path;
    if (!body.isEmpty())
        r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

template <typename T, typename Parse>
std::function<void(ClientResult<QJsonObject>)> parsedAs(ClientCallback<T> done, Parse parse)
{
    return [done = std::move(done), parse](ClientResult<QJsonObject> r) {
        if (!r)
            return done(r.error());
        done(parse(r.value()));
    };
}
}

void ComputeClient::createWebhook(const QJsonObject &body, ClientCallback<WebhookView> done)
{
    call(request("POST", QStringLiteral("/v0/webhooks"), body),
        parsedAs<WebhookView>(std::move(done), &WebhookView::fromJson));
}

void ComputeClient::webhooks(ClientCallback<WebhookList> done)
{
    call(request("GET", QStringLiteral("/v0/webhooks")),
        parsedAs<WebhookList>(std::move(done), [](const QJsonObject &o) {
            WebhookList l;
            for (const QJsonValue &v : o.value(QStringLiteral("webhooks")).toArray())
                l.webhooks.append(WebhookView::fromJson(v.toObject()));
            l.json = o;
            return l;
        }));
}

void ComputeClient::webhook(const QString &id, ClientCallback<WebhookView> done)
{
    call(request("GET", hookPath(id)), parsedAs<WebhookView>(std::move(done), &WebhookView::fromJson));
}

void ComputeClient::updateWebhook(const QString &id, const QJsonObject &body, ClientCallback<WebhookView> done)
{
    call(request("PATCH", hookPath(id), body), parsedAs<WebhookView>(std::move(done), &WebhookView::fromJson));
}

void ComputeClient::deleteWebhook(const QString &id, ClientCallback<bool> done)
{
    call(request("DELETE", hookPath(id)), parsedAs<bool>(std::move(done), [](const QJsonObject &) { return true; }));
}

void ComputeClient::rotateWebhookSecret(const QString &id, ClientCallback<WebhookView> done)
{
    call(request("POST", hookPath(id, QStringLiteral(":rotate-secret"))),
        parsedAs<WebhookView>(std::move(done), &WebhookView::fromJson));
}

void ComputeClient::testWebhook(const QString &id, ClientCallback<WebhookDeliveryView> done)
{
    call(request("POST", hookPath(id, QStringLiteral(":test"))),
        parsedAs<WebhookDeliveryView>(std::move(done), &WebhookDeliveryView::fromJson));
}

void ComputeClient::webhookDeliveries(
    const QString &id, int limit, const QString &cursor, ClientCallback<WebhookDeliveryPage> done)
{
    ApiRequest r = request("GET", hookPath(id, QStringLiteral("/deliveries")));
    if (limit > 0)
        r.query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!cursor.isEmpty())
        r.query.addQueryItem(QStringLiteral("cursor"), cursor);
    call(r, parsedAs<WebhookDeliveryPage>(std::move(done), [](const QJsonObject &o) {
        WebhookDeliveryPage p;
        for (const QJsonValue &v : o.value(QStringLiteral("deliveries")).toArray())
            p.deliveries.append(WebhookDeliveryView::fromJson(v.toObject()));
        p.nextCursor = o.value(QStringLiteral("nextCursor")).toString();
        p.json = o;
        return p;
    }));
}

void ComputeClient::resendWebhookDelivery(
    const QString &id, const QString &deliveryId, ClientCallback<WebhookDeliveryView> done)
{
    call(request("POST",
             hookPath(id,
                 QStringLiteral("/deliveries/") + QString::fromLatin1(QUrl::toPercentEncoding(deliveryId))
                     + QStringLiteral(":resend"))),
        parsedAs<WebhookDeliveryView>(std::move(done), &WebhookDeliveryView::fromJson));
}

// Every route needs ManageIntegrations (admin, owner); a vault of another workspace is 404. No answer,
// audit entry or error built here carries a secret's value: the PUT body is read for it and dropped.
#include "SecretsController.h"
#include "SecretService.h"

#include <optional>

namespace {
RouteOptions opts(const char *action)
{
    RouteOptions o;
    o.need = Permission::ManageIntegrations;
    o.action = action;
    return o;
}

std::function<void(Result<QJsonObject>)> answer(const ExchangePtr &ex, int status = 200)
{
    return [ex, status](Result<QJsonObject> r) {
        if (!r)
            return ex->replyError(r.error());
        ex->replyJson(status, r.value());
    };
}

// The version the caller saw: body "ifVersion", query ?ifVersion=, or If-Match: "N". False once a 400 went out.
bool expectedVersion(const ExchangePtr &ex, const QJsonObject &body, std::optional<qint64> &out)
{
    auto bad = [&ex]() {
        ex->replyError(ApiError::invalid(QStringLiteral("ifVersion / If-Match must be a whole number from 0")));
        return false;
    };
    const QJsonValue v = body.value(QStringLiteral("ifVersion"));
    if (!v.isUndefined() && !v.isNull()) {
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d > 9e15 || d != double(qint64(d)))
            return bad();
        out = qint64(d);
        return true;
    }
    QString text = ex->queryValue(QStringLiteral("ifVersion"));
    if (text.isEmpty()) {
        text = QString::fromLatin1(ex->header("if-match")).trimmed();
        if (text.startsWith(QLatin1String("W/")))
            text = text.mid(2);
        if (text.size() >= 2 && text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"')))
            text = text.mid(1, text.size() - 2);
    }
    if (text.isEmpty())
        return true;
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    if (!ok || n < 0)
        return bad();
    out = n;
    return true;
}

bool optionalBody(const ExchangePtr &ex, QJsonObject &body)
{
    return ex->body().trimmed().isEmpty() || ex->jsonBody(body);
}
}

SecretsController::SecretsController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    const QString vaults = QStringLiteral("/v0/secret-vaults");
    const QString vault = QStringLiteral("/v0/secret-vaults/{id}");
    const QString secret = QStringLiteral("/v0/secret-vaults/{id}/secrets/{name}");
    r.add("POST", vaults, opts("secret_vault.create"), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (!ex->jsonBody(body))
            return;
        m_s.secrets->createVault(ex->principal(), body, [ex](Result<QJsonObject> r) {
            if (r)
                ex->setAuditSubject(r.value().value(QStringLiteral("id")).toString());
            answer(ex, 201)(std::move(r));
        });
    });
    r.add("GET", vaults, opts(nullptr),
        [this](const ExchangePtr &ex) { answer(ex)(m_s.secrets->listVaults(ex->principal())); });
    r.add("GET", vault, opts(nullptr), [this](const ExchangePtr &ex) {
        answer(ex)(m_s.secrets->getVault(ex->principal(), ex->param(QStringLiteral("id"))));
    });
    r.add("PATCH", vault, opts("secret_vault.update"), [this](const ExchangePtr &ex) {
        QJsonObject body;
        std::optional<qint64> ifVersion;
        if (!ex->jsonBody(body) || !expectedVersion(ex, body, ifVersion))
            return;
        m_s.secrets->updateVault(ex->principal(), ex->param(QStringLiteral("id")), body, ifVersion, answer(ex));
    });
    r.add("DELETE", vault, opts("secret_vault.delete"), [this](const ExchangePtr &ex) {
        QJsonObject body;
        std::optional<qint64> ifVersion;
        if (!optionalBody(ex, body) || !expectedVersion(ex, body, ifVersion))
            return;
        m_s.secrets->deleteVault(ex->principal(), ex->param(QStringLiteral("id")), ifVersion, answer(ex));
    });
    r.add("GET", vault + QStringLiteral("/secrets"), opts(nullptr), [this](const ExchangePtr &ex) {
        answer(ex)(m_s.secrets->listSecrets(ex->principal(), ex->param(QStringLiteral("id"))));
    });
    r.add("PUT", secret, opts("secret.put"), [this](const ExchangePtr &ex) {
        QJsonObject body;
        std::optional<qint64> ifVersion;
        if (!ex->jsonBody(body) || !expectedVersion(ex, body, ifVersion))
            return;
        QJsonObject fields;
        for (auto it = body.begin(); it != body.end(); ++it)
            if (it.key() != QLatin1String("value") && it.key() != QLatin1String("ifVersion"))
                fields.insert(it.key().left(64), QStringLiteral("unknown field"));
        if (!body.value(QStringLiteral("value")).isString())
            fields.insert(QStringLiteral("value"), QStringLiteral("required: the secret's value, a string"));
        if (!fields.isEmpty())
            return ex->replyError(ApiError::validation(fields));
        const QString name = ex->param(QStringLiteral("name"));
        ex->setAuditSubject(ex->param(QStringLiteral("id")) + QLatin1Char('/') + name.left(128));
        m_s.secrets->putSecret(ex->principal(), ex->param(QStringLiteral("id")), name,
            body.value(QStringLiteral("value")).toString(), ifVersion, [ex, name](Result<QJsonObject> r) {
                if (r)
                    ex->setAuditSubject(
                        r.value().value(QStringLiteral("vaultId")).toString() + QLatin1Char('/') + name);
                const int status = r && r.value().value(QStringLiteral("created")).toBool() ? 201 : 200;
                answer(ex, status)(std::move(r));
            });
    });
    r.add("DELETE", secret, opts("secret.delete"), [this](const ExchangePtr &ex) {
        QJsonObject body;
        std::optional<qint64> ifVersion;
        if (!optionalBody(ex, body) || !expectedVersion(ex, body, ifVersion))
            return;
        const QString name = ex->param(QStringLiteral("name"));
        ex->setAuditSubject(ex->param(QStringLiteral("id")) + QLatin1Char('/') + name.left(128));
        m_s.secrets->deleteSecret(ex->principal(), ex->param(QStringLiteral("id")), name, ifVersion, answer(ex));
    });
}

// Part 2 (secret vaults): the client's calls for /v0/secret-vaults. A value goes out in one PUT body and
// is wiped from the buffer this file made for it; it is never read back.
#include "ComputeClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace {
QString part(const QString &s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

template <typename T, typename Parse>
std::function<void(ClientResult<QJsonObject>)> as(ClientCallback<T> done, Parse parse)
{
    return [done = std::move(done), parse](ClientResult<QJsonObject> r) {
        if (!r)
            return done(r.error());
        done(parse(r.value()));
    };
}
}

void ComputeClient::secretVaults(ClientCallback<SecretVaultList> done)
{
    ApiRequest r;
    r.path = QStringLiteral("/v0/secret-vaults");
    call(r, as<SecretVaultList>(std::move(done), [](const QJsonObject &o) {
        SecretVaultList l;
        for (const auto &v : o.value(QStringLiteral("vaults")).toArray())
            l.vaults.append(SecretVaultView::fromJson(v.toObject()));
        l.json = o;
        return l;
    }));
}

void ComputeClient::createSecretVault(
    const QString &name, const QString &description, ClientCallback<SecretVaultView> done)
{
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/v0/secret-vaults");
    QJsonObject body {{QStringLiteral("name"), name}};
    if (!description.isEmpty())
        body.insert(QStringLiteral("description"), description);
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    call(r, as<SecretVaultView>(std::move(done), &SecretVaultView::fromJson));
}

void ComputeClient::deleteSecretVault(const QString &vault, ClientCallback<bool> done)
{
    ApiRequest r;
    r.method = "DELETE";
    r.path = QStringLiteral("/v0/secret-vaults/") + part(vault);
    call(r, as<bool>(std::move(done), [](const QJsonObject &) { return true; }));
}

void ComputeClient::secrets(const QString &vault, ClientCallback<SecretList> done)
{
    ApiRequest r;
    r.path = QStringLiteral("/v0/secret-vaults/") + part(vault) + QStringLiteral("/secrets");
    call(r, as<SecretList>(std::move(done), [](const QJsonObject &o) {
        SecretList l;
        l.vaultId = o.value(QStringLiteral("vaultId")).toString();
        for (const auto &v : o.value(QStringLiteral("secrets")).toArray())
            l.secrets.append(SecretView::fromJson(v.toObject()));
        l.json = o;
        return l;
    }));
}

void ComputeClient::putSecret(
    const QString &vault, const QString &name, const QString &value, ClientCallback<SecretView> done)
{
    ApiRequest r;
    r.method = "PUT";
    r.path = QStringLiteral("/v0/secret-vaults/") + part(vault) + QStringLiteral("/secrets/") + part(name);
    r.retrySafe = true; // setting the same value again is harmless
    r.body = QJsonDocument(QJsonObject {{QStringLiteral("value"), value}}).toJson(QJsonDocument::Compact);
    call(std::move(r), as<SecretView>(std::move(done), &SecretView::fromJson));
}

void ComputeClient::deleteSecret(const QString &vault, const QString &name, ClientCallback<bool> done)
{
    ApiRequest r;
    r.method = "DELETE";
    r.path = QStringLiteral("/v0/secret-vaults/") + part(vault) + QStringLiteral("/secrets/") + part(name);
    call(r, as<bool>(std::move(done), [](const QJsonObject &) { return true; }));
}

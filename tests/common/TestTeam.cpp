// Built only on the public API, the way a team would set itself up.
#include "TestTeam.h"

#include <QDebug>
#include <QJsonDocument>
#include <QUuid>

TestServer::Headers TestPerson::bearer(const QString &workspace) const
{
    TestServer::Headers h {{"Authorization", "Bearer " + accessToken.toLatin1()}};
    if (!workspace.isEmpty())
        h.append({"X-Workspace-Id", workspace.toLatin1()});
    return h;
}

TestServer::Headers TestPerson::key() const
{
    return TestTeam::keyHeader(apiKey);
}

TestServer::Headers TestTeam::keyHeader(const QString &key)
{
    return {{"X-API-Key", key.toLatin1()}};
}

QString TestTeam::defaultWorkspace()
{
    const auto r = m_server.get(QStringLiteral("/v0/workspaces"));
    return r.json.value(QStringLiteral("workspaces")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
}

TestServer::Reply TestTeam::asRaw(
    const TestServer::Headers &who, const QByteArray &method, const QString &path, const QByteArray &body)
{
    return m_server.request(method, path, body, who, false);
}

TestServer::Reply TestTeam::as(
    const TestServer::Headers &who, const QByteArray &method, const QString &path, const QJsonObject &body)
{
    return asRaw(who, method, path,
        body.isEmpty() && method == "GET" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
}

std::optional<TestPerson> TestTeam::addPerson(
    const QString &workspaceId, const QString &role, const TestServer::Headers &inviter, QString email)
{
    TestPerson p;
    p.email = email.isEmpty()
        ? QStringLiteral("%1-%2@example.test").arg(role).arg(QUuid::createUuid().toString(QUuid::Id128).left(10))
        : email;
    p.password = QStringLiteral("correct horse %1").arg(++m_counter);
    p.workspaceId = workspaceId;
    p.role = role;
    const TestServer::Headers by = inviter.isEmpty() ? keyHeader(m_server.adminKey()) : inviter;
    auto invited = as(by, "POST", QStringLiteral("/v0/workspaces/%1/members").arg(workspaceId),
        {{QStringLiteral("email"), p.email}, {QStringLiteral("role"), role}});
    if (invited.status != 201) {
        qWarning() << "invite failed:" << invited.describe();
        return std::nullopt;
    }
    auto reg = as({}, "POST", QStringLiteral("/v0/auth/register"),
        {{QStringLiteral("email"), p.email}, {QStringLiteral("password"), p.password}, {QStringLiteral("name"), role}});
    if (reg.status != 201) {
        qWarning() << "register failed:" << reg.describe();
        return std::nullopt;
    }
    p.userId = reg.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
    p.accessToken = reg.json.value(QStringLiteral("accessToken")).toString();
    p.refreshToken = reg.json.value(QStringLiteral("refreshToken")).toString();
    auto key = as(p.bearer(workspaceId), "POST", QStringLiteral("/v0/keys"),
        {{QStringLiteral("name"), role + QStringLiteral(" key")}, {QStringLiteral("role"), role}});
    if (key.status != 201) {
        qWarning() << "key failed:" << key.describe();
        return std::nullopt;
    }
    p.apiKey = key.json.value(QStringLiteral("key")).toString();
    p.keyId = key.json.value(QStringLiteral("id")).toString();
    return p;
}

QString TestTeam::createWorkspace(const TestPerson &owner, const QString &name)
{
    const auto r = as(owner.bearer(), "POST", QStringLiteral("/v0/workspaces"), {{QStringLiteral("name"), name}});
    if (r.status != 201)
        qWarning() << "create workspace failed:" << r.describe();
    return r.json.value(QStringLiteral("id")).toString();
}

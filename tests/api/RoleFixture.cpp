// Shared setup and state probes of the identity suites, built only on the public API.
#include "RoleFixture.h"

#include "ApiChecks.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUuid>
#include <QtTest>

void RoleFixture::setUpTeam()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY(m_server->start());
    m_team = std::make_unique<TestTeam>(*m_server);
    m_a = m_team->defaultWorkspace();
    QVERIFY(!m_a.isEmpty());
    m_owner = m_team->addPerson(m_a, "owner");
    m_admin = m_team->addPerson(m_a, "admin");
    m_member = m_team->addPerson(m_a, "member");
    m_victim = m_team->addPerson(m_a, "member");
    QVERIFY(m_owner && m_admin && m_member && m_victim);
    // workspace B: the owner of A is its only owner; the outsider is a member of B only
    m_b = m_team->as(m_owner->bearer(), "POST", "/v0/workspaces", {{"name", "workspace B"}, {"defaultRegion", "eu"}})
              .json.value("id")
              .toString();
    QVERIFY(!m_b.isEmpty());
    m_outsider = m_team->addPerson(m_b, "member", m_owner->bearer(m_b));
    QVERIFY(m_outsider);
    // a revoked key of a member of A
    const auto minted = m_team->as(m_member->key(), "POST", "/v0/keys", {{"name", "to revoke"}});
    QCOMPARE(minted.status, 201);
    m_revokedKey = minted.json.value("key").toString();
    QCOMPARE(m_team->as(m_member->key(), "DELETE", "/v0/keys/" + minted.json.value("id").toString()).status, 200);
    m_probeJob = submit();
    QVERIFY(!m_probeJob.isEmpty());
}

void RoleFixture::tearDownTeam()
{
    m_team.reset();
    m_server.reset();
}

QString RoleFixture::submit(const TestServer::Headers &who)
{
    if (who.isEmpty())
        return m_server->submitJob({{"command", "true"}});
    const auto r = m_team->as(who, "POST", "/v0/jobs", {{"command", "true"}});
    if (r.status != 201)
        qWarning() << "submit failed:" << r.describe();
    return r.json.value("id").toString();
}

QString RoleFixture::jobState(const QString &id)
{
    return m_server->get("/v0/jobs/" + id).json.value("state").toString();
}

QJsonValue RoleFixture::jobSnapshot(const QString &id)
{
    const auto j = m_server->get("/v0/jobs/" + id).json;
    return QJsonObject {{"state", j.value("state")}, {"attempt", j.value("attempt")}};
}

QJsonValue RoleFixture::jobPageSnapshot()
{
    return QJsonArray::fromStringList(
        ApiChecks::idsOf(m_server->get("/v0/jobs?limit=100").json.value("jobs").toArray()));
}

QString RoleFixture::registerNode()
{
    const QJsonObject body {{"name", "n-" + QUuid::createUuid().toString(QUuid::Id128).left(8)}, {"hostname", "h"},
        {"version", "test"}, {"capabilities", QJsonArray {"COMMAND"}}, {"isolation", "none"},
        {"resources", QJsonObject {{"cpu", 1}, {"memGib", 1}, {"slots", 1}}}};
    const auto r = m_server->post("/api/compute/nodes/register", body);
    if (r.status != 200)
        qWarning() << "register failed:" << r.describe();
    return r.json.value("payload").toObject().value("nodeId").toString();
}

QJsonValue RoleFixture::memberSnapshot(const QString &userOrEmail)
{
    const auto r = m_server->get(QStringLiteral("/v0/workspaces/%1/members").arg(m_a));
    QJsonArray found;
    for (const char *list : {"members", "invitations"})
        for (const auto &m : r.json.value(list).toArray()) {
            const QJsonObject o = m.toObject();
            if (o.value("userId").toString() == userOrEmail || o.value("email").toString() == userOrEmail)
                found.append(QJsonObject {{"list", list}, {"role", o.value("role")}, {"status", o.value("status")}});
        }
    return found;
}

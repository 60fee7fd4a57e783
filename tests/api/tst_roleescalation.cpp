// Role escalation and tenancy attacks (issue 12, item 8): own vs someone else's job, a member minting an admin
// key, an admin inviting an owner or changing roles, keys acting in another workspace, the last owner leaving;
// each refused change is checked not to have happened.
#include "ApiChecks.h"
#include "RoleFixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

class TestRoleEscalation : public RoleFixture
{
    Q_OBJECT

private slots:
    void initTestCase() { setUpTeam(); }
    void cleanupTestCase() { tearDownTeam(); }
    void ownJobVersusOthers();
    void memberCannotMintAdminKey();
    void adminCannotInviteOwner();
    void adminCannotChangeRoles();
    void keyCannotActInAnotherWorkspace();
    void lastOwnerCannotLeaveOrDemote();
    void logoutEndsOnlyOwnSessions();
    void keysFollowTheirPerson();
    void nothingCrossesWorkspaces();
    void adminsListEveryonesKeys();
};

void TestRoleEscalation::ownJobVersusOthers()
{
    const QString mine = submit(m_member->key());
    const QString admins = submit(m_admin->key());
    QVERIFY(!mine.isEmpty() && !admins.isEmpty());
    // a member cancels their own job, not someone else's
    auto r = m_team->as(m_member->bearer(m_a), "POST", "/v0/jobs/" + admins + ":cancel");
    QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
    QCOMPARE(jobState(admins), QStringLiteral("QUEUED"));
    r = m_team->as(m_member->key(), "POST", "/api/compute/jobs/cancel", {{"jobId", admins}});
    QCOMPARE(r.status, 403);
    QCOMPARE(r.json.value("status").toString(), QStringLiteral("FORBIDDEN"));
    QCOMPARE(jobState(admins), QStringLiteral("QUEUED"));
    r = m_team->as(m_member->key(), "POST", "/v0/jobs/" + mine + ":cancel");
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(jobState(mine), QStringLiteral("CANCELLED"));
    // retry: own yes, another's no; an admin may retry and cancel anyone's
    QCOMPARE(m_team->as(m_admin->key(), "POST", "/v0/jobs/" + admins + ":cancel").status, 200);
    const QJsonValue before = jobSnapshot(admins);
    r = m_team->as(m_member->key(), "POST", "/v0/jobs/" + admins + ":retry");
    QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
    QCOMPARE(jobSnapshot(admins), before);
    r = m_team->as(m_member->key(), "POST", "/api/compute/jobs/retry", {{"jobId", mine}});
    QVERIFY2(r.status == 200 && r.json.value("status") == "SUCCESS", r.describe().constData());
    QCOMPARE(jobState(mine), QStringLiteral("QUEUED"));
    r = m_team->as(m_admin->bearer(m_a), "POST", "/v0/jobs/" + mine + ":cancel");
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(jobState(mine), QStringLiteral("CANCELLED"));
    r = m_team->as(m_admin->key(), "POST", "/v0/jobs/" + mine + ":retry");
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(jobState(mine), QStringLiteral("QUEUED"));
}

void TestRoleEscalation::memberCannotMintAdminKey()
{
    const qsizetype before = m_server->get("/v0/keys?includeRevoked=true").json.value("keys").toArray().size();
    for (const auto &h : {m_member->key(), m_member->bearer(m_a)}) {
        auto r = m_team->as(h, "POST", "/v0/keys", {{"name", "escalate"}, {"role", "admin"}});
        QVERIFY2(ApiChecks::errorProblem(r, 422, "role").isEmpty(), r.describe().constData());
        r = m_team->as(h, "POST", "/api/compute/api-keys/create", {{"name", "escalate"}, {"role", "owner"}});
        QVERIFY2(r.status == 422 && r.json.value("status") == "ERROR", r.describe().constData());
    }
    // an admin may not mint an owner key either
    auto r = m_team->as(m_admin->key(), "POST", "/v0/keys", {{"name", "escalate"}, {"role", "owner"}});
    QVERIFY2(ApiChecks::errorProblem(r, 422, "role").isEmpty(), r.describe().constData());
    QCOMPARE(m_server->get("/v0/keys?includeRevoked=true").json.value("keys").toArray().size(), before);
}

void TestRoleEscalation::adminCannotInviteOwner()
{
    const QString email = "would-be-owner@example.test";
    for (const auto &h : {m_admin->key(), m_admin->bearer(m_a), m_admin->bearer()}) {
        const auto r
            = m_team->as(h, "POST", "/v0/workspaces/" + m_a + "/members", {{"email", email}, {"role", "owner"}});
        QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
    }
    QCOMPARE(memberSnapshot(email), QJsonValue(QJsonArray()));
    // nor make an existing person owner by inviting them again
    const auto r = m_team->as(
        m_admin->key(), "POST", "/v0/workspaces/" + m_a + "/members", {{"email", m_victim->email}, {"role", "owner"}});
    QVERIFY2(r.status == 403 || r.status == 409, r.describe().constData());
    QCOMPARE(memberSnapshot(m_victim->userId).toArray().at(0).toObject().value("role").toString(), "member");
}

void TestRoleEscalation::adminCannotChangeRoles()
{
    const QString path = QStringLiteral("/v0/workspaces/%1/members/%2").arg(m_a);
    for (const auto &[target, to] : QList<QPair<QString, QString>> {
             {m_victim->userId, "admin"}, {m_admin->userId, "owner"}, {m_owner->userId, "member"}}) {
        const QJsonValue before = memberSnapshot(target);
        const auto r = m_team->as(m_admin->key(), "PATCH", path.arg(target), {{"role", to}});
        QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
        QCOMPARE(memberSnapshot(target), before);
    }
    // nor may anyone raise themselves
    for (const TestPerson *p : {&*m_member, &*m_admin}) {
        const QJsonValue before = memberSnapshot(p->userId);
        for (const auto &h : {p->key(), p->bearer(m_a), p->bearer()}) {
            const auto r = m_team->as(h, "PATCH", path.arg(p->userId), {{"role", "owner"}});
            QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
        }
        QCOMPARE(memberSnapshot(p->userId), before);
    }
    // nor remove an owner
    const QJsonValue before = memberSnapshot(m_owner->userId);
    const auto r = m_team->as(m_admin->key(), "DELETE", path.arg(m_owner->userId));
    QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
    QCOMPARE(memberSnapshot(m_owner->userId), before);
}

void TestRoleEscalation::keyCannotActInAnotherWorkspace()
{
    // the member's key names B (where they are no member), the owner's key names B (where they ARE owner:
    // a key still acts only in its own workspace)
    for (const auto *p : {&*m_member, &*m_owner}) {
        auto h = p->key();
        h.append({"X-Workspace-Id", m_b.toLatin1()});
        auto r = m_team->as(h, "GET", "/v0/jobs");
        QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
        const QJsonValue before = jobPageSnapshot();
        r = m_team->as(h, "POST", "/v0/jobs", {{"command", "true"}});
        QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
        r = m_team->as(h, "POST", "/api/compute/jobs/submit", {{"command", "true"}});
        QVERIFY2(r.status == 404 && r.json.value("status") == "NO_DATA", r.describe().constData());
        QCOMPARE(jobPageSnapshot(), before);
    }
    // a workspace named in a body does not move a submit into it
    const QJsonValue pageOfA = jobPageSnapshot();
    auto r = m_team->as(m_outsider->key(), "POST", "/v0/jobs", {{"command", "true"}, {"workspaceId", m_a}});
    QVERIFY2(r.status == 201 || r.status == 404 || r.status == 422, r.describe().constData());
    r = m_team->as(m_outsider->key(), "POST", "/api/compute/jobs/submit", {{"command", "true"}, {"workspaceId", m_a}});
    QVERIFY2(r.status == 200 || r.status == 404 || r.status == 422, r.describe().constData());
    QCOMPARE(jobPageSnapshot(), pageOfA);
    // odd workspace names in the header: 404 (or 400), never a 5xx
    for (const QByteArray &odd :
        {QByteArray("ws_"), QByteArray("x"), QByteArray(300, 'w'), QByteArray("ws_%00"), QByteArray("' OR 1=1 --"),
            m_b.toLatin1().toLower() == m_b.toLatin1() ? m_b.toLatin1().toUpper() : m_b.toLatin1().toLower()}) {
        for (auto h : {m_member->key(), m_member->bearer()}) {
            h.append({"X-Workspace-Id", odd});
            const auto odds = m_team->as(h, "GET", "/v0/jobs");
            QVERIFY2(odds.status == 404 || odds.status == 400, odds.describe().constData());
        }
    }
    // the member's token naming B in the path
    r = m_team->as(m_member->bearer(), "GET", "/v0/workspaces/" + m_b + "/members");
    QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
}

void TestRoleEscalation::lastOwnerCannotLeaveOrDemote()
{
    // the owner of A is B's only owner
    const QString self = QStringLiteral("/v0/workspaces/%1/members/%2").arg(m_b, m_owner->userId);
    auto ownerRoleInB = [&] {
        for (const auto &m : m_team->as(m_owner->bearer(m_b), "GET", "/v0/workspaces/" + m_b + "/members")
                                 .json.value("members")
                                 .toArray())
            if (m.toObject().value("userId").toString() == m_owner->userId)
                return m.toObject().value("role").toString();
        return QString();
    };
    auto r = m_team->as(m_owner->bearer(m_b), "PATCH", self, {{"role", "admin"}});
    QVERIFY2(ApiChecks::errorProblem(r, 409).isEmpty(), r.describe().constData());
    QCOMPARE(ownerRoleInB(), QStringLiteral("owner"));
    r = m_team->as(m_owner->bearer(m_b), "DELETE", self);
    QVERIFY2(ApiChecks::errorProblem(r, 409).isEmpty(), r.describe().constData());
    QCOMPARE(ownerRoleInB(), QStringLiteral("owner"));
}

void TestRoleEscalation::logoutEndsOnlyOwnSessions()
{
    // a second session of the member's
    const auto login
        = m_team->as({}, "POST", "/v0/auth/login", {{"email", m_member->email}, {"password", m_member->password}});
    QVERIFY2(login.status == 200, login.describe().constData());
    const QByteArray access = "Bearer " + login.json.value("accessToken").toString().toLatin1();
    const QString refresh = login.json.value("refreshToken").toString();
    const TestServer::Headers session {{"Authorization", access}};
    // nobody else ends it by naming its refresh token: not the outsider, a revoked key, nor no one
    auto r = m_team->as(m_outsider->key(), "POST", "/v0/auth/logout", {{"refreshToken", refresh}});
    QVERIFY2(ApiChecks::errorProblem(r, 400).isEmpty(), r.describe().constData());
    r = m_team->as(m_admin->key(), "POST", "/v0/auth/logout", {{"refreshToken", refresh}});
    QVERIFY2(ApiChecks::errorProblem(r, 400).isEmpty(), r.describe().constData());
    r = m_team->as(TestTeam::keyHeader(m_revokedKey), "POST", "/v0/auth/logout", {{"refreshToken", refresh}});
    QVERIFY2(ApiChecks::errorProblem(r, 401).isEmpty(), r.describe().constData());
    r = m_team->as({}, "POST", "/v0/auth/logout", {{"refreshToken", refresh}});
    QVERIFY2(ApiChecks::errorProblem(r, 401).isEmpty(), r.describe().constData());
    QCOMPARE(m_team->as(session, "GET", "/v0/auth/me").status, 200);
    // the member ends it; their first session goes on
    r = m_team->as(session, "POST", "/v0/auth/logout");
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(m_team->as(session, "GET", "/v0/auth/me").status, 401);
    QCOMPARE(m_team->as(m_member->bearer(), "GET", "/v0/auth/me").status, 200);
    QCOMPARE(m_team->as(m_member->key(), "GET", "/v0/auth/me").status, 200);
}

// A key acts with at most its own role and its person's current one; a person who leaves loses their keys.
void TestRoleEscalation::keysFollowTheirPerson()
{
    auto p = m_team->addPerson(m_a, "admin");
    QVERIFY(p);
    const auto minted = m_team->as(p->bearer(m_a), "POST", "/v0/keys", {{"name", "ci"}, {"role", "member"}});
    QCOMPARE(minted.status, 201);
    const auto memberKey = TestTeam::keyHeader(minted.json.value("key").toString());
    const QString members = "/v0/workspaces/" + m_a + "/members";
    const QString job = submit();
    // the member-role key of an admin: no invitations, no one else's job
    auto r = m_team->as(memberKey, "POST", members, {{"email", "via-member-key@example.test"}, {"role", "member"}});
    QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
    QCOMPARE(memberSnapshot("via-member-key@example.test"), QJsonValue(QJsonArray()));
    r = m_team->as(memberKey, "POST", "/v0/jobs/" + job + ":cancel");
    QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
    QCOMPARE(jobState(job), QStringLiteral("QUEUED"));
    // demoted to member: their admin key now acts as a member
    r = m_team->as(m_owner->key(), "PATCH", members + "/" + p->userId, {{"role", "member"}});
    QVERIFY2(r.status == 200, r.describe().constData());
    r = m_team->as(p->key(), "POST", members, {{"email", "via-demoted@example.test"}, {"role", "member"}});
    QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
    QCOMPARE(memberSnapshot("via-demoted@example.test"), QJsonValue(QJsonArray()));
    r = m_team->as(p->key(), "POST", "/api/compute/jobs/cancel", {{"jobId", job}});
    QVERIFY2(r.status == 403 && r.json.value("status") == QStringLiteral("FORBIDDEN"), r.describe().constData());
    QCOMPARE(jobState(job), QStringLiteral("QUEUED"));
    // a member removes no one else
    const QJsonValue adminBefore = memberSnapshot(m_admin->userId);
    r = m_team->as(m_member->key(), "DELETE", members + "/" + m_admin->userId);
    QVERIFY2(ApiChecks::errorProblem(r, 403).isEmpty(), r.describe().constData());
    QCOMPARE(memberSnapshot(m_admin->userId), adminBefore);
    // they leave: every key of theirs there is dead at once, their token no longer reaches A
    r = m_team->as(p->bearer(m_a), "DELETE", members + "/" + p->userId);
    QVERIFY2(r.status == 200, r.describe().constData());
    QVERIFY2(ApiChecks::errorProblem(m_team->as(p->key(), "GET", "/v0/jobs"), 401).isEmpty(), "removed key");
    QVERIFY2(ApiChecks::errorProblem(m_team->as(memberKey, "GET", "/v0/jobs"), 401).isEmpty(), "removed key");
    QVERIFY2(ApiChecks::errorProblem(m_team->as(p->bearer(m_a), "GET", "/v0/jobs"), 404).isEmpty(), "removed person");
    QCOMPARE(memberSnapshot(p->userId), QJsonValue(QJsonArray()));
}

// The owner of A is also the owner of B: acting in B (token + X-Workspace-Id B), A's jobs, agents and
// keys do not exist, and B's do not exist for A's admin.
void TestRoleEscalation::nothingCrossesWorkspaces()
{
    const auto inB = m_owner->bearer(m_b);
    const QString jobOfA = submit();
    const QString nodeOfA = registerNode();
    const QJsonValue nodeBefore = m_server->get("/v0/agents/" + nodeOfA).json.value("state");
    auto r = m_team->as(inB, "POST", "/v0/jobs/" + jobOfA + ":cancel");
    QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
    r = m_team->as(inB, "POST", "/v0/agents/" + nodeOfA + ":drain");
    QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
    r = m_team->as(inB, "DELETE", "/v0/agents/" + nodeOfA);
    QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
    r = m_team->as(inB, "DELETE", "/v0/keys/" + m_admin->keyId);
    QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
    QCOMPARE(jobState(jobOfA), QStringLiteral("QUEUED"));
    QCOMPARE(m_server->get("/v0/agents/" + nodeOfA).json.value("state"), nodeBefore);
    QCOMPARE(m_team->as(m_admin->key(), "GET", "/v0/auth/me").status, 200);
    // and the other way: B's job and the outsider's key are out of reach of A's admin
    const QString jobOfB = submit(m_outsider->key());
    QVERIFY(!jobOfB.isEmpty());
    r = m_team->as(m_admin->key(), "POST", "/v0/jobs/" + jobOfB + ":cancel");
    QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
    r = m_team->as(m_admin->key(), "DELETE", "/v0/keys/" + m_outsider->keyId);
    QVERIFY2(ApiChecks::errorProblem(r, 404).isEmpty(), r.describe().constData());
    r = m_team->as(m_outsider->key(), "GET", "/v0/jobs/" + jobOfB);
    QVERIFY2(r.status == 200 && r.json.value("state") == QStringLiteral("QUEUED"), r.describe().constData());
    // a member lists only their own keys
    const auto keys = m_team->as(m_member->key(), "GET", "/v0/keys?includeRevoked=true");
    QCOMPARE(keys.status, 200);
    QVERIFY(!keys.json.value("keys").toArray().isEmpty());
    for (const auto &k : keys.json.value("keys").toArray())
        QVERIFY2(k.toObject().value("id").toString() != m_admin->keyId, keys.describe().constData());
    QVERIFY(!keys.body.contains(m_admin->keyId.toLatin1()));
}

// Found by tst_cliadmin (`keys list` printed nothing): the "every person" filter bound a null text, so
// admins and owners got an empty list.
void TestRoleEscalation::adminsListEveryonesKeys()
{
    auto ids = [](const TestServer::Reply &r) {
        QStringList out;
        for (const auto &k : r.json.value("keys").toArray())
            out << k.toObject().value("id").toString();
        return out;
    };
    for (const auto &h : {m_admin->key(), m_owner->bearer(m_a), TestTeam::keyHeader(m_server->adminKey())}) {
        const auto r = m_team->as(h, "GET", "/v0/keys");
        QVERIFY2(r.status == 200, r.describe().constData());
        for (const QString &id : {m_member->keyId, m_admin->keyId, m_owner->keyId})
            QVERIFY2(ids(r).contains(id), r.describe().constData());
        QVERIFY2(!ids(r).contains(m_outsider->keyId), r.describe().constData()); // another workspace's
    }
}

QTEST_GUILESS_MAIN(TestRoleEscalation)
#include "tst_roleescalation.moc"

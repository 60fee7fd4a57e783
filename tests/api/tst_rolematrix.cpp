// The role matrix (issue 12, item 8): every endpoint of /v0 and /api/compute called as owner, admin, member,
// a member of another workspace, a revoked key and no credential, checked against DESIGN.md §8's role table;
// every refused change is checked not to have happened. Plus own-vs-other job, and role escalation attempts.
#include "ApiChecks.h"
#include "TestServer.h"
#include "TestTeam.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>
#include <QtTest>

#include <functional>
#include <optional>

namespace {
enum Who { Owner, Admin, Member, Outsider, Revoked, Anonymous };
// Key: their API key; Bearer: access token + X-Workspace-Id A; BearerDefault: access token alone;
// KeyNamingA: their key + X-Workspace-Id A (outsider only); KeyAsBearer: Authorization: Bearer tnv_….
enum Mode { Key, Bearer, BearerDefault, KeyNamingA, NoCredential, KeyAsBearer };
constexpr int kNodeOnly = 9; // `need` of the agent plane: no person's role is enough
constexpr int kNoAuth = -1; // `need` of a route that takes no credential (the URL is the credential)

const char *whoName(Who w)
{
    static const char *names[] = {"owner", "admin", "member", "outsider", "revoked", "anonymous"};
    return names[w];
}
const char *modeName(Mode m)
{
    static const char *names[] = {"key", "bearer+A", "bearer", "key+A", "none", "bearer-key"};
    return names[m];
}

using Fixture = QHash<QString, QString>;

// Routes open to members where the service then asks admin for someone else's job or key (own vs anyone's):
// for them a resource of another workspace is 404, not 403, as the route itself lets a member of B in.
const QSet<QString> kOwnOrAnyone {"DELETE /v0/keys/{id}", "POST /v0/jobs/{id}:cancel", "POST /v0/jobs/{id}:retry",
    "rpc api-keys/revoke", "rpc jobs/cancel", "rpc jobs/retry"};

// Rows below name only the fields they need (aggregate initialisation); the rest keep their defaults.
QT_WARNING_DISABLE_GCC("-Wmissing-field-initializers")
struct Endpoint
{
    QByteArray method;
    QString path; // placeholders {A} {job} {doneJob} {node} {key} {victim} {invite}
    QByteArray body; // JSON text with the same placeholders; empty: no body
    int need = int(Member); // 0 owner .. 2 member is "at least"; stored as a minimum rank (see rank())
    int ok = 200; // the status when allowed
    QString okEnvelope; // /api: the envelope status when allowed
    bool namesA = false; // the path names workspace A
    bool byId = false; // it names a resource of A (an outsider acting in B gets 404)
    bool stream = false; // success is a stream: read the status line only
    std::function<Fixture()> prepare;
    std::function<QJsonValue(const Fixture &)> snapshot; // state a refused call must leave unchanged
    std::function<void(const Fixture &)> restore; // undo a successful change others rely on
};

// Role ranks for `need`: member 1, admin 2, owner 3; 0 any signed-in person.
int rank(Who w)
{
    return w == Owner ? 3 : w == Admin ? 2 : w == Member ? 1 : 0;
}

QString envelopeFor(int status)
{
    switch (status) {
    case 401:
        return QStringLiteral("UNAUTHORIZED");
    case 403:
        return QStringLiteral("FORBIDDEN");
    case 404:
        return QStringLiteral("NO_DATA");
    case 429:
        return QStringLiteral("RATE_LIMITED");
    default:
        return status < 300 ? QStringLiteral("SUCCESS") : QStringLiteral("ERROR");
    }
}
}

class TestRoleMatrix : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void workspaceWithoutRegion();
    void matrix_data();
    void matrix();
    void ownJobVersusOthers();
    void memberCannotMintAdminKey();
    void adminCannotInviteOwner();
    void adminCannotChangeRoles();
    void keyCannotActInAnotherWorkspace();
    void lastOwnerCannotLeaveOrDemote();
    void logoutEndsOnlyOwnSessions();
    void keysFollowTheirPerson();
    void nothingCrossesWorkspaces();

private:
    TestServer::Headers headersFor(Who who, Mode mode) const;
    TestServer::Reply call(const TestServer::Headers &h, const QByteArray &method, const QString &path,
        const QByteArray &body, bool stream);
    int streamStatus(const TestServer::Headers &h, const QString &path);
    void buildEndpoints();
    QString submit(const TestServer::Headers &who = {});
    QString jobState(const QString &id);
    QJsonValue jobSnapshot(const QString &id);
    QJsonValue jobPageSnapshot();
    QString registerNode();
    QJsonValue memberSnapshot(const QString &userOrEmail);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestTeam> m_team;
    QString m_a, m_b;
    std::optional<TestPerson> m_owner, m_admin, m_member, m_outsider, m_victim;
    QString m_revokedKey;
    QString m_probeJob; // a job of A: no answer to the outsider may mention it
    QMap<QString, Endpoint> m_endpoints;
};

TestServer::Headers TestRoleMatrix::headersFor(Who who, Mode mode) const
{
    const TestPerson *p = who == Owner ? &*m_owner
        : who == Admin                 ? &*m_admin
        : who == Member                ? &*m_member
        : who == Outsider              ? &*m_outsider
                                       : nullptr;
    if (who == Revoked)
        return mode == Bearer ? TestServer::Headers {{"Authorization", "Bearer " + m_revokedKey.toLatin1()}}
                              : TestTeam::keyHeader(m_revokedKey);
    if (!p)
        return {};
    switch (mode) {
    case Key:
        return p->key();
    case Bearer:
        return p->bearer(m_a);
    case BearerDefault:
        return p->bearer();
    case KeyNamingA: {
        auto h = p->key();
        h.append({"X-Workspace-Id", m_a.toLatin1()});
        return h;
    }
    case NoCredential:
        return {};
    case KeyAsBearer:
        return {{"Authorization", "Bearer " + p->apiKey.toLatin1()}};
    }
    return {};
}

// Waits for the status line and headers of a streaming answer, then drops the connection.
int TestRoleMatrix::streamStatus(const TestServer::Headers &h, const QString &path)
{
    QTcpSocket sock;
    QByteArray in;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&sock, &QTcpSocket::readyRead, &loop, [&] {
        in += sock.readAll();
        if (in.contains("\r\n\r\n"))
            loop.quit();
    });
    QObject::connect(&sock, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QByteArray raw = "GET " + path.toLatin1() + " HTTP/1.1\r\nHost: " + m_server->url().authority().toLatin1() + "\r\n";
    for (const auto &[k, v] : h)
        raw += k + ": " + v + "\r\n";
    raw += "\r\n";
    QObject::connect(&sock, &QTcpSocket::connected, &loop, [&] { sock.write(raw); });
    sock.connectToHost(m_server->url().host(), quint16(m_server->url().port()));
    deadline.start(10000);
    loop.exec();
    return in.split(' ').value(1).toInt();
}

TestServer::Reply TestRoleMatrix::call(
    const TestServer::Headers &h, const QByteArray &method, const QString &path, const QByteArray &body, bool stream)
{
    if (stream) {
        TestServer::Reply r;
        r.status = streamStatus(h, path);
        if (r.status != 200) // an error is an ordinary answer: read it whole
            return m_team->asRaw(h, method, path, body);
        return r;
    }
    return m_team->asRaw(h, method, path, body);
}

QString TestRoleMatrix::submit(const TestServer::Headers &who)
{
    if (who.isEmpty())
        return m_server->submitJob({{"command", "true"}});
    const auto r = m_team->as(who, "POST", "/v0/jobs", {{"command", "true"}});
    if (r.status != 201)
        qWarning() << "submit failed:" << r.describe();
    return r.json.value("id").toString();
}

QString TestRoleMatrix::jobState(const QString &id)
{
    return m_server->get("/v0/jobs/" + id).json.value("state").toString();
}

QJsonValue TestRoleMatrix::jobSnapshot(const QString &id)
{
    const auto j = m_server->get("/v0/jobs/" + id).json;
    return QJsonObject {{"state", j.value("state")}, {"attempt", j.value("attempt")}};
}

QJsonValue TestRoleMatrix::jobPageSnapshot()
{
    return QJsonArray::fromStringList(
        ApiChecks::idsOf(m_server->get("/v0/jobs?limit=100").json.value("jobs").toArray()));
}

QString TestRoleMatrix::registerNode()
{
    const QJsonObject body {{"name", "n-" + QUuid::createUuid().toString(QUuid::Id128).left(8)}, {"hostname", "h"},
        {"version", "test"}, {"capabilities", QJsonArray {"COMMAND"}}, {"isolation", "none"},
        {"resources", QJsonObject {{"cpu", 1}, {"memGib", 1}, {"slots", 1}}}};
    const auto r = m_server->post("/api/compute/nodes/register", body);
    if (r.status != 200)
        qWarning() << "register failed:" << r.describe();
    return r.json.value("payload").toObject().value("nodeId").toString();
}

QJsonValue TestRoleMatrix::memberSnapshot(const QString &userOrEmail)
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

void TestRoleMatrix::initTestCase()
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
    buildEndpoints();
}

void TestRoleMatrix::cleanupTestCase()
{
    m_team.reset();
    m_server.reset();
}

// Regression: an absent (or null) defaultRegion was bound as NULL into a NOT NULL column: 503 on every
// POST /v0/workspaces without a region, and on PATCH {"defaultRegion": null}.
void TestRoleMatrix::workspaceWithoutRegion()
{
    auto r = m_team->as(m_member->bearer(), "POST", "/v0/workspaces", {{"name", "no region"}});
    QVERIFY2(r.status == 201, r.describe().constData());
    const QString id = r.json.value("id").toString();
    QCOMPARE(r.json.value("defaultRegion").toString(), QString());
    r = m_team->as(m_member->bearer(id), "PATCH", "/v0/workspaces/" + id, {{"defaultRegion", QJsonValue()}});
    QVERIFY2(r.status == 200, r.describe().constData());
    r = m_team->as(m_member->bearer(id), "GET", "/v0/workspaces/" + id);
    QVERIFY2(r.status == 200 && r.json.value("name") == QStringLiteral("no region"), r.describe().constData());
}

void TestRoleMatrix::buildEndpoints()
{
    auto add = [this](const QString &name, Endpoint e) { m_endpoints.insert(name, std::move(e)); };
    auto queuedJob = [this] { return Fixture {{"job", submit()}}; };
    auto cancelledJob = [this] {
        const QString id = submit();
        m_server->request("POST", "/v0/jobs/" + id + ":cancel");
        return Fixture {{"doneJob", id}};
    };
    auto job = [this](const Fixture &f) { return jobSnapshot(f.value("job")); };
    auto doneJob = [this](const Fixture &f) { return jobSnapshot(f.value("doneJob")); };
    auto jobPage = [this](const Fixture &) { return jobPageSnapshot(); };
    auto node = [this] { return Fixture {{"node", registerNode()}}; };
    auto nodeState = [this](const Fixture &f) {
        const auto r = m_server->get("/v0/agents/" + f.value("node"));
        return QJsonValue(QJsonObject {{"status", r.status}, {"state", r.json.value("state")}});
    };
    auto agentCount = [this](const Fixture &) {
        return QJsonValue(m_server->get("/v0/agents").json.value("agents").toArray().size());
    };
    // a key of the bootstrap owner: only admins and owners may revoke it
    auto ownersKey = [this] {
        return Fixture {{"key", m_server->post("/v0/keys", {{"name", "bootstrap's"}}).json.value("id").toString()}};
    };
    auto keyState = [this](const Fixture &f) {
        for (const auto &k : m_server->get("/v0/keys?includeRevoked=true").json.value("keys").toArray())
            if (k.toObject().value("id").toString() == f.value("key"))
                return QJsonValue(k.toObject().value("revokedAt"));
        return QJsonValue(QStringLiteral("absent"));
    };
    auto keyCount = [this](const Fixture &) {
        return QJsonValue(m_server->get("/v0/keys?includeRevoked=true").json.value("keys").toArray().size());
    };
    auto workspace = [this](const Fixture &) {
        const auto w = m_server->get("/v0/workspaces/" + m_a).json;
        return QJsonValue(QJsonObject {{"name", w.value("name")}, {"plan", w.value("plan")}});
    };
    auto invitation = [this] {
        const QString email = "invitee-" + QUuid::createUuid().toString(QUuid::Id128).left(10) + "@example.test";
        m_server->post(QStringLiteral("/v0/workspaces/%1/members").arg(m_a), {{"email", email}, {"role", "member"}});
        return Fixture {{"invite", email}};
    };
    auto invitationState = [this](const Fixture &f) { return memberSnapshot(f.value("invite")); };
    auto victimState = [this](const Fixture &) { return memberSnapshot(m_victim->userId); };
    auto restoreVictim = [this](const Fixture &) {
        m_server->request(
            "PATCH", QStringLiteral("/v0/workspaces/%1/members/%2").arg(m_a, m_victim->userId), R"({"role":"member"})");
    };
    auto membersOfA = [this](const Fixture &) {
        return QJsonValue(m_server->get(QStringLiteral("/v0/workspaces/%1/members").arg(m_a)).json);
    };
    const QString rpcOk = QStringLiteral("SUCCESS"), noData = QStringLiteral("NO_DATA");

    // identity and workspaces
    add("GET /v0/auth/me", {"GET", "/v0/auth/me", {}, 0});
    add("GET /v0/workspaces", {"GET", "/v0/workspaces", {}, 0});
    add("POST /v0/workspaces", {"POST", "/v0/workspaces", R"({"name":"another"})", 0, 201});
    add("GET /v0/workspaces/{A}", {"GET", "/v0/workspaces/{A}", {}, 1, 200, {}, true});
    add("PATCH /v0/workspaces/{A}",
        {"PATCH", "/v0/workspaces/{A}", R"({"name":"renamed"})", 2, 200, {}, true, false, false, {}, workspace});
    add("PATCH /v0/workspaces/{A} plan",
        {"PATCH", "/v0/workspaces/{A}", R"({"plan":"team"})", 3, 200, {}, true, false, false, {}, workspace});
    add("PATCH /v0/workspaces/{A} name+plan",
        {"PATCH", "/v0/workspaces/{A}", R"({"name":"sneaky","plan":"enterprise"})", 3, 200, {}, true, false, false, {},
            workspace});
    add("POST members",
        {"POST", "/v0/workspaces/{A}/members", R"({"email":"new@example.test","role":"member"})", 2, 201, {}, true,
            false, false, {}, membersOfA, [this](const Fixture &) {
                m_server->request("DELETE", QStringLiteral("/v0/workspaces/%1/members/new@example.test").arg(m_a));
            }});
    add("GET members", {"GET", "/v0/workspaces/{A}/members", {}, 1, 200, {}, true});
    add("PATCH member role",
        {"PATCH", "/v0/workspaces/{A}/members/{victim}", R"({"role":"admin"})", 3, 200, {}, true, false, false, {},
            victimState, restoreVictim});
    add("DELETE member",
        {"DELETE", "/v0/workspaces/{A}/members/{invite}", {}, 2, 200, {}, true, false, false, invitation,
            invitationState});
    add("GET audit", {"GET", "/v0/workspaces/{A}/audit?limit=5", {}, 2, 200, {}, true});
    add("GET audit verify", {"GET", "/v0/workspaces/{A}/audit/verify", {}, 2, 200, {}, true});
    // keys
    add("POST /v0/keys", {"POST", "/v0/keys", R"({"name":"k"})", 1, 201, {}, false, false, false, {}, keyCount});
    add("GET /v0/keys", {"GET", "/v0/keys", {}, 1});
    add("DELETE /v0/keys/{id}", {"DELETE", "/v0/keys/{key}", {}, 2, 200, {}, false, true, false, ownersKey, keyState});
    add("rpc api-keys/create",
        {"POST", "/api/compute/api-keys/create", R"({"name":"k"})", 1, 200, rpcOk, false, false, false, {}, keyCount});
    add("rpc api-keys/list", {"POST", "/api/compute/api-keys/list", "{}", 1, 200, rpcOk});
    add("rpc api-keys/revoke",
        {"POST", "/api/compute/api-keys/revoke", R"({"keyId":"{key}"})", 2, 200, rpcOk, false, true, false, ownersKey,
            keyState});
    // jobs
    add("POST /v0/jobs", {"POST", "/v0/jobs", R"({"command":"true"})", 1, 201, {}, false, false, false, {}, jobPage});
    add("GET /v0/jobs", {"GET", "/v0/jobs", {}, 1});
    add("GET /v0/jobs/{id}", {"GET", "/v0/jobs/{job}", {}, 1, 200, {}, false, true, false, queuedJob});
    add("POST /v0/jobs/{id}:cancel",
        {"POST", "/v0/jobs/{job}:cancel", {}, 2, 200, {}, false, true, false, queuedJob, job});
    add("POST /v0/jobs/{id}:retry",
        {"POST", "/v0/jobs/{doneJob}:retry", {}, 2, 200, {}, false, true, false, cancelledJob, doneJob});
    add("GET /v0/jobs/{id}/logs", {"GET", "/v0/jobs/{job}/logs", {}, 1, 200, {}, false, true, false, queuedJob});
    add("GET /v0/jobs/{id}/artifacts",
        {"GET", "/v0/jobs/{job}/artifacts", {}, 1, 200, {}, false, true, false, queuedJob});
    add("rpc jobs/submit",
        {"POST", "/api/compute/jobs/submit", R"({"command":"true"})", 1, 200, rpcOk, false, false, false, {}, jobPage});
    add("rpc jobs/retrieve",
        {"POST", "/api/compute/jobs/retrieve", R"({"jobId":"{job}"})", 1, 200, rpcOk, false, true, false, queuedJob});
    add("rpc jobs/list", {"POST", "/api/compute/jobs/list", "{}", 1, 200, rpcOk});
    add("rpc jobs/cancel",
        {"POST", "/api/compute/jobs/cancel", R"({"jobId":"{job}"})", 2, 200, rpcOk, false, true, false, queuedJob,
            job});
    add("rpc jobs/retry",
        {"POST", "/api/compute/jobs/retry", R"({"jobId":"{doneJob}"})", 2, 200, rpcOk, false, true, false, cancelledJob,
            doneJob});
    add("rpc jobs/{id}/logs",
        {"GET", "/api/compute/jobs/{job}/logs?follow=false", {}, 1, 200, rpcOk, false, true, false, queuedJob});
    add("rpc presign-upload",
        {"POST", "/api/compute/jobs/artifacts/presign-upload", R"({"jobId":"{job}"})", 1, 200, noData});
    add("rpc presign-download",
        {"POST", "/api/compute/jobs/artifacts/presign-download", R"({"jobId":"{job}"})", 1, 200, noData});
    add("rpc artifacts upload", {"PUT", "/api/compute/artifacts/upload/{job}/a1", "x", kNoAuth, 401});
    add("rpc artifacts download", {"GET", "/api/compute/artifacts/download/{job}/a1", {}, kNoAuth, 401});
    // events (a stream when allowed)
    add("GET /v0/events", {"GET", "/v0/events", {}, 1, 200, {}, false, false, true});
    // agents and nodes
    add("GET /v0/agents", {"GET", "/v0/agents", {}, 1});
    add("GET /v0/agents/{id}", {"GET", "/v0/agents/{node}", {}, 1, 200, {}, false, true, false, node});
    add("POST /v0/agents/{id}:drain",
        {"POST", "/v0/agents/{node}:drain", {}, 2, 200, {}, false, true, false, node, nodeState});
    add("DELETE /v0/agents/{id}", {"DELETE", "/v0/agents/{node}", {}, 2, 204, {}, false, true, false, node, nodeState});
    add("rpc nodes/register",
        {"POST", "/api/compute/nodes/register",
            R"({"name":"nr","hostname":"h","version":"t","capabilities":["COMMAND"],"isolation":"none",)"
            R"("resources":{"cpu":1,"memGib":1,"slots":1}})",
            2, 200, rpcOk, false, false, false, {}, agentCount});
    add("rpc nodes/list", {"POST", "/api/compute/nodes/list", "{}", 1, 200, rpcOk});
    add("rpc nodes/drain",
        {"POST", "/api/compute/nodes/drain", R"({"nodeId":"{node}"})", 2, 200, rpcOk, false, true, false, node,
            nodeState});
    // the agent plane: node keys only, a person's key is 403 whatever their role
    add("rpc nodes/heartbeat", {"POST", "/api/compute/nodes/heartbeat", "{}", kNodeOnly});
    add("rpc nodes/poll", {"POST", "/api/compute/nodes/poll", R"({"waitSeconds":0})", kNodeOnly});
    add("rpc nodes/started",
        {"POST", "/api/compute/nodes/started", R"({"jobId":"{job}","attempt":1,"pid":1})", kNodeOnly, 200, {}, false,
            false, false, queuedJob, job});
    add("rpc nodes/result",
        {"POST", "/api/compute/nodes/result", R"({"jobId":"{job}","attempt":1,"state":"SUCCEEDED","exitCode":0})",
            kNodeOnly, 200, {}, false, false, false, queuedJob, job});
    add("rpc nodes/logs",
        {"POST", "/api/compute/nodes/logs",
            R"({"jobId":"{job}","attempt":1,"lines":[{"seq":1,"ts":1,"stream":"stdout","text":"x"}]})", kNodeOnly});
    add("rpc nodes/rotate-key", {"POST", "/api/compute/nodes/rotate-key", "{}", kNodeOnly});
    // billing (not metered yet: NO_DATA on /api, 404 on /v0 once allowed)
    add("rpc billing/plans/list", {"POST", "/api/compute/billing/plans/list", "{}", 0, 200, noData});
    add("rpc billing/subscription", {"POST", "/api/compute/billing/subscription", "{}", 2, 200, noData});
    add("rpc billing/checkout/create",
        {"POST", "/api/compute/billing/checkout/create", R"({"plan":"team"})", 3, 200, noData});
    add("GET /v0/billing/usage", {"GET", "/v0/billing/usage", {}, 2, 404});
    add("GET /v0/billing/invoices", {"GET", "/v0/billing/invoices", {}, 2, 404});
    add("GET /v0/billing/limits", {"GET", "/v0/billing/limits", {}, 2, 404});
    add("PATCH /v0/billing/limits", {"PATCH", "/v0/billing/limits", R"({"monthlyUsd":10})", 3, 404});
}

void TestRoleMatrix::matrix_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<int>("who");
    QTest::addColumn<int>("mode");
    // the endpoint table is built with the server (it needs ids); names are listed here
    if (m_endpoints.isEmpty())
        buildEndpoints();
    for (auto it = m_endpoints.cbegin(); it != m_endpoints.cend(); ++it) {
        auto row = [&](Who w, Mode m) {
            QTest::addRow("%s | %s | %s", qPrintable(it.key()), whoName(w), modeName(m))
                << it.key() << int(w) << int(m);
        };
        for (Who w : {Owner, Admin, Member})
            for (Mode m : {Key, KeyAsBearer, Bearer, BearerDefault})
                row(w, m);
        for (Mode m : {Key, KeyAsBearer, KeyNamingA, Bearer, BearerDefault})
            row(Outsider, m);
        row(Revoked, Key);
        row(Revoked, Bearer);
        row(Anonymous, NoCredential);
    }
}

void TestRoleMatrix::matrix()
{
    QFETCH(QString, endpoint);
    QFETCH(int, who);
    QFETCH(int, mode);
    const Endpoint e = m_endpoints.value(endpoint);
    const Who w = Who(who);
    const Mode m = Mode(mode);
    const bool rpc = e.path.startsWith("/api/");

    int expected;
    if (e.need == kNoAuth || w == Revoked || w == Anonymous)
        expected = e.need == kNoAuth ? e.ok : 401;
    else if (w == Outsider && (m == KeyNamingA || m == Bearer || e.namesA))
        expected = 404;
    else if (e.need == kNodeOnly)
        expected = 403;
    else if (w == Outsider) // acting in B, where they are a member: A's resources do not exist there
        expected = e.need > 1 && !kOwnOrAnyone.contains(endpoint) ? 403 : e.byId ? 404 : e.ok;
    else
        expected = rank(w) >= e.need ? e.ok : 403;

    Fixture f = e.prepare ? e.prepare() : Fixture {};
    f.insert("A", m_a);
    f.insert("victim", m_victim->userId);
    auto fill = [&f](QString s) {
        for (auto it = f.cbegin(); it != f.cend(); ++it)
            s.replace("{" + it.key() + "}", it.value());
        return s;
    };
    const QString path = fill(e.path);
    const QByteArray body = fill(QString::fromUtf8(e.body)).toUtf8();
    const QJsonValue before = e.snapshot ? e.snapshot(f) : QJsonValue();

    const auto r = call(headersFor(w, m), e.method, path, body, e.stream && expected == 200);
    QVERIFY2(r.status == expected,
        qPrintable(QStringLiteral("%1 %2 as %3/%4: expected %5, got %6")
                       .arg(QString::fromLatin1(e.method), path, whoName(w), modeName(m))
                       .arg(expected)
                       .arg(QString::fromUtf8(r.describe()))));
    if (!(e.stream && expected == 200)) {
        if (rpc) {
            const QString want = expected == 200 && !e.okEnvelope.isEmpty() ? e.okEnvelope : envelopeFor(expected);
            QVERIFY2(r.json.value("status").toString() == want, r.describe().constData());
            QVERIFY2(r.json.value("message").isString(), r.describe().constData());
            QVERIFY2(r.json.contains("payload"), r.describe().constData());
        } else if (expected >= 400) {
            QVERIFY2(r.json.value("error").toString() == ApiChecks::codeFor(expected), r.describe().constData());
        }
    }
    if (w == Outsider && expected < 400) { // what B's member may see holds nothing of A
        QVERIFY2(!r.body.contains(m_a.toLatin1()), r.describe().constData());
        QVERIFY2(!r.body.contains(m_probeJob.toLatin1()), r.describe().constData());
    }
    if (expected >= 400 && e.snapshot) {
        const QJsonValue after = e.snapshot(f);
        QVERIFY2(after == before,
            qPrintable(QStringLiteral("refused, yet changed: %1 -> %2")
                           .arg(QString::fromUtf8(QJsonDocument(QJsonArray {before}).toJson(QJsonDocument::Compact)),
                               QString::fromUtf8(QJsonDocument(QJsonArray {after}).toJson(QJsonDocument::Compact)))));
    }
    if (expected < 400 && e.restore)
        e.restore(f);
}

void TestRoleMatrix::ownJobVersusOthers()
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

void TestRoleMatrix::memberCannotMintAdminKey()
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

void TestRoleMatrix::adminCannotInviteOwner()
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

void TestRoleMatrix::adminCannotChangeRoles()
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

void TestRoleMatrix::keyCannotActInAnotherWorkspace()
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

void TestRoleMatrix::lastOwnerCannotLeaveOrDemote()
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

void TestRoleMatrix::logoutEndsOnlyOwnSessions()
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
    r = m_team->as(headersFor(Revoked, Key), "POST", "/v0/auth/logout", {{"refreshToken", refresh}});
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
void TestRoleMatrix::keysFollowTheirPerson()
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
void TestRoleMatrix::nothingCrossesWorkspaces()
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

QTEST_GUILESS_MAIN(TestRoleMatrix)
#include "tst_rolematrix.moc"

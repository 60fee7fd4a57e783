// The role matrix (issue 12, item 8): every endpoint of /v0 and /api/compute called as owner, admin, member,
// a member of another workspace, a revoked key and no credential, checked against DESIGN.md §8's role table;
// every refused change is checked not to have happened. The named attacks are in tst_roleescalation.
#include "ApiChecks.h"
#include "RoleFixture.h"
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
    "rpc api-keys/revoke", "rpc jobs/cancel", "rpc jobs/retry", "rpc presign-upload"};

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

class TestRoleMatrix : public RoleFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void workspaceWithoutRegion();
    void matrix_data();
    void matrix();

private:
    TestServer::Headers headersFor(Who who, Mode mode) const;
    TestServer::Reply call(const TestServer::Headers &h, const QByteArray &method, const QString &path,
        const QByteArray &body, bool stream);
    int streamStatus(const TestServer::Headers &h, const QString &path);
    void buildEndpoints();

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

void TestRoleMatrix::initTestCase()
{
    setUpTeam();
    if (!QTest::currentTestFailed())
        buildEndpoints();
}

void TestRoleMatrix::cleanupTestCase()
{
    tearDownTeam();
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
    // artifacts: members may add to their own jobs only (the fixture's job is the owner's); a job without
    // artifacts has no download link; a URL without a signature is refused
    add("rpc presign-upload",
        {"POST", "/api/compute/jobs/artifacts/presign-upload",
            R"({"jobId":"{job}","name":"m.txt","size":1,"sha256":"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"})",
            2, 200, rpcOk, false, true, false, queuedJob});
    add("rpc presign-download",
        {"POST", "/api/compute/jobs/artifacts/presign-download", R"({"jobId":"{job}"})", 1, 404, noData, false, true,
            false, queuedJob});
    add("rpc artifacts upload", {"PUT", "/api/compute/artifacts/upload/{job}/a1", "x", kNoAuth, 403});
    add("rpc artifacts download", {"GET", "/api/compute/artifacts/download/{job}/a1", {}, kNoAuth, 403});
    // events (a stream when allowed)
    add("GET /v0/events", {"GET", "/v0/events", {}, 1, 200, {}, false, false, true});
    // agents and nodes
    add("GET /v0/agents", {"GET", "/v0/agents", {}, 1});
    add("GET /v0/agents/{id}", {"GET", "/v0/agents/{node}", {}, 1, 200, {}, false, true, false, node});
    add("POST /v0/agents/{id}:drain",
        {"POST", "/v0/agents/{node}:drain", {}, 2, 200, {}, false, true, false, node, nodeState});
    add("POST /v0/agents/{id}:rotate-key",
        {"POST", "/v0/agents/{node}:rotate-key", {}, 2, 202, {}, false, true, false, node, nodeState});
    add("DELETE /v0/agents/{id}", {"DELETE", "/v0/agents/{node}", {}, 2, 204, {}, false, true, false, node, nodeState});
    add("GET /v0/stats", {"GET", "/v0/stats", {}, 1});
    // part 3: webhooks (admins and owners)
    add("GET /v0/webhooks", {"GET", "/v0/webhooks", {}, 2});
    add("POST /v0/webhooks", {"POST", "/v0/webhooks", R"({"url":"http://127.0.0.1:9/h","events":["ping"]})", 2, 201});
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

QTEST_GUILESS_MAIN(TestRoleMatrix)
#include "tst_rolematrix.moc"

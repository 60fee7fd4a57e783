// Seed 000's RPC surface (issue 12, item 8): every path, with valid input and with bad input or
// credentials, answers the envelope {status, message, payload} with the right status string and HTTP status.
#include "ApiChecks.h"
#include "TestServer.h"
#include "TestTeam.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QUuid>
#include <QtTest>

#include <optional>

namespace {
const QStringList kStatuses {"SUCCESS", "ERROR", "NO_DATA", "UNAUTHORIZED", "FORBIDDEN", "RATE_LIMITED"};
const QString kUnknownJob = QStringLiteral("job_00000000000000000000000000");
const QString kUnknownNode = QStringLiteral("node_00000000000000000000000000");

// What is wrong with an answer's envelope and statuses; empty when it is right.
QString envelopeProblem(const TestServer::Reply &r, int http, const QString &status)
{
    if (r.status != http)
        return QStringLiteral("HTTP %1, expected %2: %3").arg(r.status).arg(http).arg(QString::fromUtf8(r.describe()));
    if (!r.json.value("status").isString() || !kStatuses.contains(r.json.value("status").toString()))
        return QStringLiteral("no envelope status: ") + QString::fromUtf8(r.body.left(400));
    if (r.json.value("status").toString() != status)
        return QStringLiteral("envelope %1, expected %2: %3")
            .arg(r.json.value("status").toString(), status, QString::fromUtf8(r.body.left(400)));
    if (!r.json.value("message").isString())
        return QStringLiteral("no message string: ") + QString::fromUtf8(r.body.left(400));
    if (!r.json.contains("payload"))
        return QStringLiteral("no payload: ") + QString::fromUtf8(r.body.left(400));
    return {};
}
}

class TestRpcSurface : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void walk_data();
    void walk();
    void nodeLifecycle();
    void otpFlow();
    void rateLimitedEnvelope(); // last: it spends this address's sign-in allowance

private:
    TestServer::Headers as(const QString &who) const;
    QString submit();
    QString registerNode(QString *key = nullptr);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestTeam> m_team;
    std::optional<TestPerson> m_member;
    QString m_nodeKey;
};

TestServer::Headers TestRpcSurface::as(const QString &who) const
{
    if (who == "owner")
        return TestTeam::keyHeader(m_server->adminKey());
    if (who == "member")
        return m_member->key();
    if (who == "memberToken")
        return m_member->bearer();
    if (who == "node")
        return TestTeam::keyHeader(m_nodeKey);
    if (who == "bogus")
        return TestTeam::keyHeader("tnv_" + QString(40, 'x'));
    if (who == "badJwt")
        return {{"Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}};
    return {};
}

QString TestRpcSurface::submit()
{
    return m_server->submitJob({{"command", "true"}});
}

QString TestRpcSurface::registerNode(QString *key)
{
    const QJsonObject body {{"name", "n-" + QUuid::createUuid().toString(QUuid::Id128).left(8)}, {"hostname", "h"},
        {"version", "test"}, {"capabilities", QJsonArray {"COMMAND"}}, {"isolation", "none"},
        {"resources", QJsonObject {{"cpu", 1}, {"memGib", 1}, {"slots", 1}}}};
    const auto r = m_server->post("/api/compute/nodes/register", body);
    if (key)
        *key = r.json.value("payload").toObject().value("nodeKey").toString();
    return r.json.value("payload").toObject().value("nodeId").toString();
}

void TestRpcSurface::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY(m_server->start());
    m_team = std::make_unique<TestTeam>(*m_server);
    m_member = m_team->addPerson(m_team->defaultWorkspace(), "member");
    QVERIFY(m_member);
    registerNode(&m_nodeKey);
    QVERIFY(m_nodeKey.startsWith("tnv_"));
}

void TestRpcSurface::walk_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body"); // placeholders {job} (QUEUED), {doneJob} (CANCELLED), {node}, {key}
    QTest::addColumn<QString>("who");
    QTest::addColumn<int>("http");
    QTest::addColumn<QString>("status");
    const QByteArray P = "POST";
    auto row
        = [](const char *name, const QByteArray &m, const QString &path, const QByteArray &body, const QString &who,
              int http, const QString &status) { QTest::newRow(name) << m << path << body << who << http << status; };
    // jobs
    row("submit", P, "/api/compute/jobs/submit", R"({"command":"true"})", "member", 200, "SUCCESS");
    row("submit token", P, "/api/compute/jobs/submit", R"({"command":"true"})", "memberToken", 200, "SUCCESS");
    row("submit empty", P, "/api/compute/jobs/submit", "{}", "member", 422, "ERROR");
    row("submit not json", P, "/api/compute/jobs/submit", "nope", "member", 400, "ERROR");
    row("submit no credential", P, "/api/compute/jobs/submit", R"({"command":"true"})", "", 401, "UNAUTHORIZED");
    row("submit bogus key", P, "/api/compute/jobs/submit", R"({"command":"true"})", "bogus", 401, "UNAUTHORIZED");
    row("submit alg none", P, "/api/compute/jobs/submit", R"({"command":"true"})", "badJwt", 401, "UNAUTHORIZED");
    row("submit node key", P, "/api/compute/jobs/submit", R"({"command":"true"})", "node", 403, "FORBIDDEN");
    row("submit array body", P, "/api/compute/jobs/submit", "[1]", "member", 400, "ERROR");
    row("submit wrong method", "GET", "/api/compute/jobs/submit", {}, "member", 405, "ERROR");
    row("unknown path", P, "/api/compute/jobs/nope", "{}", "member", 404, "NO_DATA");
    row("unknown path no credential", P, "/api/compute/nope", "{}", "", 404, "NO_DATA");
    row("retrieve", P, "/api/compute/jobs/retrieve", R"({"jobId":"{job}"})", "member", 200, "SUCCESS");
    row("retrieve unknown", P, "/api/compute/jobs/retrieve", R"({"jobId":"{unknownJob}"})", "member", 404, "NO_DATA");
    row("retrieve no id", P, "/api/compute/jobs/retrieve", "{}", "member", 422, "ERROR");
    row("retrieve no credential", P, "/api/compute/jobs/retrieve", R"({"jobId":"{job}"})", "", 401, "UNAUTHORIZED");
    row("list", P, "/api/compute/jobs/list", "{}", "member", 200, "SUCCESS");
    row("list no body", P, "/api/compute/jobs/list", "", "member", 200, "SUCCESS");
    row("list bad state", P, "/api/compute/jobs/list", R"({"state":"BOGUS"})", "member", 400, "ERROR");
    row("list no credential", P, "/api/compute/jobs/list", "{}", "", 401, "UNAUTHORIZED");
    row("cancel", P, "/api/compute/jobs/cancel", R"({"jobId":"{job}"})", "owner", 200, "SUCCESS");
    row("cancel unknown", P, "/api/compute/jobs/cancel", R"({"jobId":"{unknownJob}"})", "owner", 404, "NO_DATA");
    row("cancel no id", P, "/api/compute/jobs/cancel", R"({"reason":"x"})", "owner", 422, "ERROR");
    row("cancel another's", P, "/api/compute/jobs/cancel", R"({"jobId":"{job}"})", "member", 403, "FORBIDDEN");
    row("retry", P, "/api/compute/jobs/retry", R"({"jobId":"{doneJob}"})", "owner", 200, "SUCCESS");
    row("retry queued", P, "/api/compute/jobs/retry", R"({"jobId":"{job}"})", "owner", 409, "ERROR");
    row("retry no credential", P, "/api/compute/jobs/retry", R"({"jobId":"{doneJob}"})", "", 401, "UNAUTHORIZED");
    row("logs", "GET", "/api/compute/jobs/{job}/logs?follow=false", {}, "member", 200, "SUCCESS");
    row("logs unknown", "GET", "/api/compute/jobs/{unknownJob}/logs?follow=false", {}, "member", 404, "NO_DATA");
    row("logs not an id", "GET", "/api/compute/jobs/nope/logs?follow=false", {}, "member", 404, "NO_DATA");
    row("logs no credential", "GET", "/api/compute/jobs/{job}/logs?follow=false", {}, "", 401, "UNAUTHORIZED");
    // nodes (the valid agent-plane calls are in nodeLifecycle)
    const QByteArray reg = R"({"name":"walk","hostname":"h","version":"t","capabilities":["COMMAND"],)"
                           R"("isolation":"none","resources":{"cpu":1,"memGib":1,"slots":1}})";
    row("register", P, "/api/compute/nodes/register", reg, "owner", 200, "SUCCESS");
    row("register empty", P, "/api/compute/nodes/register", R"({"resources":"x"})", "owner", 422, "ERROR");
    row("register member", P, "/api/compute/nodes/register", reg, "member", 403, "FORBIDDEN");
    row("register no credential", P, "/api/compute/nodes/register", reg, "", 401, "UNAUTHORIZED");
    row("heartbeat person", P, "/api/compute/nodes/heartbeat", "{}", "owner", 403, "FORBIDDEN");
    row("heartbeat bad body", P, "/api/compute/nodes/heartbeat", R"({"load":"high"})", "node", 422, "ERROR");
    row("heartbeat no credential", P, "/api/compute/nodes/heartbeat", "{}", "", 401, "UNAUTHORIZED");
    row("poll person", P, "/api/compute/nodes/poll", R"({"waitSeconds":0})", "member", 403, "FORBIDDEN");
    row("poll bogus key", P, "/api/compute/nodes/poll", R"({"waitSeconds":0})", "bogus", 401, "UNAUTHORIZED");
    row("started no body", P, "/api/compute/nodes/started", "", "node", 400, "ERROR");
    row("started empty", P, "/api/compute/nodes/started", "{}", "node", 422, "ERROR");
    row("result empty", P, "/api/compute/nodes/result", "{}", "node", 422, "ERROR");
    row("result person", P, "/api/compute/nodes/result",
        R"({"jobId":"{job}","attempt":1,"state":"SUCCEEDED","exitCode":0})", "owner", 403, "FORBIDDEN");
    row("node logs empty", P, "/api/compute/nodes/logs", "{}", "node", 422, "ERROR");
    row("node logs person", P, "/api/compute/nodes/logs", R"({"jobId":"{job}","attempt":1,"lines":[]})", "member", 403,
        "FORBIDDEN");
    row("drain", P, "/api/compute/nodes/drain", R"({"nodeId":"{node}"})", "owner", 200, "SUCCESS");
    row("drain unknown", P, "/api/compute/nodes/drain", R"({"nodeId":"{unknownNode}"})", "owner", 404, "NO_DATA");
    row("drain member", P, "/api/compute/nodes/drain", R"({"nodeId":"{node}"})", "member", 403, "FORBIDDEN");
    row("list nodes", P, "/api/compute/nodes/list", "{}", "member", 200, "SUCCESS");
    row("list nodes node key", P, "/api/compute/nodes/list", "{}", "node", 403, "FORBIDDEN");
    row("list nodes no credential", P, "/api/compute/nodes/list", "{}", "", 401, "UNAUTHORIZED");
    row("rotate person", P, "/api/compute/nodes/rotate-key", "{}", "owner", 403, "FORBIDDEN");
    row("rotate no credential", P, "/api/compute/nodes/rotate-key", "{}", "", 401, "UNAUTHORIZED");
    // artifacts: authenticated; fields checked; a job without artifacts has no link; a URL needs its signature
    row("presign-upload", P, "/api/compute/jobs/artifacts/presign-upload", R"({"jobId":"{job}","name":"a"})", "member",
        422, "ERROR");
    row("presign-upload no credential", P, "/api/compute/jobs/artifacts/presign-upload", R"({"jobId":"{job}"})", "",
        401, "UNAUTHORIZED");
    row("presign-download", P, "/api/compute/jobs/artifacts/presign-download", R"({"jobId":"{job}","name":"a"})",
        "member", 404, "NO_DATA");
    row("presign-download node key", P, "/api/compute/jobs/artifacts/presign-download", R"({"jobId":"{job}"})", "node",
        403, "FORBIDDEN");
    row("upload unsigned", "PUT", "/api/compute/artifacts/upload/{job}/a1", "data", "member", 403, "FORBIDDEN");
    row("download unsigned", "GET", "/api/compute/artifacts/download/{job}/a1", {}, "", 403, "FORBIDDEN");
    // api keys
    row("keys list", P, "/api/compute/api-keys/list", "{}", "member", 200, "SUCCESS");
    row("keys list no body", P, "/api/compute/api-keys/list", "", "memberToken", 200, "SUCCESS");
    row("keys list no credential", P, "/api/compute/api-keys/list", "{}", "", 401, "UNAUTHORIZED");
    row("keys create", P, "/api/compute/api-keys/create", R"({"name":"ci"})", "member", 200, "SUCCESS");
    row("keys create bad role", P, "/api/compute/api-keys/create", R"({"name":"ci","role":"boss"})", "member", 422,
        "ERROR");
    row("keys create not json", P, "/api/compute/api-keys/create", "{", "member", 400, "ERROR");
    row("keys create node key", P, "/api/compute/api-keys/create", R"({"name":"ci"})", "node", 403, "FORBIDDEN");
    row("keys revoke", P, "/api/compute/api-keys/revoke", R"({"keyId":"{key}"})", "owner", 200, "SUCCESS");
    row("keys revoke another's", P, "/api/compute/api-keys/revoke", R"({"keyId":"{key}"})", "member", 403, "FORBIDDEN");
    row("keys revoke no id", P, "/api/compute/api-keys/revoke", "{}", "owner", 422, "ERROR");
    row("keys revoke unknown", P, "/api/compute/api-keys/revoke", R"({"keyId":"key_00000000000000000000000000"})",
        "owner", 404, "NO_DATA");
    // billing: authenticated, not metered yet
    row("plans", P, "/api/compute/billing/plans/list", "{}", "member", 200, "NO_DATA");
    row("plans no credential", P, "/api/compute/billing/plans/list", "{}", "", 401, "UNAUTHORIZED");
    row("subscription", P, "/api/compute/billing/subscription", "{}", "owner", 200, "NO_DATA");
    row("subscription member", P, "/api/compute/billing/subscription", "{}", "member", 403, "FORBIDDEN");
    row("checkout", P, "/api/compute/billing/checkout/create", R"({"plan":"team"})", "owner", 200, "NO_DATA");
    row("checkout member", P, "/api/compute/billing/checkout/create", R"({"plan":"team"})", "member", 403, "FORBIDDEN");
    // auth (the whole OTP flow is in otpFlow)
    row("request-otp", P, "/api/auth/request-otp", R"({"email":"nobody@example.test"})", "", 200, "SUCCESS");
    row("request-otp no email", P, "/api/auth/request-otp", "{}", "", 422, "ERROR");
    row("request-otp not json", P, "/api/auth/request-otp", "[]", "", 400, "ERROR");
    row("verify-otp wrong", P, "/api/auth/verify-otp", R"({"email":"nobody@example.test","code":"000000"})", "", 401,
        "UNAUTHORIZED");
    row("verify-otp no code", P, "/api/auth/verify-otp", R"({"email":"nobody@example.test"})", "", 422, "ERROR");
}

void TestRpcSurface::walk()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, who);
    QFETCH(int, http);
    QFETCH(QString, status);
    QString text = path + QLatin1Char('\n') + QString::fromUtf8(body);
    if (text.contains("{job}"))
        text.replace("{job}", submit());
    if (text.contains("{doneJob}")) {
        const QString id = submit();
        QCOMPARE(m_server->request("POST", "/v0/jobs/" + id + ":cancel").status, 200);
        text.replace("{doneJob}", id);
    }
    if (text.contains("{node}"))
        text.replace("{node}", registerNode());
    if (text.contains("{key}"))
        text.replace("{key}", m_server->post("/v0/keys", {{"name", "owner's"}}).json.value("id").toString());
    text.replace("{unknownJob}", kUnknownJob).replace("{unknownNode}", kUnknownNode);
    const qsizetype nl = text.indexOf(QLatin1Char('\n'));
    const auto r = m_team->asRaw(as(who), method, text.left(nl), text.mid(nl + 1).toUtf8());
    const QString problem = envelopeProblem(r, http, status);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    if (status == "SUCCESS" && path.endsWith("/create"))
        QVERIFY2(
            r.json.value("payload").toObject().value("key").toString().startsWith("tnv_"), r.describe().constData());
    if (status == "SUCCESS" && path.endsWith("/submit"))
        QVERIFY2(
            ApiChecks::isJobId(r.json.value("payload").toObject().value("id").toString()), r.describe().constData());
}

void TestRpcSurface::nodeLifecycle()
{
    // this node alone takes work, and only the job submitted below: drain the others and cancel what is
    // queued before it registers (a heartbeat may hand it queued work at once)
    for (const auto &agent : m_server->get("/v0/agents").json.value("agents").toArray())
        QCOMPARE(
            m_server->request("POST", "/v0/agents/" + agent.toObject().value("id").toString() + ":drain").status, 200);
    for (const QString &id : ApiChecks::walkJobs(*m_server, "state=QUEUED").ids)
        QCOMPARE(m_server->request("POST", "/v0/jobs/" + id + ":cancel").status, 200);
    QString key;
    const QString nodeId = registerNode(&key);
    QVERIFY(!nodeId.isEmpty());
    const auto node = TestTeam::keyHeader(key);
    auto r = m_team->as(node, "POST", "/api/compute/nodes/heartbeat", {{"load", 0.1}, {"freeCpu", 1}});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    r = m_team->as(node, "POST", "/api/compute/nodes/poll", {{"waitSeconds", 0}});
    QVERIFY2(envelopeProblem(r, 200, "NO_DATA").isEmpty(), r.describe().constData());
    QVERIFY(r.json.value("payload").isNull());
    const QString jobId = submit();
    r = m_team->as(node, "POST", "/api/compute/nodes/poll", {{"waitSeconds", 5}});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    const QJsonObject a = r.json.value("payload").toObject().value("assignments").toArray().at(0).toObject();
    QCOMPARE(a.value("jobId").toString(), jobId);
    const int attempt = a.value("attempt").toInt();
    r = m_team->as(node, "POST", "/api/compute/nodes/started", {{"jobId", jobId}, {"attempt", attempt}, {"pid", 42}});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    const QJsonArray lines {QJsonObject {{"seq", 1}, {"ts", 1}, {"stream", "stdout"}, {"text", "hello"}}};
    r = m_team->as(node, "POST", "/api/compute/nodes/logs", {{"jobId", jobId}, {"attempt", attempt}, {"lines", lines}});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    QCOMPARE(r.json.value("payload").toObject().value("nextSeq").toInt(), 2);
    // a gap in the seqs: ERROR (conflict) with nextSeq
    const QJsonArray gap {QJsonObject {{"seq", 9}, {"ts", 1}, {"stream", "stdout"}, {"text", "x"}}};
    r = m_team->as(node, "POST", "/api/compute/nodes/logs", {{"jobId", jobId}, {"attempt", attempt}, {"lines", gap}});
    QVERIFY2(envelopeProblem(r, 409, "ERROR").isEmpty(), r.describe().constData());
    r = m_team->as(node, "POST", "/api/compute/nodes/result",
        {{"jobId", jobId}, {"attempt", attempt}, {"state", "SUCCEEDED"}, {"exitCode", 0}, {"runtimeMs", 5}});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    QVERIFY(r.json.value("payload").toObject().value("accepted").toBool());
    r = m_team->as(m_member->key(), "GET", "/api/compute/jobs/" + jobId + "/logs?follow=false");
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    r = m_team->as(m_member->key(), "POST", "/api/compute/jobs/retrieve", {{"jobId", jobId}});
    QCOMPARE(r.json.value("payload").toObject().value("state").toString(), QStringLiteral("SUCCEEDED"));
    // the node drains itself, then rotates its key: the old one is 401 at once
    r = m_team->as(node, "POST", "/api/compute/nodes/drain", QJsonObject {});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    r = m_team->as(node, "POST", "/api/compute/nodes/rotate-key", QJsonObject {});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    const QString fresh = r.json.value("payload").toObject().value("nodeKey").toString();
    QVERIFY(fresh.startsWith("tnv_") && fresh != key);
    r = m_team->as(node, "POST", "/api/compute/nodes/heartbeat", QJsonObject {});
    QVERIFY2(envelopeProblem(r, 401, "UNAUTHORIZED").isEmpty(), r.describe().constData());
    r = m_team->as(TestTeam::keyHeader(fresh), "POST", "/api/compute/nodes/heartbeat", QJsonObject {});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    QCOMPARE(r.json.value("payload").toObject().value("state").toString(), QStringLiteral("DRAINING"));
}

void TestRpcSurface::otpFlow()
{
    const QString email = m_member->email;
    auto r = m_team->as({}, "POST", "/api/auth/request-otp", {{"email", email}});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    const QRegularExpression line(
        QStringLiteral("OTP for %1: (\\d{6}) \\(no --smtp-url configured\\)").arg(QRegularExpression::escape(email)));
    QString code;
    QTRY_VERIFY_WITH_TIMEOUT(!(code = line.match(QString::fromUtf8(m_server->output())).captured(1)).isEmpty(), 5000);
    const QString wrong = code == "000000" ? "111111" : "000000";
    r = m_team->as({}, "POST", "/api/auth/verify-otp", {{"email", email}, {"code", wrong}});
    QVERIFY2(envelopeProblem(r, 401, "UNAUTHORIZED").isEmpty(), r.describe().constData());
    r = m_team->as({}, "POST", "/api/auth/verify-otp", {{"email", email}, {"code", code}});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
    const QString token = r.json.value("payload").toObject().value("accessToken").toString();
    QVERIFY(!token.isEmpty());
    const auto me = m_team->as({{"Authorization", "Bearer " + token.toLatin1()}}, "GET", "/v0/auth/me");
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value("user").toObject().value("email").toString(), email);
    // the code is single-use
    r = m_team->as({}, "POST", "/api/auth/verify-otp", {{"email", email}, {"code", code}});
    QVERIFY2(envelopeProblem(r, 401, "UNAUTHORIZED").isEmpty(), r.describe().constData());
    // and a JWT from it works on the RPC surface
    r = m_team->as({{"Authorization", "Bearer " + token.toLatin1()}}, "POST", "/api/compute/jobs/list", QJsonObject {});
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), r.describe().constData());
}

// Sign-in routes are limited per address (120/min) and failed tries per account: past either, the
// answer is 429 with Retry-After and a RATE_LIMITED envelope.
void TestRpcSurface::rateLimitedEnvelope()
{
    TestServer::Reply r;
    for (int i = 0; i < 200 && r.status != 429; ++i)
        r = m_team->as({}, "POST", "/api/auth/verify-otp", {{"email", "limited@example.test"}, {"code", "123456"}});
    QVERIFY2(envelopeProblem(r, 429, "RATE_LIMITED").isEmpty(), r.describe().constData());
    QVERIFY2(r.header("retry-after").toInt() > 0, r.describe().constData());
    r = m_team->as({}, "POST", "/api/auth/request-otp", {{"email", "limited@example.test"}});
    QVERIFY2(r.status == 429 || r.status == 200, r.describe().constData());
    QVERIFY2(
        envelopeProblem(r, r.status, r.status == 429 ? "RATE_LIMITED" : "SUCCESS").isEmpty(), r.describe().constData());
}

QTEST_GUILESS_MAIN(TestRpcSurface)
#include "tst_rpcsurface.moc"

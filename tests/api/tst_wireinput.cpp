// Values from the wire are checked before they become a path, a SQL parameter, a map key or a C++
// integer: ids of jobs and agents (in paths, in RPC bodies, in what agents report), integers from JSON
// (1e300, -1, 2^53+1, a string where a number goes), container images that look like options.
// Every row gets its documented error (404 for a path that names nothing, 422 naming the field).
#include "ApiChecks.h"
#include "TestServer.h"

#include <QJsonDocument>
#include <QtTest>

using namespace ApiChecks;

class TestWireInput : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void badValues_data();
    void badValues();
    void goodAgentCallsStillWork();

private:
    std::unique_ptr<TestServer> m_server;
    QString m_nodeKey;
    QString m_nodeId;
    QString m_jobId;
};

void TestWireInput::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
    const TestServer::Reply reg = m_server->post(
        QStringLiteral("/api/compute/nodes/register"), {{"name", "wire"}, {"capabilities", QJsonArray {"COMMAND"}}});
    QVERIFY2(reg.status == 200, reg.describe().constData());
    m_nodeKey = reg.json.value("payload").toObject().value("nodeKey").toString();
    m_nodeId = reg.json.value("payload").toObject().value("nodeId").toString();
    QVERIFY(!m_nodeKey.isEmpty());
    m_jobId = m_server->submitJob({{"command", "true"}});
    QVERIFY(!m_jobId.isEmpty());
}

void TestWireInput::badValues_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("asNode"); // use the node key instead of the admin key
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field"); // for 422: what the fields must name

    auto row = [](const char *name, const QByteArray &method, const QString &path, const QByteArray &body, bool node,
                   int status, const QString &field = {}) {
        QTest::newRow(name) << method << path << body << node << status << field;
    };
    auto node = [&](const char *name, const char *call, const QByteArray &body, const char *field) {
        row(name, "POST", QStringLiteral("/api/compute/nodes/") + QLatin1String(call), body, true, 422,
            QLatin1String(field));
    };
    auto submit = [&](const char *name, const QByteArray &body, const char *field) {
        row(name, "POST", QStringLiteral("/v0/jobs"), body, false, 422, QLatin1String(field));
    };

    // Job ids in paths: anything but a job id names no job.
    row("path id dot-dot", "GET", QStringLiteral("/v0/jobs/..%2F..%2Fadmin.key"), {}, false, 404);
    row("path id quote", "GET", QStringLiteral("/v0/jobs/job_'%20OR%201=1"), {}, false, 404);
    row("path id too long", "GET", QStringLiteral("/v0/jobs/job_") + QString(300, QLatin1Char('a')), {}, false, 404);
    row("path id bad alphabet", "GET", QStringLiteral("/v0/jobs/job_0123456789abcdefghijklmnou"), {}, false, 404);
    row("path id nul", "GET", QStringLiteral("/v0/jobs/job_%00"), {}, false, 404);
    row("cancel bad id", "POST", QStringLiteral("/v0/jobs/x:cancel"), {}, false, 404);
    row("retry bad id", "POST", QStringLiteral("/v0/jobs/x:retry"), {}, false, 404);
    row("logs bad id", "GET", QStringLiteral("/v0/jobs/..%2Fx/logs"), {}, false, 404);
    row("rpc logs bad id", "GET", QStringLiteral("/api/compute/jobs/%2E%2E/logs"), {}, false, 404);
    row("agent bad id", "GET", QStringLiteral("/v0/agents/..%2F.."), {}, false, 404);
    row("agent drain bad id", "POST", QStringLiteral("/v0/agents/x:drain"), {}, false, 404);
    row("agent delete bad id", "DELETE", QStringLiteral("/v0/agents/x"), {}, false, 404);
    // ... and in RPC bodies.
    row("rpc retrieve bad id", "POST", QStringLiteral("/api/compute/jobs/retrieve"), R"({"jobId":"../../admin.key"})",
        false, 422, QStringLiteral("jobId"));
    row("rpc retrieve number id", "POST", QStringLiteral("/api/compute/jobs/retrieve"), R"({"jobId":5})", false, 422,
        QStringLiteral("jobId"));
    row("rpc cancel bad id", "POST", QStringLiteral("/api/compute/jobs/cancel"), R"({"id":"x"})", false, 422,
        QStringLiteral("id"));
    row("rpc retry no id", "POST", QStringLiteral("/api/compute/jobs/retry"), R"({})", false, 422,
        QStringLiteral("id|jobId"));

    // What agents send: ids and integers.
    node("started path id", "started", R"({"jobId":"../../etc/passwd","attempt":1})", "jobId");
    node("started no id", "started", R"({"attempt":1})", "jobId");
    node("started attempt string", "started", R"({"jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":"1"})", "attempt");
    node(
        "started attempt 1e300", "started", R"({"jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":1e300})", "attempt");
    node("started attempt -1", "started", R"({"jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":-1})", "attempt");
    node("started attempt fraction", "started", R"({"jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":1.5})",
        "attempt");
    const QByteArray res = R"("jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":1,"state":"SUCCEEDED")";
    node("result id too long", "result", R"({"jobId":")" + QByteArray(5000, 'j') + R"(","attempt":1,"state":"FAILED"})",
        "jobId");
    node("result runtime 1e300", "result", "{" + res + R"(,"runtimeMs":1e300})", "runtimeMs");
    node("result runtime 2^53+2", "result", "{" + res + R"(,"runtimeMs":9007199254740994})", "runtimeMs");
    node("result exit code 2^31", "result", "{" + res + R"(,"exitCode":2147483648})", "exitCode");
    node("result exit code string", "result", "{" + res + R"(,"exitCode":"0"})", "exitCode");
    node("result cpu string", "result", "{" + res + R"(,"cpuSeconds":"1"})", "cpuSeconds");
    node("result cpu -1e300", "result", "{" + res + R"(,"cpuSeconds":-1e300})", "cpuSeconds");
    node("result state number", "result", R"({"jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":1,"state":7})",
        "state");
    node("logs bad id", "logs", R"({"jobId":"x/../../y","attempt":1,"lines":[]})", "jobId");
    node("logs attempt 2^53+1", "logs",
        R"({"jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":9007199254740993,"lines":[]})", "attempt");
    node("logs lines object", "logs", R"({"jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":1,"lines":{}})", "lines");
    node("heartbeat load string", "heartbeat", R"({"load":"high"})", "load");
    node("heartbeat running bad id", "heartbeat", R"({"runningJobs":[{"jobId":"../x","attempt":1}]})",
        "runningJobs[].jobId|runningJobs");
    node("heartbeat running attempt 1e300", "heartbeat",
        R"({"runningJobs":[{"jobId":"job_01hq3k5v7x9z1b3d5f7h9k1m3p","attempt":1e300}]})",
        "runningJobs[].attempt|runningJobs");
    node("heartbeat running not objects", "heartbeat", R"({"runningJobs":["job_01hq3k5v7x9z1b3d5f7h9k1m3p"]})",
        "runningJobs");
    node("heartbeat restarted string", "heartbeat", R"({"restarted":"yes"})", "restarted");
    node("heartbeat gpus not array", "heartbeat", R"({"gpus":{"memoryTotalMiB":1e300}})", "gpus");
    node("poll wait string", "poll", R"({"waitSeconds":"25"})", "waitSeconds");
    node("poll wait 1e300", "poll", R"({"waitSeconds":1e300})", "waitSeconds");
    node("drain bad node id", "drain", R"({"nodeId":"../node"})", "nodeId");
    row("register slots 1e300", "POST", QStringLiteral("/api/compute/nodes/register"),
        R"({"name":"x","resources":{"slots":1e300}})", false, 422, QStringLiteral("resources.slots|resources"));
    row("register cpu string", "POST", QStringLiteral("/api/compute/nodes/register"),
        R"({"name":"x","resources":{"cpu":"8"}})", false, 422, QStringLiteral("resources.cpu|resources"));

    // Integers in a job spec.
    submit("priority 1e300", R"({"command":"x","priority":1e300})", "priority");
    submit("priority -1e300", R"({"command":"x","priority":-1e300})", "priority");
    submit("maxRetries 2^53+1", R"({"command":"x","maxRetries":9007199254740993})", "maxRetries");
    submit("timeout 1e19", R"({"command":"x","timeoutSeconds":1e19})", "timeoutSeconds");
    submit("gpus 1e300", R"({"command":"x","resources":{"gpus":1e300}})", "resources.gpus|resources");
    // Container images that an engine would read as an option.
    submit("image option", R"({"type":"CONTAINER","image":"--privileged"})", "image");
    submit("image dash", R"({"type":"CONTAINER","image":"-v/:/host"})", "image");
    submit("image space", R"({"type":"CONTAINER","image":"alpine --rm"})", "image");
    submit("image newline", R"({"type":"CONTAINER","image":"alpine\nx"})", "image");
}

void TestWireInput::badValues()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(bool, asNode);
    QFETCH(int, status);
    QFETCH(QString, field);
    TestServer::Headers headers;
    if (asNode)
        headers.append({"X-API-Key", m_nodeKey.toLatin1()});
    const TestServer::Reply r = m_server->request(method, path, body, headers, !asNode);
    QVERIFY2(r.status == status, r.describe().constData());
    if (path.startsWith(QLatin1String("/api/"))) {
        // the RPC envelope: {"status":…, "code":…, "message":…, "payload":{"fields":{…}}}
        QCOMPARE(r.json.value("code").toString(), codeFor(status));
        if (!field.isEmpty()) {
            const QJsonObject fields = r.json.value("payload").toObject().value("fields").toObject();
            bool named = false;
            for (const QString &f : field.split(QLatin1Char('|')))
                named = named || fields.contains(f);
            QVERIFY2(named, r.describe().constData());
        }
    } else {
        const QString problem = errorProblem(r, status, field);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    QVERIFY2(!r.body.contains(QByteArray(300, 'a')) && !r.body.contains(QByteArray(300, 'j')),
        "the error echoes an over-long id in full");
    QCOMPARE(m_server->get(QStringLiteral("/health"), false).status, 200);
}

void TestWireInput::goodAgentCallsStillWork()
{
    // The agent's own calls, with well-formed values, are accepted as before.
    const TestServer::Headers node {{"X-API-Key", m_nodeKey.toLatin1()}};
    auto call = [&](const char *name, const QJsonObject &body) {
        return m_server->request("POST", QStringLiteral("/api/compute/nodes/") + QLatin1String(name),
            QJsonDocument(body).toJson(), node, false);
    };
    TestServer::Reply hb = call("heartbeat",
        {{"load", 0.5}, {"freeCpu", 1.5}, {"freeMemGib", 3.25}, {"gpus", QJsonArray {}}, {"runningJobs", QJsonArray {}},
            {"someNewField", "ignored"}});
    QVERIFY2(hb.status == 200, hb.describe().constData());
    TestServer::Reply poll = call("poll", {{"waitSeconds", 0}, {"max", 4}});
    QVERIFY2(poll.status == 200, poll.describe().constData());
    TestServer::Reply started = call("started", {{"jobId", m_jobId}, {"attempt", 1}});
    QVERIFY2(started.status == 200 || started.status == 409, started.describe().constData());
    TestServer::Reply result = call("result",
        {{"jobId", m_jobId}, {"attempt", 1}, {"state", "SUCCEEDED"}, {"exitCode", 0}, {"runtimeMs", 12},
            {"cpuSeconds", 0.01}, {"error", ""}, {"peakMemBytes", 1024}});
    QVERIFY2(result.status == 200, result.describe().constData());
    const TestServer::Reply get = m_server->get(QStringLiteral("/v0/jobs/") + m_jobId);
    QCOMPARE(get.status, 200);
    const TestServer::Reply image = m_server->request("POST", QStringLiteral("/v0/jobs"),
        R"({"type":"CONTAINER","image":"registry.example:5000/team/app:1.2@sha256:abc"})");
    QVERIFY2(image.status == 201, image.describe().constData());
}

QTEST_GUILESS_MAIN(TestWireInput)
#include "tst_wireinput.moc"

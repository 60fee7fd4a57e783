// Black-box tests of the /v0 jobs API as a user drives it: submit, get, list with filters, cancel, retry,
// idempotent submits, the open endpoints (health, version, ready, metrics), authentication and shutdown.
#include "ApiChecks.h"
#include "TestServer.h"

#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QUuid>
#include <QtTest>

#include <sys/stat.h>

using namespace ApiChecks;

class TestJobsApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void openEndpoints_data();
    void openEndpoints();
    void healthVersionReadyBodies();
    void metricsCountJobsByState();
    void authentication_data();
    void authentication();
    void apiVersionHeader();
    void headAnswersHeadersOnly();
    void adminKeyFileIsPrivate();

    void submitAndGetEveryField();
    void submitOtherJobKinds();
    void getUnknownJobIs404_data();
    void getUnknownJobIs404();
    void listFiltersByStateAndLabels();
    void listFiltersBySinceAndUntil();
    void listLimitAndDefault();
    void cancelQueuedJobIsIdempotent();
    void cancelUnknownJobIs404();
    void retryQueuedJobIsConflict();
    void retryCancelledJobStartsAttemptTwo();
    void idempotentSubmit_data();
    void idempotentSubmit();

    void sigtermExitsCleanlyAndKeepsJobs(); // last: stops the server

private:
    // A label value unique to one test, so list assertions see only that test's jobs.
    static QString uniqueRun() { return QUuid::createUuid().toString(QUuid::Id128).left(12); }
    QJsonObject getJob(const QString &id);
    QStringList listIds(const QString &query);

    std::unique_ptr<TestServer> m_server;
    QString m_keptJob; // checked after the clean restart at the end
};

QJsonObject TestJobsApi::getJob(const QString &id)
{
    const TestServer::Reply r = m_server->get(QStringLiteral("/v0/jobs/") + id);
    if (r.status != 200)
        qWarning().noquote() << "GET job" << id << r.describe();
    return r.status == 200 ? r.json : QJsonObject();
}

QStringList TestJobsApi::listIds(const QString &query)
{
    const TestServer::Reply r = m_server->get(QStringLiteral("/v0/jobs?") + query);
    if (r.status != 200) {
        qWarning().noquote() << "list" << query << r.describe();
        return {QStringLiteral("<list failed: HTTP %1>").arg(r.status)};
    }
    return idsOf(r.json.value(QStringLiteral("jobs")).toArray());
}

void TestJobsApi::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
    QVERIFY(m_server->adminKey().startsWith(QLatin1String("tnv_")));
}

void TestJobsApi::openEndpoints_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("health") << "/health";
    QTest::newRow("version") << "/version";
    QTest::newRow("ready") << "/v0/health/ready";
    QTest::newRow("metrics") << "/metrics";
}

void TestJobsApi::openEndpoints()
{
    QFETCH(QString, path);
    const TestServer::Reply r = m_server->get(path, /*auth=*/false);
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(r.header("x-compute-api-version"), QByteArray("v0"));
}

void TestJobsApi::healthVersionReadyBodies()
{
    const TestServer::Reply health = m_server->get(QStringLiteral("/health"), false);
    QCOMPARE(health.json.value("status").toString(), QStringLiteral("healthy"));
    QVERIFY(health.header("content-type").startsWith("application/json"));

    const TestServer::Reply version = m_server->get(QStringLiteral("/version"), false);
    QVERIFY2(!version.json.value("name").toString().isEmpty(), version.describe().constData());
    QVERIFY2(!version.json.value("version").toString().isEmpty(), version.describe().constData());
    QCOMPARE(version.json.value("apiVersion").toString(), QStringLiteral("v0"));

    const TestServer::Reply ready = m_server->get(QStringLiteral("/v0/health/ready"), false);
    QCOMPARE(ready.json.value("status").toString(), QStringLiteral("ready"));
    QCOMPARE(ready.json.value("checks").toObject().value("store").toString(), QStringLiteral("ok"));
}

namespace {
// Value of the sample line that starts exactly with `series` (e.g. tanvrit_jobs{state="QUEUED"}), or -1.
double metricValue(const QByteArray &text, const QByteArray &series)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).trimmed().split(' ').first().toDouble();
    }
    return -1;
}
} // namespace

void TestJobsApi::metricsCountJobsByState()
{
    const TestServer::Reply before = m_server->get(QStringLiteral("/metrics"), false);
    QCOMPARE(before.status, 200);
    QVERIFY2(before.header("content-type").startsWith("text/plain"), before.header("content-type").constData());
    for (const char *state :
        {"QUEUED", "ASSIGNED", "RUNNING", "CANCELLING", "SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED"}) {
        const QByteArray series = QByteArray("tanvrit_jobs{state=\"") + state + "\"}";
        QVERIFY2(before.body.contains(series), series.constData());
    }
    QVERIFY(before.body.contains("tanvrit_queue_depth"));
    QVERIFY(before.body.contains("tanvrit_http_requests_total"));

    // The gauge follows the store: one more QUEUED job shows up (allowing for a sampled gauge).
    const double queued = metricValue(before.body, "tanvrit_jobs{state=\"QUEUED\"}");
    QVERIFY2(queued >= 0, "no tanvrit_jobs{state=\"QUEUED\"} sample");
    QVERIFY(!m_server->submitJob({{"command", "true"}}).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(
        metricValue(m_server->get(QStringLiteral("/metrics"), false).body, "tanvrit_jobs{state=\"QUEUED\"}")
            == queued + 1,
        20000);
}

void TestJobsApi::authentication_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("status");
    const QByteArray key = m_server->adminKey().toUtf8();
    QTest::newRow("no key") << QByteArray() << QByteArray() << 401;
    QTest::newRow("wrong X-API-Key") << QByteArray("X-API-Key") << QByteArray("tnv_notarealkey0000000000000") << 401;
    QTest::newRow("key without prefix") << QByteArray("X-API-Key") << key.mid(4) << 401;
    QTest::newRow("empty X-API-Key") << QByteArray("X-API-Key") << QByteArray("") << 401;
    QTest::newRow("wrong bearer") << QByteArray("Authorization") << QByteArray("Bearer tnv_wrong") << 401;
    QTest::newRow("basic scheme") << QByteArray("Authorization") << ("Basic " + key.toBase64()) << 401;
    QTest::newRow("X-API-Key") << QByteArray("X-API-Key") << key << 200;
    QTest::newRow("bearer admin key") << QByteArray("Authorization") << ("Bearer " + key) << 200;
}

void TestJobsApi::authentication()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    QFETCH(int, status);
    TestServer::Headers headers;
    if (!header.isEmpty())
        headers << qMakePair(header, value);
    for (const QString &path :
        {QStringLiteral("/v0/jobs"), QStringLiteral("/v0/jobs/job_00000000000000000000000000")}) {
        const TestServer::Reply r = m_server->request("GET", path, {}, headers, /*auth=*/false);
        if (status == 401) {
            const QString problem = errorProblem(r, 401);
            QVERIFY2(problem.isEmpty(), qPrintable(path + QStringLiteral(": ") + problem));
        } else if (path == QLatin1String("/v0/jobs")) {
            QVERIFY2(r.status == 200, r.describe().constData());
        } else {
            QVERIFY2(r.status == 404, r.describe().constData()); // authenticated, so the id is looked up
        }
    }
    // A submit without valid credentials creates nothing.
    const QJsonObject body {{"command", "echo auth"}};
    const TestServer::Reply submit
        = m_server->request("POST", QStringLiteral("/v0/jobs"), QJsonDocument(body).toJson(), headers, false);
    QCOMPARE(submit.status, status == 401 ? 401 : 201);
}

void TestJobsApi::headAnswersHeadersOnly()
{
    // HEAD then GET on one keep-alive connection: the HEAD answer has the GET's Content-Length but no
    // body, so the GET's answer follows its header block directly.
    QTcpSocket sock;
    sock.connectToHost(m_server->url().host(), quint16(m_server->url().port()));
    QVERIFY(sock.waitForConnected(5000));
    const QByteArray key = m_server->adminKey().toLatin1();
    sock.write("HEAD /v0/jobs HTTP/1.1\r\nHost: t\r\nX-API-Key: " + key
        + "\r\n\r\n"
          "GET /version HTTP/1.1\r\nHost: t\r\n\r\n");
    QByteArray in;
    QVERIFY(QTest::qWaitFor(
        [&] {
            sock.waitForReadyRead(50);
            in += sock.readAll();
            return in.endsWith("}");
        },
        10000));
    const qsizetype headEnd = in.indexOf("\r\n\r\n");
    QVERIFY(headEnd > 0);
    QVERIFY2(in.startsWith("HTTP/1.1 200"), in.constData());
    QVERIFY2(in.contains("Content-Length: "), in.constData());
    QVERIFY2(in.mid(headEnd + 4).startsWith("HTTP/1.1 200"), in.constData());
    QVERIFY2(in.mid(headEnd + 4).contains("\"name\":\"tanvrit-compute\""), in.constData());
}

void TestJobsApi::apiVersionHeader()
{
    const TestServer::Reply v1
        = m_server->request("GET", QStringLiteral("/v0/jobs"), {}, {{"X-Compute-API-Version", "v1"}});
    const QString problem = errorProblem(v1, 400);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const TestServer::Reply submitV1 = m_server->request(
        "POST", QStringLiteral("/v0/jobs"), R"({"command":"echo v1"})", {{"X-Compute-API-Version", "v1"}});
    QVERIFY2(errorProblem(submitV1, 400).isEmpty(), submitV1.describe().constData());

    const TestServer::Reply v0
        = m_server->request("GET", QStringLiteral("/v0/jobs"), {}, {{"X-Compute-API-Version", "v0"}});
    QVERIFY2(v0.status == 200, v0.describe().constData());
    QCOMPARE(v0.header("x-compute-api-version"), QByteArray("v0"));

    // Errors carry the version header too.
    const TestServer::Reply missing = m_server->get(QStringLiteral("/v0/jobs/job_00000000000000000000000000"));
    QCOMPARE(missing.header("x-compute-api-version"), QByteArray("v0"));
}

void TestJobsApi::adminKeyFileIsPrivate()
{
    const QByteArray path = QDir(m_server->dataDir()).filePath(QStringLiteral("admin.key")).toLocal8Bit();
    struct stat st
    {
    };
    QCOMPARE(::stat(path.constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);
}

void TestJobsApi::submitAndGetEveryField()
{
    const QJsonObject env {{"FOO", "bar"}, {"EMPTY", ""}};
    const QJsonObject resources {{"cpu", 2.5}, {"memGib", 1.5}, {"gpus", 1}};
    const QJsonObject labels {{"arch", "arm64"}, {"team", "ml"}};
    const QJsonObject body {{"type", "COMMAND"}, {"command", "echo hello"}, {"env", env},
        {"secrets", QJsonArray {"DB_PASSWORD"}}, {"resources", resources}, {"priority", -7}, {"maxRetries", 3},
        {"timeoutSeconds", 30}, {"workingDir", "/tmp"}, {"artifacts", QJsonArray {"out/*.txt"}}, {"labels", labels}};
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const TestServer::Reply submit = m_server->post(QStringLiteral("/v0/jobs"), body);
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    QVERIFY2(submit.status == 201, submit.describe().constData());
    QVERIFY(submit.header("content-type").startsWith("application/json"));
    QCOMPARE(submit.header("x-compute-api-version"), QByteArray("v0"));
    const QString id = submit.json.value("id").toString();
    QVERIFY2(isJobId(id), qPrintable(id));
    QCOMPARE(submit.json.value("state").toString(), QStringLiteral("QUEUED"));
    const QString createdAt = submit.json.value("createdAt").toString();
    QVERIFY2(isIsoUtcMs(createdAt), qPrintable(createdAt));
    QVERIFY2(isoToMs(createdAt) >= before - 1000 && isoToMs(createdAt) <= after + 1000, qPrintable(createdAt));

    const QJsonObject job = getJob(id);
    QCOMPARE(job.value("id").toString(), id);
    QVERIFY(job.value("workspaceId").isString() && !job.value("workspaceId").toString().isEmpty());
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(job.value("type").toString(), QStringLiteral("COMMAND"));
    QCOMPARE(job.value("command").toString(), QStringLiteral("echo hello"));
    QCOMPARE(job.value("env").toObject(), env);
    QCOMPARE(job.value("resources").toObject().value("cpu").toDouble(), 2.5);
    QCOMPARE(job.value("resources").toObject().value("memGib").toDouble(), 1.5);
    QCOMPARE(job.value("resources").toObject().value("gpus").toInt(), 1);
    QCOMPARE(job.value("priority").toInt(), -7);
    QCOMPARE(job.value("maxRetries").toInt(), 3);
    QCOMPARE(job.value("timeoutSeconds").toInt(), 30);
    QCOMPARE(job.value("labels").toObject(), labels);
    QCOMPARE(job.value("attempt").toInt(), 1);
    QCOMPARE(job.value("createdAt").toString(), createdAt);
    QVERIFY2(isIsoUtcMs(job.value("updatedAt").toString()), qPrintable(job.value("updatedAt").toString()));
    QVERIFY2(job.contains("exitCode") && job.value("exitCode").isNull(), "exitCode must be null until known");
    QVERIFY2(job.contains("runtimeMs") && job.value("runtimeMs").isNull(), "runtimeMs must be null until known");
    QVERIFY2(job.contains("agentId") && job.value("agentId").isNull(), "agentId must be null while unassigned");
    // Optional members, when returned, must echo what was submitted; secret values never appear.
    if (job.contains("workingDir"))
        QCOMPARE(job.value("workingDir").toString(), QStringLiteral("/tmp"));
    if (job.contains("artifacts"))
        QCOMPARE(job.value("artifacts").toArray(), QJsonArray {"out/*.txt"});
    if (job.contains("secrets"))
        QCOMPARE(job.value("secrets").toArray(), QJsonArray {"DB_PASSWORD"});

    const QJsonArray history = job.value("history").toArray();
    QCOMPARE(history.size(), 1);
    const QJsonObject first = history.first().toObject();
    QCOMPARE(first.value("state").toString(), QStringLiteral("QUEUED"));
    QVERIFY2(isIsoUtcMs(first.value("at").toString()), qPrintable(first.value("at").toString()));
    QCOMPARE(first.value("attempt").toInt(), 1);
    QVERIFY(first.contains("actor"));
    QVERIFY(first.contains("reason"));
    // No agent is registered, so the job says why it waits (a scheduler pass may set it just after the 201).
    QTRY_VERIFY2_WITH_TIMEOUT(
        !getJob(id).value("pendingReason").toString().isEmpty(), QJsonDocument(getJob(id)).toJson().constData(), 5000);

    // The list shows the same job with the same representation.
    const TestServer::Reply list = m_server->get(QStringLiteral("/v0/jobs?label=team:ml&label=arch:arm64"));
    QCOMPARE(list.status, 200);
    const QJsonArray jobs = list.json.value("jobs").toArray();
    QCOMPARE(idsOf(jobs), QStringList {id});
    QCOMPARE(jobs.first().toObject().value("command").toString(), QStringLiteral("echo hello"));
    QCOMPARE(jobs.first().toObject().value("history").toArray().size(), 1);
}

void TestJobsApi::submitOtherJobKinds()
{
    const QString plain = m_server->submitJob({{"command", "true"}});
    QVERIFY(!plain.isEmpty());
    QCOMPARE(getJob(plain).value("type").toString(), QStringLiteral("COMMAND")); // the default type

    const QJsonArray argv {"printf", "%s\\n", "a b", "$HOME"};
    const QString withArgv = m_server->submitJob({{"argv", argv}});
    QVERIFY(!withArgv.isEmpty());
    QCOMPARE(getJob(withArgv).value("argv").toArray(), argv);

    const QString container = m_server->submitJob(
        {{"type", "CONTAINER"}, {"image", "docker.io/library/alpine:3.19"}, {"cmd", QJsonArray {"echo", "hi"}}});
    QVERIFY(!container.isEmpty());
    const QJsonObject c = getJob(container);
    QCOMPARE(c.value("type").toString(), QStringLiteral("CONTAINER"));
    QCOMPARE(c.value("image").toString(), QStringLiteral("docker.io/library/alpine:3.19"));
    QCOMPARE(c.value("cmd").toArray(), (QJsonArray {"echo", "hi"}));

    const QString render = m_server->submitJob({{"type", "render"}, {"command", "blender -b scene.blend"}});
    QVERIFY(!render.isEmpty());
    QCOMPARE(getJob(render).value("type").toString(), QStringLiteral("render"));

    // Text outside ASCII survives the round trip.
    const QString unicode = m_server->submitJob({{"command", QStringLiteral("echo 'héllo wörld ✓ 日本'")}});
    QVERIFY(!unicode.isEmpty());
    QCOMPARE(getJob(unicode).value("command").toString(), QStringLiteral("echo 'héllo wörld ✓ 日本'"));
}

void TestJobsApi::getUnknownJobIs404_data()
{
    QTest::addColumn<QString>("id");
    QTest::newRow("well-formed unknown") << "job_00000000000000000000000000";
    QTest::newRow("malformed") << "not-a-job-id";
    QTest::newRow("wrong prefix") << "agt_01hzzzzzzzzzzzzzzzzzzzzzzz";
    QTest::newRow("too long") << QString(QStringLiteral("job_") + QString(300, QLatin1Char('a')));
    QTest::newRow("sql-ish") << "job_'%20OR%20'1'='1";
}

void TestJobsApi::getUnknownJobIs404()
{
    QFETCH(QString, id);
    const TestServer::Reply r = m_server->get(QStringLiteral("/v0/jobs/") + id);
    const QString problem = errorProblem(r, 404);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestJobsApi::listFiltersByStateAndLabels()
{
    const QString run = uniqueRun();
    const QString a
        = m_server->submitJob({{"command", "a"}, {"labels", QJsonObject {{"run", run}, {"arch", "arm64"}}}});
    const QString b
        = m_server->submitJob({{"command", "b"}, {"labels", QJsonObject {{"run", run}, {"arch", "amd64"}}}});
    const QString c = m_server->submitJob(
        {{"command", "c"}, {"labels", QJsonObject {{"run", run}, {"arch", "arm64"}, {"gpu", "h100"}}}});
    QVERIFY(!a.isEmpty() && !b.isEmpty() && !c.isEmpty());
    const QString byRun = QStringLiteral("label=run:") + run;

    QCOMPARE(listIds(byRun), (QStringList {c, b, a})); // newest first
    QCOMPARE(listIds(byRun + QStringLiteral("&label=arch:arm64")), (QStringList {c, a}));
    QCOMPARE(listIds(byRun + QStringLiteral("&label=arch:arm64&label=gpu:h100")), QStringList {c});
    QCOMPARE(listIds(byRun + QStringLiteral("&label=arch:riscv")), QStringList());
    QCOMPARE(listIds(byRun + QStringLiteral("&state=QUEUED")), (QStringList {c, b, a}));

    const TestServer::Reply cancel = m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(b));
    QVERIFY2(cancel.status == 200, cancel.describe().constData());
    QCOMPARE(listIds(byRun + QStringLiteral("&state=QUEUED")), (QStringList {c, a}));
    QCOMPARE(listIds(byRun + QStringLiteral("&state=CANCELLED")), QStringList {b});
    QCOMPARE(listIds(byRun + QStringLiteral("&state=SUCCEEDED")), QStringList());
    QCOMPARE(listIds(byRun + QStringLiteral("&state=CANCELLED&label=arch:arm64")), QStringList());

    // Every listed job matches the filter, also without a label narrowing it.
    const TestServer::Reply queued = m_server->get(QStringLiteral("/v0/jobs?state=QUEUED&limit=1000"));
    QCOMPARE(queued.status, 200);
    for (const auto &j : queued.json.value("jobs").toArray())
        QCOMPARE(j.toObject().value("state").toString(), QStringLiteral("QUEUED"));
    QVERIFY(!idsOf(queued.json.value("jobs").toArray()).contains(b));
}

void TestJobsApi::listFiltersBySinceAndUntil()
{
    // Three jobs at distinct milliseconds at least 2 ms apart, so bounds can fall strictly between them.
    const QString run = uniqueRun();
    QStringList ids;
    QList<qint64> created;
    for (int i = 0; i < 3; ++i) {
        if (!created.isEmpty()) {
            const qint64 last = created.last();
            QTRY_VERIFY(QDateTime::currentMSecsSinceEpoch() > last + 2);
        }
        const TestServer::Reply r
            = m_server->post(QStringLiteral("/v0/jobs"), {{"command", "t"}, {"labels", QJsonObject {{"run", run}}}});
        QVERIFY2(r.status == 201, r.describe().constData());
        ids << r.json.value("id").toString();
        created << isoToMs(r.json.value("createdAt").toString());
    }
    QVERIFY2(created[0] + 2 <= created[1] && created[1] + 2 <= created[2], "createdAt values too close together");
    const QString byRun = QStringLiteral("label=run:") + run;
    auto enc = [](const QString &s) { return QString::fromUtf8(QUrl::toPercentEncoding(s)); };

    QCOMPARE(listIds(byRun + QStringLiteral("&since=%1").arg(created[0] + 1)), (QStringList {ids[2], ids[1]}));
    QCOMPARE(listIds(byRun + QStringLiteral("&until=%1").arg(created[2] - 1)), (QStringList {ids[1], ids[0]}));
    QCOMPARE(listIds(byRun + QStringLiteral("&since=%1&until=%2").arg(created[0] + 1).arg(created[2] - 1)),
        QStringList {ids[1]});
    QCOMPARE(listIds(byRun + QStringLiteral("&since=") + enc(msToIso(created[0] + 1))), (QStringList {ids[2], ids[1]}));
    QCOMPARE(listIds(byRun + QStringLiteral("&until=") + enc(msToIso(created[2] - 1))), (QStringList {ids[1], ids[0]}));
    QCOMPARE(listIds(byRun + QStringLiteral("&since=%1").arg(created[2] + 1)), QStringList());
    QCOMPARE(listIds(byRun + QStringLiteral("&until=%1").arg(created[0] - 1)), QStringList());
}

void TestJobsApi::listLimitAndDefault()
{
    const QString run = uniqueRun();
    QStringList ids;
    for (int i = 0; i < 55; ++i) {
        ids.prepend(m_server->submitJob({{"command", "l"}, {"labels", QJsonObject {{"run", run}}}}));
        QVERIFY(!ids.first().isEmpty());
    }
    const QString byRun = QStringLiteral("label=run:") + run;

    const TestServer::Reply dflt = m_server->get(QStringLiteral("/v0/jobs?") + byRun);
    QCOMPARE(dflt.status, 200);
    QCOMPARE(idsOf(dflt.json.value("jobs").toArray()), ids.mid(0, 50)); // default limit 50
    QVERIFY(dflt.json.value("nextCursor").isString());

    const TestServer::Reply two = m_server->get(QStringLiteral("/v0/jobs?limit=2&") + byRun);
    QCOMPARE(idsOf(two.json.value("jobs").toArray()), ids.mid(0, 2));
    const QString cursor = two.json.value("nextCursor").toString();
    QVERIFY(!cursor.isEmpty());
    const TestServer::Reply next = m_server->get(
        QStringLiteral("/v0/jobs?limit=2&") + byRun + QStringLiteral("&cursor=") + QUrl::toPercentEncoding(cursor));
    QVERIFY2(next.status == 200, next.describe().constData());
    QCOMPARE(idsOf(next.json.value("jobs").toArray()), ids.mid(2, 2));

    const TestServer::Reply all = m_server->get(QStringLiteral("/v0/jobs?limit=1000&") + byRun);
    QCOMPARE(idsOf(all.json.value("jobs").toArray()), ids);
    QVERIFY2(all.json.contains("nextCursor") && all.json.value("nextCursor").isNull(), all.describe().constData());

    const TestServer::Reply one = m_server->get(QStringLiteral("/v0/jobs?limit=1&") + byRun);
    QCOMPARE(idsOf(one.json.value("jobs").toArray()), ids.mid(0, 1));
}

void TestJobsApi::cancelQueuedJobIsIdempotent()
{
    const QString id = m_server->submitJob({{"command", "sleep 100"}});
    QVERIFY(!id.isEmpty());
    const TestServer::Reply first = m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
    QVERIFY2(first.status == 200, first.describe().constData());
    QCOMPARE(first.json.value("id").toString(), id);
    QCOMPARE(first.json.value("state").toString(), QStringLiteral("CANCELLED"));

    QJsonObject job = getJob(id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("CANCELLED"));
    QJsonArray history = job.value("history").toArray();
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).toObject().value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(history.at(1).toObject().value("state").toString(), QStringLiteral("CANCELLED"));
    QVERIFY(isIsoUtcMs(history.at(1).toObject().value("at").toString()));
    QVERIFY(!job.contains("pendingReason") || job.value("pendingReason").isNull()
        || job.value("pendingReason").toString().isEmpty());

    const TestServer::Reply again = m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
    QVERIFY2(again.status == 200, again.describe().constData());
    QCOMPARE(again.json.value("state").toString(), QStringLiteral("CANCELLED"));
    job = getJob(id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("CANCELLED"));
    QCOMPARE(job.value("history").toArray().size(), 2); // a repeated cancel records nothing new
}

void TestJobsApi::cancelUnknownJobIs404()
{
    const TestServer::Reply r
        = m_server->request("POST", QStringLiteral("/v0/jobs/job_00000000000000000000000000:cancel"));
    QVERIFY2(errorProblem(r, 404).isEmpty(), qPrintable(errorProblem(r, 404)));
    const TestServer::Reply retry
        = m_server->request("POST", QStringLiteral("/v0/jobs/job_00000000000000000000000000:retry"));
    QVERIFY2(errorProblem(retry, 404).isEmpty(), qPrintable(errorProblem(retry, 404)));
}

void TestJobsApi::retryQueuedJobIsConflict()
{
    const QString id = m_server->submitJob({{"command", "true"}});
    QVERIFY(!id.isEmpty());
    const TestServer::Reply r = m_server->request("POST", QStringLiteral("/v0/jobs/%1:retry").arg(id));
    const QString problem = errorProblem(r, 409);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QJsonObject job = getJob(id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(job.value("attempt").toInt(), 1);
    QCOMPARE(job.value("history").toArray().size(), 1);
}

void TestJobsApi::retryCancelledJobStartsAttemptTwo()
{
    const QString id = m_server->submitJob({{"command", "true"}, {"labels", QJsonObject {{"kept", "yes"}}}});
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id)).status, 200);

    const TestServer::Reply retry = m_server->request("POST", QStringLiteral("/v0/jobs/%1:retry").arg(id));
    QVERIFY2(retry.status == 200, retry.describe().constData());
    QCOMPARE(retry.json.value("id").toString(), id);
    QCOMPARE(retry.json.value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(retry.json.value("attempt").toInt(), 2);

    const QJsonObject job = getJob(id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(job.value("attempt").toInt(), 2);
    const QJsonArray history = job.value("history").toArray();
    QCOMPARE(history.size(), 3);
    QCOMPARE(history.last().toObject().value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(history.last().toObject().value("attempt").toInt(), 2);
    QVERIFY(job.value("exitCode").isNull());

    // QUEUED again, so a second retry conflicts.
    QVERIFY(errorProblem(m_server->request("POST", QStringLiteral("/v0/jobs/%1:retry").arg(id)), 409).isEmpty());
    m_keptJob = id;
}

void TestJobsApi::idempotentSubmit_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("Idempotency-Key") << QByteArray("Idempotency-Key");
    QTest::newRow("X-Request-Id") << QByteArray("X-Request-Id");
}

void TestJobsApi::idempotentSubmit()
{
    QFETCH(QByteArray, header);
    const QString run = uniqueRun();
    const QByteArray key = "key-" + run.toUtf8();
    const QJsonObject body {{"command", "echo once"}, {"labels", QJsonObject {{"run", run}}}};

    const TestServer::Reply first = m_server->post(QStringLiteral("/v0/jobs"), body, {{header, key}});
    QVERIFY2(first.status == 201, first.describe().constData());
    const QString id = first.json.value("id").toString();
    QVERIFY(isJobId(id));
    for (int i = 0; i < 3; ++i) {
        const TestServer::Reply repeat = m_server->post(QStringLiteral("/v0/jobs"), body, {{header, key}});
        QVERIFY2(repeat.status == 201, repeat.describe().constData());
        QCOMPARE(repeat.json.value("id").toString(), id);
    }
    QCOMPARE(listIds(QStringLiteral("label=run:") + run), QStringList {id});

    // The first job wins even when the repeat carries a different body.
    const TestServer::Reply other = m_server->post(QStringLiteral("/v0/jobs"),
        {{"command", "echo other"}, {"labels", QJsonObject {{"run", run}}}}, {{header, key}});
    QVERIFY2(other.status == 201, other.describe().constData());
    QCOMPARE(other.json.value("id").toString(), id);
    QCOMPARE(getJob(id).value("command").toString(), QStringLiteral("echo once"));

    // A different key is a different job.
    const TestServer::Reply fresh = m_server->post(QStringLiteral("/v0/jobs"), body, {{header, key + "-2"}});
    QVERIFY2(fresh.status == 201, fresh.describe().constData());
    QVERIFY(fresh.json.value("id").toString() != id);
    QCOMPARE(listIds(QStringLiteral("label=run:") + run), (QStringList {fresh.json.value("id").toString(), id}));
}

void TestJobsApi::sigtermExitsCleanlyAndKeepsJobs()
{
    QVERIFY(!m_keptJob.isEmpty());
    const QString key = m_server->adminKey();
    QVERIFY2(m_server->terminate(15000), m_server->output().right(3000).constData());
    QVERIFY(!m_server->isRunning());

    QVERIFY2(m_server->restart(), m_server->output().right(4000).constData());
    QCOMPARE(m_server->adminKey(), key); // the owner key survives a restart
    const QJsonObject job = getJob(m_keptJob);
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(job.value("attempt").toInt(), 2);
    QCOMPARE(job.value("history").toArray().size(), 3);
    QVERIFY2(m_server->terminate(15000), m_server->output().right(3000).constData());
}

QTEST_GUILESS_MAIN(TestJobsApi)
#include "tst_jobsapi.moc"

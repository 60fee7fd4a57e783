// Bad input against the /v0 API: every malformed body, field, filter, route and raw request gets a clear
// 4xx in the documented error shape (never a 500), and the server keeps answering /health afterwards.
#include "ApiChecks.h"
#include "TestServer.h"

#include <QFile>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QtTest>

using namespace ApiChecks;

class TestBadInput : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void badRequests_data();
    void badRequests();
    void oversizedBody();
    void hugeBodyIsRefusedBeforeItIsRead();
    void malformedRawRequests_data();
    void malformedRawRequests();
    void goodRequestStillWorks();

private:
    QString stillHealthy(TestServer &server);

    std::unique_ptr<TestServer> m_server;
    QString m_jobId; // an existing job, for routes that name one ("{job}" in the table)
};

void TestBadInput::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
    m_jobId = m_server->submitJob({{"command", "true"}});
    QVERIFY(!m_jobId.isEmpty());
}

// Empty when the process is alive and /health answers 200.
QString TestBadInput::stillHealthy(TestServer &server)
{
    if (!server.isRunning())
        return QStringLiteral("the server process died (exit code %1); output:\n%2")
            .arg(server.exitCode())
            .arg(QString::fromUtf8(server.output().right(3000)));
    const TestServer::Reply h = server.get(QStringLiteral("/health"), false);
    if (h.status != 200)
        return QStringLiteral("/health after the bad request: %1").arg(QString::fromUtf8(h.describe()));
    return {};
}

namespace {
QByteArray nested(int depth)
{
    return QByteArray(R"({"command":"x","env":)") + QByteArray(R"({"a":)").repeated(depth) + "1"
        + QByteArray("}").repeated(depth) + "}";
}

QByteArray hugeLabels(int n)
{
    QJsonObject labels;
    for (int i = 0; i < n; ++i)
        labels.insert(QStringLiteral("k%1").arg(i), QStringLiteral("v"));
    return QJsonDocument(QJsonObject {{"command", "x"}, {"labels", labels}}).toJson(QJsonDocument::Compact);
}
} // namespace

void TestBadInput::badRequests_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("auth");
    QTest::addColumn<QList<int>>("statuses"); // any of these is right
    QTest::addColumn<QString>("field"); // for 422: what `fields` must name ('|' = either)

    const QString jobs = QStringLiteral("/v0/jobs");
    auto submit = [&](const char *name, const QByteArray &body, QList<int> statuses, const QString &field = {}) {
        QTest::newRow(name) << QByteArray("POST") << jobs << body << true << statuses << field;
    };
    auto query = [&](const char *name, const QString &q) {
        QTest::newRow(name) << QByteArray("GET") << (jobs + QStringLiteral("?") + q) << QByteArray() << true
                            << QList<int> {400} << QString();
    };
    auto route
        = [&](const char *name, const QByteArray &method, const QString &path, QList<int> statuses, bool auth = true) {
              QTest::newRow(name) << method << path << QByteArray() << auth << statuses << QString();
          };

    // Bodies that are not a JSON object: 400 invalid_request.
    submit("malformed json", R"({"command": "echo")", {400});
    submit("trailing garbage", R"({"command":"echo"} xyz)", {400});
    submit("single quotes", R"({'command':'echo'})", {400});
    submit("NaN literal", R"({"command":"echo","priority":NaN})", {400});
    submit("json array", R"([{"command":"echo"}])", {400});
    submit("json string", R"("echo hello")", {400});
    submit("json number", "42", {400});
    submit("json null", "null", {400});
    submit("empty body", "", {400});
    submit("whitespace body", "   \n", {400});
    submit("form encoded", "command=echo+hi", {400});
    submit("invalid utf-8", "{\"command\":\"echo \xff\xfe\xc3\x28\"}", {400, 422}, QStringLiteral("command"));
    submit("deeply nested 20000", nested(20000), {400, 422}, QStringLiteral("env"));
    submit("nested object in env", nested(50), {422}, QStringLiteral("env"));
    submit("huge label map", hugeLabels(10000), {422, 201}, QStringLiteral("labels"));
    submit("body over default 1 MiB",
        QJsonDocument(QJsonObject {{"command", QString(1100000, QLatin1Char('x'))}}).toJson(QJsonDocument::Compact),
        {413});

    // Missing or contradictory command.
    submit("missing command", "{}", {422}, QStringLiteral("command|argv"));
    submit("type only", R"({"type":"COMMAND"})", {422}, QStringLiteral("command|argv"));
    submit("command null", R"({"command":null})", {422}, QStringLiteral("command|argv"));
    submit("command and argv", R"({"command":"echo","argv":["echo"]})", {422}, QStringLiteral("command|argv"));
    submit("argv empty", R"({"argv":[]})", {422}, QStringLiteral("argv|command"));

    // Wrong types and out-of-range values, field by field: 422 naming the field.
    submit("command number", R"({"command":5})", {422}, QStringLiteral("command"));
    submit("command array", R"({"command":["echo","hi"]})", {422}, QStringLiteral("command"));
    submit("argv string", R"({"argv":"echo hi"})", {422}, QStringLiteral("argv"));
    submit("argv numbers", R"({"argv":[1,2]})", {422}, QStringLiteral("argv"));
    submit("type number", R"({"type":5,"command":"x"})", {422}, QStringLiteral("type"));
    submit("type empty", R"({"type":"","command":"x"})", {422}, QStringLiteral("type"));
    submit("env string", R"({"command":"x","env":"A=B"})", {422}, QStringLiteral("env"));
    submit("env array", R"({"command":"x","env":["A=B"]})", {422}, QStringLiteral("env"));
    submit("env number value", R"({"command":"x","env":{"A":1}})", {422}, QStringLiteral("env"));
    submit("secrets string", R"({"command":"x","secrets":"DB"})", {422}, QStringLiteral("secrets"));
    submit("secrets numbers", R"({"command":"x","secrets":[1]})", {422}, QStringLiteral("secrets"));
    submit("resources number", R"({"command":"x","resources":4})", {422}, QStringLiteral("resources"));
    submit("cpu string", R"({"command":"x","resources":{"cpu":"two"}})", {422}, QStringLiteral("resources"));
    submit("cpu negative", R"({"command":"x","resources":{"cpu":-1}})", {422}, QStringLiteral("resources"));
    submit("cpu over 1024", R"({"command":"x","resources":{"cpu":1025}})", {422}, QStringLiteral("resources"));
    submit("memGib string", R"({"command":"x","resources":{"memGib":"lots"}})", {422}, QStringLiteral("resources"));
    submit("gpus fractional", R"({"command":"x","resources":{"gpus":1.5}})", {422}, QStringLiteral("resources"));
    submit("gpus over 64", R"({"command":"x","resources":{"gpus":65}})", {422}, QStringLiteral("resources"));
    submit("gpus negative", R"({"command":"x","resources":{"gpus":-1}})", {422}, QStringLiteral("resources"));
    submit("resources unknown member", R"({"command":"x","resources":{"ram":2}})", {422}, QStringLiteral("resources"));
    submit("priority string", R"({"command":"x","priority":"high"})", {422}, QStringLiteral("priority"));
    submit("priority fractional", R"({"command":"x","priority":1.5})", {422}, QStringLiteral("priority"));
    submit("priority bool", R"({"command":"x","priority":true})", {422}, QStringLiteral("priority"));
    submit("priority over 1000", R"({"command":"x","priority":1001})", {422}, QStringLiteral("priority"));
    submit("priority under -1000", R"({"command":"x","priority":-1001})", {422}, QStringLiteral("priority"));
    submit("maxRetries over 10", R"({"command":"x","maxRetries":11})", {422}, QStringLiteral("maxRetries"));
    submit("maxRetries negative", R"({"command":"x","maxRetries":-1})", {422}, QStringLiteral("maxRetries"));
    submit("maxRetries string", R"({"command":"x","maxRetries":"3"})", {422}, QStringLiteral("maxRetries"));
    submit("maxRetries fractional", R"({"command":"x","maxRetries":2.5})", {422}, QStringLiteral("maxRetries"));
    submit("timeout zero", R"({"command":"x","timeoutSeconds":0})", {422}, QStringLiteral("timeoutSeconds"));
    submit("timeout negative", R"({"command":"x","timeoutSeconds":-5})", {422}, QStringLiteral("timeoutSeconds"));
    submit(
        "timeout over a week", R"({"command":"x","timeoutSeconds":604801})", {422}, QStringLiteral("timeoutSeconds"));
    submit("timeout huge", R"({"command":"x","timeoutSeconds":1e12})", {422}, QStringLiteral("timeoutSeconds"));
    submit("timeout 2^31", R"({"command":"x","timeoutSeconds":2147483648})", {422}, QStringLiteral("timeoutSeconds"));
    submit(
        "timeout overflow", R"({"command":"x","timeoutSeconds":1e400})", {400, 422}, QStringLiteral("timeoutSeconds"));
    submit("timeout string", R"({"command":"x","timeoutSeconds":"30"})", {422}, QStringLiteral("timeoutSeconds"));
    submit("timeout fractional", R"({"command":"x","timeoutSeconds":30.5})", {422}, QStringLiteral("timeoutSeconds"));
    submit("workingDir number", R"({"command":"x","workingDir":5})", {422}, QStringLiteral("workingDir"));
    submit("artifacts string", R"({"command":"x","artifacts":"out/*"})", {422}, QStringLiteral("artifacts"));
    submit("artifacts numbers", R"({"command":"x","artifacts":[1]})", {422}, QStringLiteral("artifacts"));
    submit("labels string", R"({"command":"x","labels":"arch"})", {422}, QStringLiteral("labels"));
    submit("labels array", R"({"command":"x","labels":["arch"]})", {422}, QStringLiteral("labels"));
    submit("labels number value", R"({"command":"x","labels":{"a":1}})", {422}, QStringLiteral("labels"));
    submit("labels object value", R"({"command":"x","labels":{"a":{"b":"c"}}})", {422}, QStringLiteral("labels"));
    submit("container without image", R"({"type":"CONTAINER","cmd":["echo"]})", {422}, QStringLiteral("image"));
    submit("image number", R"({"type":"CONTAINER","image":5})", {422}, QStringLiteral("image"));
    submit("cmd string", R"({"type":"CONTAINER","image":"alpine","cmd":"echo hi"})", {422}, QStringLiteral("cmd"));
    submit("unknown field", R"({"command":"x","bogus":1})", {422}, QStringLiteral("bogus"));
    submit("misspelt field", R"({"command":"x","timeout":30})", {422}, QStringLiteral("timeout"));
    submit("wrong-case field", R"({"Command":"x"})", {422}, QStringLiteral("Command|command"));

    // List filters: 400 invalid_request.
    query("unknown state", QStringLiteral("state=DONE"));
    query("state injection", QStringLiteral("state=QUEUED'%20OR%201=1--"));
    query("limit zero", QStringLiteral("limit=0"));
    query("limit negative", QStringLiteral("limit=-1"));
    query("limit over 1000", QStringLiteral("limit=1001"));
    query("limit not a number", QStringLiteral("limit=abc"));
    query("limit with junk", QStringLiteral("limit=10abc"));
    query("limit huge", QStringLiteral("limit=99999999999999999999"));
    query("cursor garbage", QStringLiteral("cursor=garbage"));
    query("cursor symbols", QStringLiteral("cursor=%21%21%21%00%FF"));
    query("cursor base64 json", QStringLiteral("cursor=eyJ4IjoxfQ"));
    query("since words", QStringLiteral("since=yesterday"));
    query("since bad date", QStringLiteral("since=2024-13-45T00:00:00Z"));
    query("until bad", QStringLiteral("until=not-a-time"));

    // Routes.
    route("unknown v0 path", "GET", QStringLiteral("/v0/nope"), {404});
    route("root", "GET", QStringLiteral("/"), {404});
    route("unknown post", "POST", QStringLiteral("/v0/nope"), {404});
    route("below a job", "GET", QStringLiteral("/v0/jobs/{job}/nope"), {404});
    route("unknown job action", "POST", QStringLiteral("/v0/jobs/{job}:explode"), {404, 400});
    route("unknown path without auth", "GET", QStringLiteral("/v0/nope"), {401, 404}, false);
    route("root without auth", "GET", QStringLiteral("/"), {401, 404}, false);
    route("DELETE jobs", "DELETE", jobs, {405});
    route("PUT jobs", "PUT", jobs, {405});
    route("PATCH jobs", "PATCH", jobs, {405});
    route("PUT job", "PUT", QStringLiteral("/v0/jobs/{job}"), {405});
    route("POST job", "POST", QStringLiteral("/v0/jobs/{job}"), {405});
    route("DELETE job", "DELETE", QStringLiteral("/v0/jobs/{job}"), {405});
    route("POST health", "POST", QStringLiteral("/health"), {405});
}

void TestBadInput::badRequests()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(bool, auth);
    QFETCH(QList<int>, statuses);
    QFETCH(QString, field);
    path.replace(QStringLiteral("{job}"), m_jobId);

    const TestServer::Reply r = m_server->request(method, path, body, {}, auth);
    QVERIFY2(r.status != 500, r.describe().constData());
    QStringList wanted;
    for (int s : statuses)
        wanted << QString::number(s);
    QVERIFY2(statuses.contains(r.status),
        qPrintable(QStringLiteral("expected one of %1, got %2")
                       .arg(wanted.join(QLatin1Char('/')), QString::fromUtf8(r.describe()))));
    if (r.status >= 400) {
        const QString problem = errorProblem(r, r.status, field);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    } else {
        QCOMPARE(r.header("x-compute-api-version"), QByteArray("v0"));
    }
    const QString health = stillHealthy(*m_server);
    QVERIFY2(health.isEmpty(), qPrintable(health));
}

void TestBadInput::oversizedBody()
{
    TestServer small({QStringLiteral("--max-body-bytes"), QStringLiteral("4096")});
    QVERIFY2(small.start(), small.output().right(4000).constData());

    auto bodyOfSize = [](int size) {
        const QByteArray head = R"({"command":")";
        const QByteArray tail = R"("})";
        return head + QByteArray(size - head.size() - tail.size(), 'x') + tail;
    };
    const QByteArray big = bodyOfSize(5000);
    QCOMPARE(big.size(), 5000);
    const TestServer::Reply tooBig = small.request("POST", QStringLiteral("/v0/jobs"), big);
    QVERIFY2(errorProblem(tooBig, 413).isEmpty(), qPrintable(errorProblem(tooBig, 413)));
    QVERIFY2(stillHealthy(small).isEmpty(), qPrintable(stillHealthy(small)));

    // The limit counts bytes, not validity: 5000 bytes of garbage are refused for size too.
    const TestServer::Reply garbage = small.request("POST", QStringLiteral("/v0/jobs"), QByteArray(5000, '{'));
    QVERIFY2(errorProblem(garbage, 413).isEmpty(), qPrintable(errorProblem(garbage, 413)));

    // Nothing was created by the refused submits, and a body under the limit is accepted.
    const TestServer::Reply list = small.get(QStringLiteral("/v0/jobs"));
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json.value("jobs").toArray().size(), 0);
    const TestServer::Reply fits = small.request("POST", QStringLiteral("/v0/jobs"), bodyOfSize(4000));
    QVERIFY2(fits.status == 201, fits.describe().constData());
    QVERIFY2(stillHealthy(small).isEmpty(), qPrintable(stillHealthy(small)));
}

void TestBadInput::hugeBodyIsRefusedBeforeItIsRead()
{
    // A client declaring 10 GB and streaming as fast as it can gets its 413 from the headers; the
    // server does not buffer what arrives (its memory stays small) and keeps serving.
    const qint64 pid = m_server->pid();
    auto rssKiB = [pid] {
        QFile f(QStringLiteral("/proc/%1/status").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            return qint64(-1);
        for (const QByteArray &line : f.readAll().split('\n'))
            if (line.startsWith("VmRSS:"))
                return line.mid(6).trimmed().split(' ').first().toLongLong();
        return qint64(-1);
    };
    QTcpSocket sock;
    sock.connectToHost(m_server->url().host(), quint16(m_server->url().port()));
    QVERIFY(sock.waitForConnected(5000));
    sock.write(
        "POST /v0/jobs HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n");
    const QByteArray chunk(1 << 20, 'x');
    QByteArray in;
    for (int i = 0; i < 200 && sock.state() == QAbstractSocket::ConnectedState && !in.contains("\r\n\r\n"); ++i) {
        sock.write(chunk);
        sock.waitForBytesWritten(50);
        sock.waitForReadyRead(10);
        in += sock.readAll();
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        (in += sock.readAll()).contains("}") || sock.state() != QAbstractSocket::ConnectedState, 10000);
    in += sock.readAll();
    QVERIFY2(in.startsWith("HTTP/1.1 413"), in.left(300).constData());
    QVERIFY2(in.contains("\"code\":\"payload_too_large\""), in.constData());
    QVERIFY2(rssKiB() < 100 * 1024, qPrintable(QStringLiteral("server VmRSS %1 KiB").arg(rssKiB())));

    // A body without a length (chunked) is refused the same way: its size is unknown until read.
    const TestServer::Reply chunked = m_server->rawRequest(
        "POST /v0/jobs HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    QCOMPARE(chunked.status, 400);
    QCOMPARE(chunked.json.value("code").toString(), QStringLiteral("invalid_request"));
    QVERIFY2(stillHealthy(*m_server).isEmpty(), qPrintable(stillHealthy(*m_server)));
}

void TestBadInput::malformedRawRequests_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QList<int>>("statuses"); // 0: the server closed the connection without answering

    const QList<int> refuse {0, 400};
    QTest::newRow("garbage line") << QByteArray("GARBAGE\r\n\r\n") << refuse;
    QTest::newRow("binary junk") << QByteArray("\x00\x01\x02\x03\xff\xfe\r\n\r\n", 10) << refuse;
    QTest::newRow("space in target") << QByteArray("GET /hea lth HTTP/1.1\r\nHost: a\r\n\r\n") << refuse;
    QTest::newRow("negative content-length")
        << QByteArray("POST /v0/jobs HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n") << refuse;
    QTest::newRow("non-numeric content-length")
        << QByteArray("POST /v0/jobs HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n{}") << refuse;
    QTest::newRow("two content-lengths") << QByteArray(
        "POST /v0/jobs HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}")
                                         << refuse;
    // Any chunked body is refused from its headers (400): its size is unknown until it is read.
    QTest::newRow("bad chunk size") << QByteArray(
        "POST /v0/jobs HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n")
                                    << QList<int> {400};
    QTest::newRow("unknown method") << QByteArray("BREW /health HTTP/1.1\r\nHost: a\r\n\r\n")
                                    << QList<int> {0, 400, 405, 501};
    // Answering these normally is also fine; what matters is no crash and no hang.
    // Qt 6.4's request parser is lenient here (it ignores a bad version and drops a header line
    // without a colon); the request is then answered like a good one.
    QTest::newRow("bad version") << QByteArray("GET /health HTTP/X.Y\r\nHost: a\r\n\r\n")
                                 << QList<int> {0, 200, 400, 505};
    QTest::newRow("header without colon")
        << QByteArray("GET /health HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n") << QList<int> {0, 200, 400};
    QTest::newRow("http/0.9 style") << QByteArray("GET /health\r\n\r\n") << QList<int> {0, 200, 400, 505};
    QTest::newRow("100 KB request line") << ("GET /v0/" + QByteArray(100000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n")
                                         << QList<int> {0, 400, 401, 404, 414, 431};
    QTest::newRow("100 KB header") << ("GET /health HTTP/1.1\r\nHost: a\r\nX-Big: " + QByteArray(100000, 'b')
        + "\r\n\r\n") << QList<int> {0, 200, 400, 431};
}

void TestBadInput::malformedRawRequests()
{
    QFETCH(QByteArray, raw);
    QFETCH(QList<int>, statuses);
    const TestServer::Reply r = m_server->rawRequest(raw, 10000);
    QVERIFY2(!r.timedOut, "the server neither answered nor closed the connection within 10 s");
    QVERIFY2(statuses.contains(r.status), r.describe().constData());
    if (r.status >= 400 && r.status != 505 && r.status != 501 && r.header("content-type").contains("json")) {
        const QString code = r.json.value("error").toString();
        QVERIFY2(code == codeFor(r.status), r.describe().constData());
    }
    const QString health = stillHealthy(*m_server);
    QVERIFY2(health.isEmpty(), qPrintable(health));
}

void TestBadInput::goodRequestStillWorks()
{
    // After all of the above the server still does its job.
    const QString id = m_server->submitJob({{"command", "echo after"}});
    QVERIFY(!id.isEmpty());
    const TestServer::Reply r = m_server->get(QStringLiteral("/v0/jobs/") + id);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("command").toString(), QStringLiteral("echo after"));
    const TestServer::Reply list = m_server->get(QStringLiteral("/v0/jobs?limit=1000"));
    QCOMPARE(list.status, 200);
    // Only the two good submits (and possibly the huge-label one, if accepted) exist: no bad request made a job.
    QVERIFY2(list.json.value("jobs").toArray().size() <= 3, list.describe().constData());
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"

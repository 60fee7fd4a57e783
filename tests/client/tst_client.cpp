// ComputeClient's calls against a real control plane: typed values, typed errors (the server's code, message
// and fields), id prefixes, transport failures, TLS with a private CA, and a session refreshed before it expires.
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "E2eSupport.h"
#include "TestTeam.h"

#include <QDateTime>
#include <QEventLoop>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

namespace {
template <typename T, typename Call> ClientResult<T> await(Call call)
{
    return awaitResult<T>(std::move(call));
}

ClientConnection keyed(TestServer &s)
{
    ClientConnection c;
    c.server = s.url().toString();
    c.apiKey = s.adminKey();
    return c;
}
} // namespace

class TestClient : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void jobsRoundTrip();
    void errorsAreTyped();
    void idPrefixFindsJobs();
    void unreachableAfterRetries();
    void sessionRefreshesBeforeExpiry();
    void tlsWithPrivateCa();

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestAgent> m_agent;
};

void TestClient::initTestCase()
{
    m_server = std::make_unique<TestServer>(QStringList {QStringLiteral("--access-token-ttl"), QStringLiteral("90")});
    QVERIFY(m_server->start());
    m_agent = std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("client-agent"),
        QStringList {QStringLiteral("--labels"), QStringLiteral("suite=client")});
    QVERIFY(m_agent->start());
}

void TestClient::jobsRoundTrip()
{
    ComputeClient c(keyed(*m_server));
    const QJsonObject body {
        {QStringLiteral("argv"),
            QJsonArray {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo one; exit 4")}},
        {QStringLiteral("labels"), QJsonObject {{QStringLiteral("suite"), QStringLiteral("client")}}},
        {QStringLiteral("priority"), 7}};
    const auto sub = await<SubmittedJob>([&](auto cb) { c.submitJob(body, QStringLiteral("idem-rt-1"), cb); });
    QVERIFY2(sub, qPrintable(sub ? QString() : sub.error().describe()));
    QVERIFY(sub.value().id.startsWith(QLatin1String("job_")));
    QCOMPARE(sub.value().state, QStringLiteral("QUEUED"));
    // the same idempotency key answers the same job
    const auto again = await<SubmittedJob>([&](auto cb) { c.submitJob(body, QStringLiteral("idem-rt-1"), cb); });
    QVERIFY(again);
    QCOMPARE(again.value().id, sub.value().id);

    QTRY_VERIFY_WITH_TIMEOUT(E2e::isTerminal(E2e::stateOf(*m_server, sub.value().id)), 20000);
    const auto job = await<JobView>([&](auto cb) { c.job(sub.value().id, cb); });
    QVERIFY(job);
    QCOMPARE(job.value().job.state, JobState::Failed);
    QCOMPARE(job.value().job.exitCode.value_or(-1), 4);
    QCOMPARE(job.value().job.spec.priority, 7);
    QCOMPARE(job.value().json.value(QStringLiteral("id")).toString(), sub.value().id);

    JobFilter f;
    f.labels << QStringLiteral("suite:client");
    f.state = QStringLiteral("FAILED");
    const auto page = await<JobPage>([&](auto cb) { c.jobs(f, cb); });
    QVERIFY(page);
    QCOMPARE(page.value().jobs.size(), 1);
    QCOMPARE(page.value().jobs.first().job.id, sub.value().id);

    const auto logs = await<LogPage>([&](auto cb) { c.logs(sub.value().id, LogRequest {}, cb); });
    QVERIFY(logs);
    QCOMPARE(logs.value().lines.size(), 1);
    QCOMPARE(logs.value().lines.first().text, QStringLiteral("one"));
    QVERIFY(logs.value().finished);

    const auto retried = await<JobView>([&](auto cb) { c.retryJob(sub.value().id, cb); });
    QVERIFY(retried);
    QCOMPARE(retried.value().job.attempt, 2);
}

void TestClient::errorsAreTyped()
{
    ComputeClient c(keyed(*m_server));
    const auto missing = await<JobView>([&](auto cb) { c.job(QStringLiteral("job_01m8z0sm3tdebxqd2q8esagnnx"), cb); });
    QVERIFY(!missing);
    QCOMPARE(missing.error().kind, ClientError::Kind::Http);
    QCOMPARE(missing.error().status, 404);
    QCOMPARE(missing.error().code, QStringLiteral("not_found"));
    QVERIFY(!missing.error().message.isEmpty());

    const auto bad = await<SubmittedJob>([&](auto cb) {
        c.submitJob(
            QJsonObject {{QStringLiteral("command"), QStringLiteral("true")}, {QStringLiteral("priority"), 5000}}, {},
            cb);
    });
    QVERIFY(!bad);
    QCOMPARE(bad.error().status, 422);
    QCOMPARE(bad.error().code, QStringLiteral("validation_failed"));
    QVERIFY(bad.error().detail.value(QStringLiteral("fields")).toObject().contains(QStringLiteral("priority")));
    QVERIFY(bad.error().describe().contains(QLatin1String("priority: ")));

    ClientConnection wrong = keyed(*m_server);
    wrong.apiKey = QStringLiteral("tnv_not_a_key");
    ComputeClient w(wrong);
    const auto denied = await<AgentList>([&](auto cb) { w.agents(cb); });
    QVERIFY(!denied);
    QCOMPARE(denied.error().status, 401);
    QCOMPARE(denied.error().code, QStringLiteral("unauthorized"));
    // the key is not echoed back in anything the client reports
    QVERIFY(!denied.error().describe().contains(QLatin1String("tnv_not_a_key")));
}

void TestClient::idPrefixFindsJobs()
{
    ComputeClient c(keyed(*m_server));
    const QString id = m_server->submitJob({{QStringLiteral("command"), QStringLiteral("true")}});
    QVERIFY(!id.isEmpty());
    for (const QString &prefix : {id.left(20), id.mid(4, 16), id.mid(4, 16).toUpper()}) {
        JobFilter f;
        f.idPrefix = prefix;
        const auto page = await<JobPage>([&](auto cb) { c.jobs(f, cb); });
        QVERIFY2(page, qPrintable(prefix));
        QCOMPARE(page.value().jobs.size(), 1);
        QCOMPARE(page.value().jobs.first().job.id, id);
    }
    JobFilter none;
    none.idPrefix = QStringLiteral("zzzzzz");
    const auto empty = await<JobPage>([&](auto cb) { c.jobs(none, cb); });
    QVERIFY(empty);
    QVERIFY(empty.value().jobs.isEmpty());
    JobFilter bad;
    bad.idPrefix = QStringLiteral("job_01;drop");
    const auto refused = await<JobPage>([&](auto cb) { c.jobs(bad, cb); });
    QVERIFY(!refused);
    QCOMPARE(refused.error().status, 400);
}

void TestClient::unreachableAfterRetries()
{
    ClientConnection conn;
    conn.server = QStringLiteral("http://127.0.0.1:%1").arg(E2e::freePort());
    conn.apiKey = QStringLiteral("tnv_x");
    ComputeClient c(conn);
    QElapsedTimer t;
    t.start();
    const auto r = await<AgentList>([&](auto cb) { c.agents(cb); });
    QVERIFY(!r);
    QCOMPARE(r.error().kind, ClientError::Kind::Unreachable);
    // a GET is retried with backoff (200 ms, 800 ms, 3.2 s) before it gives up
    QVERIFY2(t.elapsed() >= 4000, qPrintable(QString::number(t.elapsed())));

    // a submit without an idempotency key is not repeated: it fails at once
    t.restart();
    const auto s = await<SubmittedJob>([&](auto cb) {
        c.submitJob({{QStringLiteral("command"), QStringLiteral("true")}}, {}, cb);
    });
    QVERIFY(!s);
    QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
}

void TestClient::sessionRefreshesBeforeExpiry()
{
    TestTeam team(*m_server);
    const auto person = team.addPerson(team.defaultWorkspace(), QStringLiteral("member"));
    QVERIFY(person);
    ClientConnection conn;
    conn.server = m_server->url().toString();
    ComputeClient c(conn);
    const auto session = await<Session>([&](auto cb) { c.login(person->email, person->password, cb); });
    QVERIFY2(session, qPrintable(session ? QString() : session.error().describe()));
    QVERIFY(!session.value().refreshToken.isEmpty());
    // the server gives 90 s tokens; the client refreshes a minute before the end, so within 30 s from now
    QVERIFY(session.value().accessExpiresAtMs > QDateTime::currentMSecsSinceEpoch() + 80000);
    conn.accessToken = session.value().accessToken;
    conn.refreshToken = session.value().refreshToken;
    conn.accessExpiresAtMs = QDateTime::currentMSecsSinceEpoch() + 30000; // as if 60 s had passed
    c.setConnection(conn);
    QSignalSpy refreshed(&c, &ComputeClient::sessionRefreshed);
    const auto me = await<WhoAmI>([&](auto cb) { c.whoAmI(cb); });
    QVERIFY2(me, qPrintable(me ? QString() : me.error().describe()));
    QCOMPARE(me.value().email, person->email);
    QCOMPARE(me.value().kind, QStringLiteral("session"));
    QCOMPARE(refreshed.count(), 1);
    const Session fresh = refreshed.first().first().value<Session>();
    QVERIFY(fresh.refreshToken != session.value().refreshToken); // rotated
    QCOMPARE(c.connection().refreshToken, fresh.refreshToken);

    // an access token the server refuses (revoked by logout elsewhere) is refreshed once on the 401: here the
    // refresh token is spent too, so the answer is the 401 and nothing loops
    const auto out = await<bool>([&](auto cb) { c.logout(cb); });
    QVERIFY(out);
    const auto after = await<WhoAmI>([&](auto cb) { c.whoAmI(cb); });
    QVERIFY(!after);
    QCOMPARE(after.error().status, 401);
}

void TestClient::tlsWithPrivateCa()
{
    QTemporaryDir dir;
    auto openssl = [&](const QStringList &args) {
        QProcess p;
        p.setWorkingDirectory(dir.path());
        p.start(QStringLiteral("openssl"), args);
        return p.waitForFinished(30000) && p.exitCode() == 0;
    };
    const QStringList ec {QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
        QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
    QVERIFY(openssl(QStringList {"req", "-x509"} + ec
        + QStringList {"-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Client Test CA", "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"}));
    QVERIFY(openssl(QStringList {"req"} + ec
        + QStringList {"-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"}));
    QFile ext(dir.filePath(QStringLiteral("server.ext")));
    QVERIFY(ext.open(QIODevice::WriteOnly));
    ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    ext.close();
    QVERIFY(openssl({"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "server.ext"}));
    TestServer tls({QStringLiteral("--tls-cert"), dir.filePath(QStringLiteral("server.pem")),
        QStringLiteral("--tls-key"), dir.filePath(QStringLiteral("server.key"))});
    tls.setTrustedCas(QSslCertificate::fromPath(dir.filePath(QStringLiteral("ca.pem"))));
    QVERIFY(tls.start());
    QCOMPARE(tls.url().scheme(), QStringLiteral("https"));

    ClientConnection conn = keyed(tls);
    conn.maxRetries = 0;
    ComputeClient untrusting(conn);
    const auto refused = await<AgentList>([&](auto cb) { untrusting.agents(cb); });
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, ClientError::Kind::Tls);

    conn.caFile = dir.filePath(QStringLiteral("ca.pem"));
    ComputeClient trusting(conn);
    const auto ok = await<AgentList>([&](auto cb) { trusting.agents(cb); });
    QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().describe()));

    conn.caFile = dir.filePath(QStringLiteral("missing.pem"));
    ComputeClient broken(conn);
    const auto noCa = await<AgentList>([&](auto cb) { broken.agents(cb); });
    QVERIFY(!noCa);
    QCOMPARE(noCa.error().kind, ClientError::Kind::Tls);
    QVERIFY(noCa.error().message.contains(QLatin1String("missing.pem")));
}

QTEST_MAIN(TestClient)
#include "tst_client.moc"

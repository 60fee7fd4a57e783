// The documented exit codes of the client commands not covered by the other CLI suites, and the one-line
// `error: <code>: <message>` form on stderr (cli-spec.md, Exit codes and Output).
#include "CliSupport.h"
#include "TestTeam.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

class TestCliExit : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void usageErrors_data();
    void usageErrors();
    void badConfigFileIsUsage();
    void refusedInputIs65();
    void authenticationIs67();
    void forbiddenIs68();
    void rateLimitedIs70();
    void serverErrorIs71();
    void unreachableIs72();
    void tlsVerifiedWithItsCa();
    void requestTimeoutIs73();
    void jobThatCouldNotStartIs1();
    void brokenAuditChainIs1();
    void agentLostIs126();

private:
    // One line, `error: <code>: …`, on stderr and nothing on stdout.
    static bool oneErrorLine(const CliResult &r, const QString &code);

    CliFixture m_fx;
    CliRunner *m_cli = nullptr;
    QString m_job; // a finished job
};

bool TestCliExit::oneErrorLine(const CliResult &r, const QString &code)
{
    return r.errLines().size() == 1 && r.err.startsWith(("error: " + code + ": ").toUtf8()) && r.out.isEmpty();
}

void TestCliExit::initTestCase()
{
    QVERIFY2(m_fx.start({}, 1), m_fx.diag().constData());
    m_cli = &m_fx.cli();
    m_job = m_fx.server().submitJob({{"command", "echo done"}});
    QVERIFY(m_fx.waitForTerminal(m_job));
}

void TestCliExit::cleanup()
{
    const QStringList violations = m_fx.takeViolations();
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
}

void TestCliExit::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("unknown command") << QStringList {"jobs", "frobnicate"};
    QTest::newRow("unknown group") << QStringList {"nosuchgroup", "list"};
    QTest::newRow("unknown flag") << QStringList {"jobs", "list", "--frobnicate"};
    QTest::newRow("bad output") << QStringList {"jobs", "list", "-o", "yaml"};
    QTest::newRow("bad number") << QStringList {"jobs", "run", "--detach", "--priority", "high", "--", "true"};
    QTest::newRow("bad duration") << QStringList {"jobs", "run", "--detach", "--timeout", "soon", "--", "true"};
    QTest::newRow("bad env") << QStringList {"jobs", "run", "--detach", "--env", "NOEQUALS", "--", "true"};
    QTest::newRow("bad stream") << QStringList {"jobs", "logs", m_job, "--stream", "stdin"};
    QTest::newRow("bad tail") << QStringList {"jobs", "logs", m_job, "--tail", "-3"};
    QTest::newRow("missing id") << QStringList {"jobs", "get"};
    QTest::newRow("nothing to run") << QStringList {"jobs", "run", "--detach"};
    QTest::newRow("bad shell") << QStringList {"completion", "tcsh"};
}

void TestCliExit::usageErrors()
{
    QFETCH(QStringList, args);
    const CliResult r = m_cli->run(args);
    QVERIFY2(r.exitCode == 64, r.describe());
    QVERIFY2(r.err.startsWith("error: "), r.describe());
    QVERIFY2(r.out.isEmpty(), r.describe());
}

void TestCliExit::badConfigFileIsUsage()
{
    CliRunner cli;
    QFile f(cli.configPath());
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"currentContext\": \"x\", \"contexts\": {"); // cut short
    f.close();
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const CliResult r = cli.run({"jobs", "list"});
    QVERIFY2(r.exitCode == 64, r.describe());
    QVERIFY2(r.err.contains(cli.configPath().toUtf8()) || r.err.contains("config"), r.describe());
}

void TestCliExit::refusedInputIs65()
{
    // straight to the server: Prism would refuse this request itself (it breaks the document)
    const CliResult r = m_cli->run({"jobs", "run", "--detach", "--priority", "5000", "--", "true"}, m_fx.direct());
    QVERIFY2(r.exitCode == 65, r.describe());
    QVERIFY2(oneErrorLine(r, "validation_failed"), r.describe());
    // the field's message follows on the same line
    QVERIFY2(r.err.contains("(priority: "), r.describe());
}

void TestCliExit::authenticationIs67()
{
    CliOptions bad;
    bad.env.insert("TANVRIT_API_KEY", "tnv_notakey");
    const CliResult r = m_cli->run({"jobs", "list"}, bad);
    QVERIFY2(r.exitCode == 67, r.describe());
    QVERIFY2(oneErrorLine(r, "unauthorized"), r.describe());
    CliOptions none;
    none.unset << "TANVRIT_API_KEY";
    const CliResult anonymous = m_cli->run({"jobs", "list"}, m_fx.direct(none)); // Prism refuses it too
    QVERIFY2(anonymous.exitCode == 67, anonymous.describe());
    QVERIFY2(anonymous.errLines().size() == 1 && anonymous.err.startsWith("error: "), anonymous.describe());
}

void TestCliExit::forbiddenIs68()
{
    TestTeam team(m_fx.server());
    const auto admin = team.addPerson(team.defaultWorkspace(), "admin");
    const auto member = team.addPerson(team.defaultWorkspace(), "member");
    QVERIFY(admin && member);
    CliOptions asMember;
    asMember.env.insert("TANVRIT_API_KEY", member->apiKey);
    const CliResult revoke = m_cli->run({"keys", "revoke", admin->keyId}, asMember);
    // a member sees only their own keys: the CLI may answer not found before it asks the server
    QVERIFY2(revoke.exitCode == 68, revoke.describe());
    QVERIFY2(oneErrorLine(revoke, "forbidden"), revoke.describe());
    const CliResult drain = m_cli->run({"agents", "drain", m_fx.agent()->nodeId()}, asMember);
    QVERIFY2(drain.exitCode == 68, drain.describe());
    QVERIFY2(oneErrorLine(drain, "forbidden"), drain.describe());
    QCOMPARE(m_fx.server().get("/v0/agents/" + m_fx.agent()->nodeId()).json.value("state").toString(),
        QStringLiteral("ONLINE"));
}

void TestCliExit::rateLimitedIs70()
{
    CliFixture limited;
    // TestServer passes 0 (no limit) first; the last value wins
    QVERIFY2(limited.start({"--rate-limit-per-minute", "3"}, 0), limited.diag().constData());
    CliResult r;
    for (int i = 0; i < 10; ++i) {
        r = limited.cli().run({"jobs", "list"}, CliOptions {{}, {}, {}, 120000});
        if (r.exitCode != 0)
            break;
    }
    QVERIFY2(r.exitCode == 70, r.describe());
    QVERIFY2(oneErrorLine(r, "rate_limited"), r.describe());
}

void TestCliExit::serverErrorIs71()
{
    // something in front of the server that answers with its own error page
    QTcpServer gateway;
    QVERIFY(gateway.listen(QHostAddress::LocalHost, 0));
    QObject::connect(&gateway, &QTcpServer::newConnection, &gateway, [&gateway] {
        while (QTcpSocket *s = gateway.nextPendingConnection()) {
            QObject::connect(s, &QTcpSocket::readyRead, s, [s] {
                s->readAll();
                s->write("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 22\r\n"
                         "Connection: close\r\n\r\n<h1>Bad Gateway</h1>\r\n");
                s->disconnectFromHost();
            });
        }
    });
    CliOptions opts;
    opts.env.insert("TANVRIT_SERVER", QStringLiteral("http://127.0.0.1:%1").arg(gateway.serverPort()));
    const CliResult r = m_cli->run({"jobs", "list"}, opts);
    QVERIFY2(r.exitCode == 71, r.describe());
    QVERIFY2(r.errLines().size() == 1 && r.err.startsWith("error: "), r.describe());
}

void TestCliExit::unreachableIs72()
{
    quint16 closed = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closed = probe.serverPort();
    }
    CliOptions opts;
    opts.env.insert("TANVRIT_SERVER", QStringLiteral("http://127.0.0.1:%1").arg(closed));
    const CliResult r = m_cli->run({"jobs", "list"}, opts);
    QVERIFY2(r.exitCode == 72, r.describe());
    QVERIFY2(r.errLines().size() == 1 && r.err.startsWith("error: "), r.describe());
}

namespace {
bool openssl(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start("openssl", args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        qWarning().noquote() << "openssl" << args.join(' ') << "failed:" << p.readAllStandardError();
        return false;
    }
    return true;
}
} // namespace

// An https server with a private CA: refused (72) until the CA is given by flag, environment or context.
void TestCliExit::tlsVerifiedWithItsCa()
{
    QTemporaryDir dir;
    const QStringList ec {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
    QVERIFY(openssl(dir.path(),
        QStringList {"req", "-x509"} + ec
            + QStringList {"-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Tanvrit CLI Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"}));
    QVERIFY(openssl(dir.path(),
        QStringList {"req"} + ec
            + QStringList {"-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"}));
    QFile ext(dir.filePath("server.ext"));
    QVERIFY(ext.open(QIODevice::WriteOnly));
    ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    ext.close();
    QVERIFY(openssl(dir.path(),
        {"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
            "server.pem", "-days", "2", "-extfile", "server.ext"}));
    TestServer https({"--tls-cert", dir.filePath("server.pem"), "--tls-key", dir.filePath("server.key")});
    QVERIFY2(https.start(), https.output().right(3000).constData());
    QCOMPARE(https.url().scheme(), QStringLiteral("https"));

    CliRunner cli; // straight to the server: the proxy speaks plain HTTP
    cli.setEnv("TANVRIT_SERVER", https.url().toString());
    cli.setEnv("TANVRIT_API_KEY", https.adminKey());
    const CliResult untrusted = cli.run({"jobs", "list"});
    QVERIFY2(untrusted.exitCode == 72, untrusted.describe());
    QVERIFY2(untrusted.errLines().size() == 1 && untrusted.err.startsWith("error: "), untrusted.describe());
    const CliResult flag = cli.run({"jobs", "list", "--ca", dir.filePath("ca.pem")});
    QVERIFY2(flag.exitCode == 0, flag.describe());
    CliOptions env;
    env.env.insert("TANVRIT_CA", dir.filePath("ca.pem"));
    const CliResult fromEnv = cli.run({"jobs", "list"}, env);
    QVERIFY2(fromEnv.exitCode == 0, fromEnv.describe());
    QVERIFY(cli.run({"config", "set-context", "tls", "--server", https.url().toString(), "--api-key", https.adminKey(),
                        "--ca", dir.filePath("ca.pem"), "--use"})
                .exitCode
        == 0);
    CliOptions noEnv;
    noEnv.unset << "TANVRIT_SERVER"
                << "TANVRIT_API_KEY";
    const CliResult fromContext = cli.run({"jobs", "list"}, noEnv);
    QVERIFY2(fromContext.exitCode == 0, fromContext.describe());
}

void TestCliExit::requestTimeoutIs73()
{
    // accepts connections (the kernel's backlog) and never answers
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    CliOptions opts;
    opts.env.insert("TANVRIT_SERVER", QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort()));
    QElapsedTimer t;
    t.start();
    const CliResult r = m_cli->run({"jobs", "list", "--request-timeout", "1"}, opts);
    QVERIFY2(r.exitCode == 73, r.describe());
    QVERIFY2(r.errLines().size() == 1 && r.err.startsWith("error: "), r.describe());
    QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed())));
}

void TestCliExit::jobThatCouldNotStartIs1()
{
    // argv runs without a shell: a program that does not exist cannot start
    const CliResult r = m_cli->run({"jobs", "run", "--", "/nonexistent/tanvrit-no-such-program"}, m_fx.direct());
    const CliResult list = m_cli->run({"jobs", "list", "--limit", "1", "-o", "json"});
    const QJsonObject job = list.json().object().value("jobs").toArray().at(0).toObject();
    QCOMPARE(job.value("state").toString(), QStringLiteral("FAILED"));
    // the job's own code when it has one, else 1
    const int expected = job.value("exitCode").isDouble() ? job.value("exitCode").toInt() : 1;
    QVERIFY2(r.exitCode == expected, qPrintable(QJsonDocument(job).toJson() + r.describe()));
    QVERIFY(r.exitCode != 0);
}

void TestCliExit::brokenAuditChainIs1()
{
    CliFixture own;
    QVERIFY2(own.start({}, 0, CliFixture::Direct), own.diag().constData());
    for (int i = 0; i < 3; ++i)
        QVERIFY(!own.server().submitJob({{"command", "true"}, {"labels", QJsonObject {{"none", "x"}}}}).isEmpty());
    QVERIFY(own.server().terminate());
    int changed = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "tamper");
        db.setDatabaseName(own.server().dataDir() + "/tanvrit.db");
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = "
                       "(SELECT MAX(seq) FROM audit_log WHERE action = 'job.submit')"));
        changed = q.numRowsAffected();
    }
    QSqlDatabase::removeDatabase("tamper");
    QCOMPARE(changed, 1);
    QVERIFY2(own.server().restart(), own.diag().constData());
    // the proxy (if any) still points at the same port? the server may come back elsewhere: go direct
    const CliResult r = own.cli().run({"audit", "verify"}, own.direct());
    QVERIFY2(r.exitCode == 1, r.describe());
    static const QRegularExpression broken("broken at seq \\d+: .+");
    QVERIFY2(broken.match(QString::fromUtf8(r.out + r.err)).hasMatch(), r.describe());
}

void TestCliExit::agentLostIs126()
{
    // a job is requeued while lostCount < max(maxRetries, 2): the third lost agent fails it with agent_lost
    CliFixture own;
    QVERIFY2(own.start({"--agent-timeout", "2"}, 0, CliFixture::Direct), own.diag().constData());
    const QString id = own.server().submitJob({{"command", "echo begin; sleep 60"}});
    QVERIFY(!id.isEmpty());
    auto waiter = own.cli().start({"jobs", "wait", id}, own.direct());
    std::vector<std::unique_ptr<TestAgent>> agents; // their destructors stop the jobs they left behind
    for (int loss = 1; loss <= 3; ++loss) {
        agents.push_back(std::make_unique<TestAgent>(
            own.server().url(), own.server().adminKey(), QStringLiteral("doomed-%1").arg(loss)));
        QVERIFY2(agents.back()->start(), own.diag().constData());
        const QString node = agents.back()->nodeId();
        QTRY_VERIFY2_WITH_TIMEOUT(own.job(id).value("state") == "RUNNING" && own.job(id).value("agentId") == node,
            own.diag().constData(), 20000);
        agents.back()->kill9();
        QTRY_VERIFY2_WITH_TIMEOUT(own.job(id).value("lostCount").toInt() == loss || own.state(id) == "FAILED",
            QJsonDocument(own.job(id)).toJson().constData(), 20000);
    }
    QVERIFY(own.waitForTerminal(id));
    QCOMPARE(own.state(id), QStringLiteral("FAILED"));
    QCOMPARE(own.job(id).value("error").toString(), QStringLiteral("agent_lost"));
    QVERIFY2(waiter->waitForFinished(20000), waiter->result().describe());
    QVERIFY2(waiter->result().exitCode == 126, waiter->result().describe());
}

QTEST_GUILESS_MAIN(TestCliExit)
#include "tst_cliexit.moc"

// TLS end to end: `serve --tls-cert/--tls-key` with a private CA made by the openssl CLI; HTTPS clients
// and agents that trust the CA (`agent --ca`) get through, those that do not are refused; plain HTTP on
// the TLS port (answered 400), silent clients and bad flags neither hang nor crash the server.
#include "E2eSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSslConfiguration>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

using namespace E2e;

class TestTls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void httpsNeedsTheCa();
    void plainHttpOnTheTlsPortIsTurnedAway();
    void silentClientIsClosedAfterTheHeaderTimeout();
    void handshakesCountAgainstConnectionLimits();
    void jobRunsOnAnAgentGivenTheCa();
    void agentWithoutTheCaGetsNoJobs();
    void localAgentTrustsItsServer();
    void badTlsFlagsStopTheStart_data();
    void badTlsFlagsStopTheStart();
    void badCaFileStopsTheAgent_data();
    void badCaFileStopsTheAgent();

private:
    bool openssl(const QStringList &args);
    QString file(const QString &name) const { return m_dir.filePath(name); }
    bool startServer(QStringList extraArgs = {});
    QSslConfiguration trustingCa() const;
    QByteArray diag() const { return tails(m_server.get(), m_agents); }

    QTemporaryDir m_dir;
    QList<QSslCertificate> m_ca;
    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
};

bool TestTls::openssl(const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(m_dir.path());
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        qWarning().noquote() << "openssl" << args.join(' ') << "failed:" << p.readAllStandardError();
        return false;
    }
    return true;
}

// A private CA, a server certificate it signed for 127.0.0.1 and localhost, and a key that fits nothing.
void TestTls::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QStringList ec {QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
        QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
    QVERIFY(openssl(QStringList {"req", "-x509"} + ec
        + QStringList {"-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Tanvrit Test CA", "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"}));
    QVERIFY(openssl(QStringList {"req"} + ec
        + QStringList {"-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"}));
    QFile ext(file(QStringLiteral("server.ext")));
    QVERIFY(ext.open(QIODevice::WriteOnly));
    ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
              "extendedKeyUsage=serverAuth\n");
    ext.close();
    QVERIFY(openssl({"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "server.ext"}));
    QVERIFY(openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", "other.key"}));
    QFile garbage(file(QStringLiteral("garbage.pem")));
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write("not a certificate\n");
    garbage.close();
    m_ca = QSslCertificate::fromPath(file(QStringLiteral("ca.pem")));
    QCOMPARE(m_ca.size(), 1);
}

void TestTls::cleanup()
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << diag();
    m_agents.clear();
    m_server.reset();
}

bool TestTls::startServer(QStringList extraArgs)
{
    m_server = std::make_unique<TestServer>(
        QStringList {"--tls-cert", file(QStringLiteral("server.pem")), "--tls-key", file(QStringLiteral("server.key"))}
        + extraArgs);
    if (!m_server->start())
        return false;
    m_server->setTrustedCas(m_ca);
    return true;
}

QSslConfiguration TestTls::trustingCa() const
{
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setCaCertificates(QSslConfiguration::systemCaCertificates() + m_ca);
    return c;
}

void TestTls::httpsNeedsTheCa()
{
    QVERIFY2(startServer(), diag().constData());
    QCOMPARE(m_server->url().scheme(), QStringLiteral("https"));
    QVERIFY2(m_server->output().contains("url=https://127.0.0.1:"), m_server->output().constData());

    m_server->setTrustedCas({});
    const auto refused = m_server->get(QStringLiteral("/health"), false);
    QCOMPARE(refused.status, 0);
    QVERIFY2(refused.networkError.contains(QStringLiteral("SSL"), Qt::CaseInsensitive), refused.describe());

    m_server->setTrustedCas(m_ca);
    const auto health = m_server->get(QStringLiteral("/health"), false);
    QVERIFY2(health.status == 200, health.describe());
    const auto jobs = m_server->get(QStringLiteral("/v0/jobs"));
    QVERIFY2(jobs.status == 200, jobs.describe());
}

void TestTls::plainHttpOnTheTlsPortIsTurnedAway()
{
    QVERIFY2(startServer(), diag().constData());
    QElapsedTimer clock;
    clock.start();
    const auto plain = m_server->rawRequest("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 8000);
    QVERIFY2(!plain.timedOut && clock.elapsed() < 5000, plain.describe());
    QVERIFY2(plain.status == 400, plain.describe());
    QCOMPARE(plain.json.value("code").toString(), QStringLiteral("invalid_request"));
    QVERIFY2(plain.json.value("message").toString().contains(QStringLiteral("https://")), plain.describe());
    const auto health = m_server->get(QStringLiteral("/health"), false);
    QVERIFY2(health.status == 200, health.describe());
}

void TestTls::silentClientIsClosedAfterTheHeaderTimeout()
{
    QVERIFY2(startServer({"--header-timeout", "1"}), diag().constData());
    QTcpSocket silent;
    silent.connectToHost(QHostAddress::LocalHost, quint16(m_server->url().port()));
    QVERIFY(silent.waitForConnected(5000));
    QElapsedTimer clock;
    clock.start();
    QTRY_VERIFY_WITH_TIMEOUT(silent.state() == QAbstractSocket::UnconnectedState, 8000);
    QVERIFY2(clock.elapsed() >= 500, "closed before the header timeout");
    const auto health = m_server->get(QStringLiteral("/health"), false);
    QVERIFY2(health.status == 200, health.describe());
}

// Connections that never finish a handshake hold their place under --max-connections-per-ip, so they
// cannot be used to get round it; when they go, the place is free again.
void TestTls::handshakesCountAgainstConnectionLimits()
{
    QVERIFY2(startServer({"--max-connections-per-ip", "2"}), diag().constData());
    std::vector<std::unique_ptr<QTcpSocket>> idle;
    for (int i = 0; i < 2; ++i) {
        idle.push_back(std::make_unique<QTcpSocket>());
        idle.back()->connectToHost(QHostAddress::LocalHost, quint16(m_server->url().port()));
        QVERIFY(idle.back()->waitForConnected(5000));
    }
    // the server accepts them on its own event loop; each try is a new connection (no keep-alive reuse)
    TestServer::Reply refused;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (m_server->setTrustedCas(m_ca), (refused = m_server->get(QStringLiteral("/health"), false)).status == 0),
        refused.describe().constData(), 5000);
    idle.clear();
    TestServer::Reply health;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (health = m_server->get(QStringLiteral("/health"), false)).status == 200, health.describe().constData(), 5000);
}

// HTTPS calls, the WSS push channel and a WSS log stream, all through the private CA.
void TestTls::jobRunsOnAnAgentGivenTheCa()
{
    QVERIFY2(startServer(), diag().constData());
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("tls-agent"),
        QStringList {"--ca", file(QStringLiteral("ca.pem"))}));
    TestAgent *agent = m_agents.back().get();
    QVERIFY2(agent->start(), diag().constData());
    QVERIFY2(agent->waitForOutput("push channel connected", 15000), diag().constData());

    const QString id = m_server->submitJob({{"command", "echo hello-over-tls"}});
    QVERIFY2(!id.isEmpty(), diag().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(stateOf(*m_server, id) == QLatin1String("SUCCEEDED"), diag().constData(), 30000);
    QVERIFY2(!agent->output().contains("long polling"), agent->output().constData()); // push, not the fallback
    QVERIFY(logTexts(logBuffer(*m_server, id)).contains(QStringLiteral("hello-over-tls")));

    QWebSocket ws;
    ws.setSslConfiguration(trustingCa());
    QStringList messages;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) { messages << m; });
    QUrl url = m_server->url();
    url.setScheme(QStringLiteral("wss"));
    url.setPath(QStringLiteral("/v0/jobs/%1/logs").arg(id));
    QNetworkRequest req(url);
    req.setRawHeader("X-API-Key", m_server->adminKey().toUtf8());
    ws.open(req);
    QTRY_VERIFY2_WITH_TIMEOUT(messages.join('\n').contains(QStringLiteral("hello-over-tls")),
        qPrintable(messages.join('\n') + ws.errorString()), 10000);

    // and as Server-Sent Events over HTTPS
    QNetworkAccessManager nam;
    QUrl sseUrl = m_server->url();
    sseUrl.setPath(QStringLiteral("/v0/jobs/%1/logs").arg(id));
    sseUrl.setQuery(QStringLiteral("follow=true"));
    QNetworkRequest sseReq(sseUrl);
    sseReq.setSslConfiguration(trustingCa());
    sseReq.setRawHeader("X-API-Key", m_server->adminKey().toUtf8());
    QNetworkReply *sse = nam.get(sseReq);
    QByteArray frames;
    connect(sse, &QNetworkReply::readyRead, this, [&] { frames += sse->readAll(); });
    QTRY_VERIFY2_WITH_TIMEOUT(
        frames.contains("hello-over-tls"), (frames + sse->errorString().toUtf8()).constData(), 10000);
    QVERIFY(frames.contains("event: line"));
    sse->abort();
    sse->deleteLater();
}

void TestTls::agentWithoutTheCaGetsNoJobs()
{
    QVERIFY2(startServer(), diag().constData());
    m_agents.push_back(
        std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("untrusting")));
    TestAgent *agent = m_agents.back().get();
    QVERIFY(!agent->start(3000));
    QVERIFY2(agent->waitForOutput("TLS certificate does not verify", 15000), agent->output().constData());
    QVERIFY2(agent->output().contains("--ca"), agent->output().constData());
    QVERIFY(agent->isRunning()); // it keeps retrying, as after any connection failure
    const auto agents = m_server->get(QStringLiteral("/v0/agents"));
    QVERIFY2(agents.status == 200 && !agents.body.contains("untrusting"), agents.describe());
}

// `serve --with-agent` reaches its own server by address, which a certificate need not name: the agent
// inside trusts exactly the certificate its server presents.
void TestTls::localAgentTrustsItsServer()
{
    QVERIFY2(startServer({"--with-agent", "--agent-slots", "1"}), diag().constData());
    const QString id = m_server->submitJob({{"command", "echo local-over-tls"}});
    QVERIFY2(!id.isEmpty(), diag().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(stateOf(*m_server, id) == QLatin1String("SUCCEEDED"), diag().constData(), 30000);
    QVERIFY2(m_server->output().contains("push channel connected"), diag().constData());
}

void TestTls::badTlsFlagsStopTheStart_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("message");
    QTest::newRow("cert without key") << QStringList {"--tls-cert", "server.pem"} << "--tls-cert and --tls-key";
    QTest::newRow("key without cert") << QStringList {"--tls-key", "server.key"} << "--tls-cert and --tls-key";
    QTest::newRow("missing cert") << QStringList {"--tls-cert", "absent.pem", "--tls-key", "server.key"}
                                  << "absent.pem";
    QTest::newRow("missing key") << QStringList {"--tls-cert", "server.pem", "--tls-key", "absent.key"} << "absent.key";
    QTest::newRow("not a certificate") << QStringList {"--tls-cert", "garbage.pem", "--tls-key", "server.key"}
                                       << "garbage.pem holds no PEM certificate";
    QTest::newRow("not a key") << QStringList {"--tls-cert", "server.pem", "--tls-key", "garbage.pem"}
                               << "garbage.pem holds no usable PEM private key";
    QTest::newRow("key of another certificate")
        << QStringList {"--tls-cert", "server.pem", "--tls-key", "other.key"} << "other.key does not belong";
}

void TestTls::badTlsFlagsStopTheStart()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, message);
    for (QString &f : flags) {
        if (!f.startsWith(QLatin1String("--")))
            f = file(f);
    }
    QTemporaryDir data;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(TestServer().binary(), QStringList {"serve", "--listen", "127.0.0.1:0", "--data-dir", data.path()} + flags);
    QVERIFY(p.waitForFinished(15000));
    const QByteArray out = p.readAll();
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() != 0, out.constData());
    QVERIFY2(out.contains(message.toUtf8()), out.constData());
    QVERIFY2(!out.contains("url="), out.constData());
}

void TestTls::badCaFileStopsTheAgent_data()
{
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << "absent.pem"
                             << "cannot read the CA file";
    QTest::newRow("not a certificate") << "garbage.pem"
                                       << "holds no PEM certificate";
}

void TestTls::badCaFileStopsTheAgent()
{
    QFETCH(QString, caFile);
    QFETCH(QString, message);
    QTemporaryDir work;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(TestServer().binary(),
        {"agent", "--server", "https://127.0.0.1:1", "--key", "tnv_unused", "--work-dir", work.path(), "--ca",
            file(caFile)});
    QVERIFY(p.waitForFinished(15000));
    const QByteArray out = p.readAll();
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 2, out.constData());
    QVERIFY2(out.contains(message.toUtf8()) && out.contains(caFile.toUtf8()), out.constData());
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"

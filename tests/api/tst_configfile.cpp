// `serve --config FILE` and `agent --config FILE`: a flag wins over TANVRIT_* in the environment, which wins
// over the file, which wins over the default; a bad file stops the start naming the file, the line and the key.
#include "TestAgent.h"
#include "TestServer.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {
QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(text);
    return path;
}

// Whether the server takes a JSON body of `bytes` bytes (413 beyond --max-body-bytes).
bool accepts(TestServer &server, int bytes)
{
    QByteArray body = "{\"type\":\"COMMAND\",\"command\":\"true\",\"labels\":{\"pad\":\"";
    const QByteArray tail = "\"}}";
    body += QByteArray(qMax(0, bytes - int(body.size() + tail.size())), 'x') + tail;
    const int status = server.request("POST", QStringLiteral("/v0/jobs"), body).status;
    return status != 413;
}

struct Run
{
    int exitCode = -1;
    QString output;
};

Run runServe(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    TestServer probe; // for the binary's path only
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(probe.binary(), QStringList {QStringLiteral("serve")} + args);
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAll())};
}
}

class TestConfigFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fileThenEnvironmentThenFlag();
    void badFilesStopTheStart_data();
    void badFilesStopTheStart();
    void agentReadsItsFile();

private:
    QTemporaryDir m_dir;
};

void TestConfigFile::fileThenEnvironmentThenFlag()
{
    const QString conf = writeFile(m_dir, QStringLiteral("server.conf"),
        "# the server's options\n\n; comments either way\nmax-body-bytes = 2048\nlog-level = info\n");
    {
        TestServer server({QStringLiteral("--config"), conf});
        QVERIFY(server.start());
        QVERIFY(accepts(server, 1500));
        QVERIFY(!accepts(server, 3000)); // the file's 2048, not the default 1 MiB
        QVERIFY(server.output().contains("options read from " + conf.toUtf8()));
    }
    qputenv("TANVRIT_MAX_BODY_BYTES", "4096");
    {
        TestServer server({QStringLiteral("--config"), conf});
        QVERIFY(server.start());
        QVERIFY(accepts(server, 3000)); // the environment over the file
        QVERIFY(!accepts(server, 5000));
    }
    {
        TestServer server(
            {QStringLiteral("--config"), conf, QStringLiteral("--max-body-bytes"), QStringLiteral("8192")});
        QVERIFY(server.start());
        QVERIFY(accepts(server, 5000)); // the flag over both
        QVERIFY(!accepts(server, 9000));
    }
    qunsetenv("TANVRIT_MAX_BODY_BYTES");
}

void TestConfigFile::badFilesStopTheStart_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("expected"); // fragments of the message besides the file's path

    QTest::newRow("unknown key") << QByteArray("log-level = info\nlisten-on = 1.2.3.4:5\n")
                                 << QStringList {QStringLiteral("line 2"), QStringLiteral("unknown key 'listen-on'")};
    QTest::newRow("bad value") << QByteArray("\n\nmax-body-bytes = lots\n")
                               << QStringList {QStringLiteral("--max-body-bytes must be"), QStringLiteral("line 3"),
                                      QStringLiteral("key max-body-bytes")};
    QTest::newRow("bad switch") << QByteArray("log-fsync = sometimes\n")
                                << QStringList {QStringLiteral("--log-fsync takes true or false"),
                                       QStringLiteral("line 1"), QStringLiteral("key log-fsync")};
    QTest::newRow("not key = value") << QByteArray(
        "listen 127.0.0.1:0\n") << QStringList {QStringLiteral("line 1"), QStringLiteral("expected \"key = value\"")};
    QTest::newRow("twice") << QByteArray("log-level = info\nlog-level = warn\n")
                           << QStringList {QStringLiteral("line 2"), QStringLiteral("already set on line 1")};
    QTest::newRow("section") << QByteArray("[serve]\nlog-level = info\n")
                             << QStringList {QStringLiteral("line 1"), QStringLiteral("sections are not used")};
    QTest::newRow("identity option") << QByteArray("access-token-ttl = 3\n")
                                     << QStringList {QStringLiteral("--access-token-ttl must be"),
                                            QStringLiteral("line 1"), QStringLiteral("key access-token-ttl")};
}

void TestConfigFile::badFilesStopTheStart()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, expected);
    const QString conf = writeFile(m_dir, QStringLiteral("bad.conf"), text);
    QTemporaryDir data;
    const Run run = runServe({QStringLiteral("--config"), conf, QStringLiteral("--data-dir"), data.path(),
        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.output.contains(conf), qPrintable(run.output));
    for (const QString &fragment : expected)
        QVERIFY2(run.output.contains(fragment), qPrintable(run.output));
    QVERIFY2(!run.output.contains(QLatin1String("listening")), qPrintable(run.output));

    const Run missing = runServe({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("none.conf")),
        QStringLiteral("--data-dir"), data.path()});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.output.contains(QLatin1String("cannot read the configuration file")), qPrintable(missing.output));
}

void TestConfigFile::agentReadsItsFile()
{
    TestServer server;
    QVERIFY(server.start());
    const QString conf = writeFile(m_dir, QStringLiteral("agent.conf"),
        "labels = zone=conf,disk=ssd\nslots = 3\ncapabilities = render, inference\n");
    TestAgent agent(server.url(), server.adminKey(), QStringLiteral("from-conf"), {QStringLiteral("--config"), conf});
    QVERIFY2(agent.start(), agent.output().constData());
    const QJsonObject node = server.get(QStringLiteral("/v0/agents/") + agent.nodeId()).json;
    QCOMPARE(node.value(QStringLiteral("labels")).toObject().value(QStringLiteral("zone")).toString(),
        QStringLiteral("conf"));
    QCOMPARE(node.value(QStringLiteral("labels")).toObject().value(QStringLiteral("disk")).toString(),
        QStringLiteral("ssd"));
    const QJsonArray caps = node.value(QStringLiteral("capabilities")).toArray();
    QVERIFY2(caps.contains(QStringLiteral("render")) && caps.contains(QStringLiteral("inference")),
        QJsonDocument(node).toJson().constData());

    // a job for the file's label runs there
    const QString id = server.submitJob({{QStringLiteral("type"), QStringLiteral("COMMAND")},
        {QStringLiteral("command"), QStringLiteral("echo configured")},
        {QStringLiteral("labels"), QJsonObject {{QStringLiteral("zone"), QStringLiteral("conf")}}}});
    QVERIFY(!id.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(
        server.get(QStringLiteral("/v0/jobs/") + id).json.value(QStringLiteral("state")).toString(),
        QStringLiteral("SUCCEEDED"), 20000);
}

QTEST_GUILESS_MAIN(TestConfigFile)
#include "tst_configfile.moc"

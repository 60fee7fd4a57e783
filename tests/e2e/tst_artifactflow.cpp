// Artifacts end to end (Part 1): a real agent runs a job that writes files, collects what its globs name
// inside the working directory (a link leading out and a pattern with ".." are refused and logged; a file
// over the server's cap is refused), uploads them in parts before reporting the result, and the files
// come back byte for byte through the list and signed download links.
#include "E2eSupport.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QUrl>
#include <QtTest>

using namespace E2e;

class TestArtifactFlow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void collectsAndUploadsBeforeTheResult();
    void jobWithoutMatchesSaysSo();

private:
    QString runToEnd(const QJsonObject &body);
    QByteArray fetch(const QString &jobId, const QString &artifactId, TestServer::Reply *reply = nullptr);

    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
};

void TestArtifactFlow::initTestCase()
{
    m_server = std::make_unique<TestServer>(
        QStringList {QStringLiteral("--artifact-max-file-bytes"), QString::number(8 << 20)});
    QVERIFY2(m_server->start(), m_server->output().right(3000).constData());
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("collector")));
    QVERIFY2(m_agents.back()->start(), tails(m_server.get(), m_agents).constData());
}

QString TestArtifactFlow::runToEnd(const QJsonObject &body)
{
    const QString id = m_server->submitJob(body);
    if (id.isEmpty())
        return {};
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 60000) {
        if (isTerminal(stateOf(*m_server, id)))
            return id;
        QTest::qWait(50);
    }
    qWarning().noquote() << "job did not end:" << tails(m_server.get(), m_agents);
    return {};
}

QByteArray TestArtifactFlow::fetch(const QString &jobId, const QString &artifactId, TestServer::Reply *reply)
{
    const auto p = m_server->post(
        QStringLiteral("/api/compute/jobs/artifacts/presign-download"), {{"jobId", jobId}, {"artifactId", artifactId}});
    const QUrl url(p.json.value("payload").toObject().value("url").toString());
    const auto r = m_server->request(
        "GET", url.path(QUrl::FullyEncoded) + QLatin1Char('?') + url.query(QUrl::FullyEncoded), {}, {}, false);
    if (reply)
        *reply = r;
    return r.status == 200 ? r.body : QByteArray();
}

void TestArtifactFlow::collectsAndUploadsBeforeTheResult()
{
    const QString script = QStringLiteral(
        "mkdir -p out/sub && printf hello > out/a.txt && head -c 5242887 /dev/urandom > out/sub/b.bin && "
        "head -c 9437184 /dev/zero > big.bin && ln -s /etc/hostname leak.txt && ln -s out/a.txt inner.txt && "
        "printf skip > notes.md && sha256sum out/sub/b.bin");
    const QString id = runToEnd({{"command", script},
        {"artifacts", QJsonArray {"out/**", "*.txt", "big.bin", "../escape/*"}}, {"timeoutSeconds", 60}});
    QVERIFY(!id.isEmpty());
    QCOMPARE(stateOf(*m_server, id), QStringLiteral("SUCCEEDED"));
    // the result came after the uploads: everything is listed the moment the job has ended
    const auto list = m_server->get(QStringLiteral("/v0/jobs/%1/artifacts").arg(id));
    QCOMPARE(list.status, 200);
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &v : list.json.value("artifacts").toArray())
        byName.insert(v.toObject().value("name").toString(), v.toObject());
    QVERIFY2(byName.size() == 3, list.body.constData());
    QVERIFY(byName.contains("out/a.txt"));
    QVERIFY(byName.contains("out/sub/b.bin"));
    QVERIFY(byName.contains("inner.txt")); // a link inside the directory: its target's bytes
    QVERIFY(!byName.contains("leak.txt"));
    QVERIFY(!byName.contains("big.bin"));
    QVERIFY(!byName.contains("notes.md"));
    QCOMPARE(byName.value("out/sub/b.bin").value("size").toInteger(), 5242887);

    const QStringList log = logTexts(logBuffer(*m_server, id));
    const QString joined = log.join('\n');
    const QString printedSha = log.isEmpty() ? QString() : log.first().section(' ', 0, 0);
    QCOMPARE(byName.value("out/sub/b.bin").value("sha256").toString(), printedSha);
    QVERIFY2(joined.contains("leak.txt is a symbolic link leading out of the working directory"), qPrintable(joined));
    QVERIFY2(joined.contains("pattern '../escape/*' leads out of the working directory"), qPrintable(joined));
    QVERIFY2(joined.contains(QRegularExpression("big.bin not stored: .*(413|limit per file)")), qPrintable(joined));
    QVERIFY2(joined.contains("artifacts: stored out/sub/b.bin (5242887 bytes"), qPrintable(joined));

    TestServer::Reply r;
    const QByteArray b = fetch(id, byName.value("out/sub/b.bin").value("id").toString(), &r);
    QCOMPARE(b.size(), 5242887);
    QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex()), printedSha);
    QCOMPARE(fetch(id, byName.value("out/a.txt").value("id").toString()), QByteArray("hello"));
    QCOMPARE(fetch(id, byName.value("inner.txt").value("id").toString()), QByteArray("hello"));
    // seed 004's result link names the first artifact
    const auto result = m_server->get(QStringLiteral("/v0/jobs/%1/result?name=out/a.txt").arg(id));
    QCOMPARE(result.status, 200);
    QVERIFY(result.json.value("downloadUrl").toString().contains(byName.value("out/a.txt").value("id").toString()));
}

void TestArtifactFlow::jobWithoutMatchesSaysSo()
{
    const QString id = runToEnd({{"command", "true"}, {"artifacts", QJsonArray {"nothing/*"}}});
    QVERIFY(!id.isEmpty());
    QCOMPARE(stateOf(*m_server, id), QStringLiteral("SUCCEEDED"));
    QCOMPARE(
        m_server->get(QStringLiteral("/v0/jobs/%1/artifacts").arg(id)).json.value("artifacts").toArray().size(), 0);
    QTRY_VERIFY(logTexts(logBuffer(*m_server, id)).contains("artifacts: no file matched"));
    QCOMPARE(m_server->get(QStringLiteral("/v0/jobs/%1/result").arg(id)).status, 404);
}

QTEST_MAIN(TestArtifactFlow)
#include "tst_artifactflow.moc"

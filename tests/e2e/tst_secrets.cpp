// Part 2 (secret vaults) end to end: a real server and agent run a job that names vault secrets. The job
// sees the values; its stored log shows them redacted (whole, split across two lines, in two writes,
// base64-encoded, a multi-line value); after the run no file under the server's data dir or the agent's
// work dir (SQLite db and WAL included) and no API answer (job, events, audit export) holds a value;
// a restart with the same key still decrypts them; a job whose secret is deleted before dispatch fails.
#include "E2eSupport.h"
#include "SseStream.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace E2e;

class TestSecrets : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void valuesReachTheJobAndNothingElse();
    void restartWithTheSameKeyDecrypts();
    void deletedSecretFailsTheJob();

private:
    QString runToEnd(const QJsonObject &body, const QString &state);
    void put(const QString &name, const QByteArray &value);
    // Every file below dir, binary or not, that contains one of needles: "file: needle".
    static QStringList filesContaining(const QString &dir, const QList<QByteArray> &needles);

    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
    QString m_ws;
    const QByteArray m_token = "Xk9-s3cr3tVal-4242-QZ";
    const QByteArray m_cert = "-----BEGIN TEST-----\nMIIBline1-abcdefgh\nMIIBline2-ijklmnop\n-----END TEST-----";
};

void TestSecrets::initTestCase()
{
    m_server = std::make_unique<TestServer>(QStringList {"--listen", QStringLiteral("127.0.0.1:%1").arg(freePort())});
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
    m_agents.push_back(std::make_unique<TestAgent>(
        m_server->url(), m_server->adminKey(), QStringLiteral("secrets"), QStringList {"--slots", "4"}));
    QVERIFY2(m_agents.back()->start(), tails(m_server.get(), m_agents).constData());
    const auto vault = m_server->post("/v0/secret-vaults", {{"name", "e2e"}});
    QCOMPARE(vault.status, 201);
    put("TOKEN", m_token);
    put("CERT", m_cert);
    m_ws = getJob(*m_server, m_server->submitJob({{"command", "true"}})).value("workspaceId").toString();
}

void TestSecrets::cleanupTestCase()
{
    m_agents.clear();
    m_server.reset();
}

void TestSecrets::put(const QString &name, const QByteArray &value)
{
    const auto r = m_server->request("PUT", "/v0/secret-vaults/e2e/secrets/" + name,
        QJsonDocument(QJsonObject {{"value", QString::fromUtf8(value)}}).toJson(QJsonDocument::Compact));
    QVERIFY2(r.status == 201 || r.status == 200, r.describe().constData());
}

QString TestSecrets::runToEnd(const QJsonObject &body, const QString &state)
{
    const QString id = m_server->submitJob(body);
    if (id.isEmpty())
        return {};
    QString now;
    if (!QTest::qWaitFor([&] { return isTerminal(now = stateOf(*m_server, id)); }, 30000))
        qWarning() << "job" << id << "did not end:" << tails(m_server.get(), m_agents);
    if (now != state) {
        qWarning() << "job" << id << "ended" << now << getJob(*m_server, id);
        return {};
    }
    return id;
}

QStringList TestSecrets::filesContaining(const QString &dir, const QList<QByteArray> &needles)
{
    QStringList hits;
    for (QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories); it.hasNext();) {
        QFile f(it.next());
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray all = f.readAll();
        for (const QByteArray &n : needles)
            if (all.contains(n))
                hits << f.fileName() + QStringLiteral(": ") + QString::fromUtf8(n);
    }
    return hits;
}

void TestSecrets::valuesReachTheJobAndNothingElse()
{
    const QString script = QStringLiteral("echo \"plain=$TOKEN\"; "
                                          "echo \"other=$OTHER_NAME\"; "
                                          "printf '%s\\n' \"$(printf %s \"$TOKEN\" | cut -c1-9)\"; printf '%s\\n' "
                                          "\"$(printf %s \"$TOKEN\" | cut -c10-)\"; "
                                          "printf 'two-writes=%s' \"$(printf %s \"$TOKEN\" | cut -c1-9)\"; sleep 0.3; "
                                          "printf '%s\\n' \"$(printf %s \"$TOKEN\" | cut -c10-)\"; "
                                          "printf %s \"$TOKEN\" | base64; echo \"$TOKEN\" | base64; "
                                          "printf '%s\\n' \"$CERT\"; "
                                          "echo \"err=$TOKEN\" >&2; "
                                          "printf %s \"$TOKEN\" | sha256sum | cut -c1-16; printf %s \"$CERT\" | wc -c");
    const QString id = runToEnd(
        {{"command", script}, {"secrets", QJsonArray {"e2e/TOKEN", "e2e/TOKEN=OTHER_NAME", "e2e/CERT"}}}, "SUCCEEDED");
    QVERIFY(!id.isEmpty());
    const QStringList texts = logTexts(logBuffer(*m_server, id));
    const QString joined = texts.join(QLatin1Char('\n'));
    // the job saw the real values
    QVERIFY2(texts.contains(
                 QString::fromLatin1(QCryptographicHash::hash(m_token, QCryptographicHash::Sha256).toHex().left(16))),
        qPrintable(joined));
    QVERIFY2(texts.contains(QString::number(m_cert.size())), qPrintable(joined));
    // readers see *** in their place
    QVERIFY2(
        texts.contains("plain=***") && texts.contains("other=***") && texts.contains("err=***"), qPrintable(joined));
    QVERIFY2(texts.contains("two-writes=***"), qPrintable(joined));
    QVERIFY2(texts.count("***") >= 2 + 2 + 4, qPrintable(joined)); // split lines, base64 (2), cert lines (4)
    const QList<QByteArray> needles {m_token, m_token.left(9), m_token.mid(9), m_token.toBase64(),
        (m_token + '\n').toBase64(), m_cert, "MIIBline1-abcdefgh", "MIIBline2-ijklmnop"};
    for (const QByteArray &n : needles)
        QVERIFY2(!joined.contains(QString::fromLatin1(n)), n.constData());

    // no API answer carries a value
    QList<QByteArray> answers;
    answers << m_server->get("/v0/jobs/" + id).body << m_server->get("/v0/jobs?limit=50").body
            << m_server->get("/v0/jobs/" + id + "/logs?format=text").body
            << m_server->get("/v0/workspaces/" + m_ws + "/audit?format=jsonl").body
            << m_server->get("/v0/workspaces/" + m_ws + "/audit?format=csv").body
            << m_server->get("/v0/secret-vaults/e2e/secrets").body << m_server->get("/v0/secret-vaults").body;
    const QJsonObject job = QJsonDocument::fromJson(answers.first()).object();
    QCOMPARE(job.value("secrets").toArray(), (QJsonArray {"e2e/TOKEN", "e2e/TOKEN=OTHER_NAME", "e2e/CERT"}));
    QVERIFY(!job.value("env").toObject().contains("TOKEN"));
    SseStream events(m_server->url(), m_server->adminKey(), QStringLiteral("/v0/events?since=0"));
    events.open();
    QTRY_VERIFY_WITH_TIMEOUT(
        events.rawTail(1 << 20).contains(id.toUtf8()) && events.rawTail(1 << 20).contains("SUCCEEDED"), 10000);
    answers << events.rawTail(8 << 20);
    for (const QByteArray &a : std::as_const(answers))
        for (const QByteArray &n : needles)
            QVERIFY2(!a.contains(n), n + " in " + a.left(300));

    // nor any file of the server or the agent, binary ones (SQLite db, WAL) included, nor their output
    QStringList hits = filesContaining(m_server->dataDir(), needles);
    hits << filesContaining(m_agents.front()->workDir(), needles);
    QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char('\n'))));
    QVERIFY(!m_server->output().contains(m_token) && !m_agents.front()->output().contains(m_token));
    QVERIFY(QFile::exists(m_server->dataDir() + "/secrets.key"));
}

void TestSecrets::restartWithTheSameKeyDecrypts()
{
    QVERIFY(m_server->terminate());
    QVERIFY2(m_server->restart(), m_server->output().right(3000).constData());
    // the agent comes back on its own; a new job still gets the value (its hash, not the value, is printed)
    const QString id = runToEnd(
        {{"command", "printf %s \"$TOKEN\" | sha256sum | cut -c1-16"}, {"secrets", QJsonArray {"e2e/TOKEN"}}},
        "SUCCEEDED");
    QVERIFY(!id.isEmpty());
    QCOMPARE(logTexts(logBuffer(*m_server, id)),
        QStringList {
            QString::fromLatin1(QCryptographicHash::hash(m_token, QCryptographicHash::Sha256).toHex().left(16))});
    QStringList hits = filesContaining(m_server->dataDir(), {m_token});
    QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char('\n'))));
}

void TestSecrets::deletedSecretFailsTheJob()
{
    put("GONE", "soon-deleted-value");
    // held in the queue by a label no agent has, the secret is deleted, then the label's agent appears
    const QString id = m_server->submitJob(
        {{"command", "echo $GONE"}, {"secrets", QJsonArray {"e2e/GONE"}}, {"labels", QJsonObject {{"pool", "late"}}}});
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_server->request("DELETE", "/v0/secret-vaults/e2e/secrets/GONE").status, 200);
    m_agents.push_back(std::make_unique<TestAgent>(
        m_server->url(), m_server->adminKey(), QStringLiteral("late"), QStringList {"--labels", "pool=late"}));
    QVERIFY2(m_agents.back()->start(), tails(m_server.get(), m_agents).constData());
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_server, id), QStringLiteral("FAILED"), 20000);
    const QJsonObject job = getJob(*m_server, id);
    QCOMPARE(job.value("error").toString(), QStringLiteral("secret_unavailable"));
}

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"

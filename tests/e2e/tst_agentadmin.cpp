// An admin's hold on a running agent, end to end: drain with a deadline (also across a control-plane
// restart) and a node key rotated at an admin's request, with real `serve` and `agent` processes.
#include "E2eSupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QtTest>

using namespace E2e;

class TestAgentAdmin : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void drainDeadlineCancelsWhatStillRuns();
    void drainDeadlineOutlivesARestart();
    void drainBodyIsChecked_data();
    void drainBodyIsChecked();
    void adminRotatesAnAgentsKey();

private:
    bool startServer(QStringList extraArgs = {});
    TestAgent *startAgent(const QString &name, QStringList extraArgs = {});
    QByteArray diag(const QJsonObject &job = {}) const;
    QString nodeKeyOf(const TestAgent &a) const;

    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
};

bool TestAgentAdmin::startServer(QStringList extraArgs)
{
    m_server = std::make_unique<TestServer>(std::move(extraArgs));
    return m_server->start();
}

TestAgent *TestAgentAdmin::startAgent(const QString &name, QStringList extraArgs)
{
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), name, std::move(extraArgs)));
    return m_agents.back()->start() ? m_agents.back().get() : nullptr;
}

QByteArray TestAgentAdmin::diag(const QJsonObject &job) const
{
    QByteArray out;
    if (!job.isEmpty())
        out = "job: " + QJsonDocument(job).toJson(QJsonDocument::Compact) + '\n';
    return out + tails(m_server.get(), m_agents);
}

QString TestAgentAdmin::nodeKeyOf(const TestAgent &a) const
{
    QFile f(a.workDir() + QStringLiteral("/agent.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("nodeKey")).toString();
}

void TestAgentAdmin::cleanup()
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << tails(m_server.get(), m_agents, 6000);
    m_agents.clear();
    m_server.reset();
}

void TestAgentAdmin::drainDeadlineCancelsWhatStillRuns()
{
    QVERIFY2(startServer(), diag().constData());
    TestAgent *a = startAgent(QStringLiteral("deadline"), {"--slots", "2"});
    QVERIFY2(a, diag().constData());
    const QString quick = m_server->submitJob({{"command", "echo quick; sleep 1"}});
    const QString slow = m_server->submitJob({{"command", "echo slow; sleep 120"}});
    QTRY_VERIFY2_WITH_TIMEOUT(stateOf(*m_server, slow) == "RUNNING" && stateOf(*m_server, quick) == "RUNNING",
        diag(getJob(*m_server, slow)).constData(), 20000);

    const TestServer::Reply r
        = m_server->post(QStringLiteral("/v0/agents/%1:drain").arg(a->nodeId()), QJsonObject {{"deadlineSeconds", 3}});
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(r.json.value("state").toString(), QStringLiteral("DRAINING"));
    QVERIFY2(!r.json.value("drainDeadline").toString().isEmpty(), r.describe().constData());

    // the quick job ends on its own before the deadline; the slow one is cancelled at it
    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (job = getJob(*m_server, quick)).value("state").toString() == "SUCCEEDED", diag(job).constData(), 15000);
    QTRY_VERIFY2_WITH_TIMEOUT(
        (job = getJob(*m_server, slow)).value("state").toString() == "CANCELLED", diag(job).constData(), 20000);
    bool byDeadline = false;
    for (const QJsonValue &h : job.value("history").toArray())
        byDeadline = byDeadline
            || (h.toObject().value("state").toString() == "CANCELLING"
                && h.toObject().value("reason").toString() == "drain deadline");
    QVERIFY2(byDeadline, diag(job).constData());
    // the deadline fired once: the agent no longer carries it
    QVERIFY(findAgent(*m_server, a->nodeId()).value("drainDeadline").isNull());
}

void TestAgentAdmin::drainDeadlineOutlivesARestart()
{
    QVERIFY2(startServer({"--listen", QStringLiteral("127.0.0.1:%1").arg(freePort())}), diag().constData());
    TestAgent *a = startAgent(QStringLiteral("restart"));
    QVERIFY2(a, diag().constData());
    const QString slow = m_server->submitJob({{"command", "echo slow; sleep 120"}});
    QTRY_VERIFY2_WITH_TIMEOUT(stateOf(*m_server, slow) == "RUNNING", diag(getJob(*m_server, slow)).constData(), 20000);
    const TestServer::Reply r
        = m_server->post(QStringLiteral("/v0/agents/%1:drain").arg(a->nodeId()), QJsonObject {{"deadlineSeconds", 4}});
    QVERIFY2(r.status == 200, r.describe().constData());

    QVERIFY2(m_server->terminate(), diag().constData());
    QVERIFY2(m_server->restart(), diag().constData());
    QCOMPARE(findAgent(*m_server, a->nodeId()).value("state").toString(), QStringLiteral("DRAINING"));
    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (job = getJob(*m_server, slow)).value("state").toString() == "CANCELLED", diag(job).constData(), 30000);
    QVERIFY2(job.value("history").toArray().last().toObject().value("state").toString() == "CANCELLED",
        diag(job).constData());
}

void TestAgentAdmin::drainBodyIsChecked_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::newRow("negative") << QByteArray(R"({"deadlineSeconds":-1})") << 422;
    QTest::newRow("text") << QByteArray(R"({"deadlineSeconds":"soon"})") << 422;
    QTest::newRow("fraction") << QByteArray(R"({"deadlineSeconds":1.5})") << 422;
    QTest::newRow("too far") << QByteArray(R"({"deadlineSeconds":99999999})") << 422;
    QTest::newRow("not an object") << QByteArray("[1]") << 400;
    QTest::newRow("none") << QByteArray() << 200;
}

void TestAgentAdmin::drainBodyIsChecked()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    if (!m_server) {
        QVERIFY2(startServer(), diag().constData());
    }
    TestAgent *a = startAgent(QStringLiteral("checked"));
    QVERIFY2(a, diag().constData());
    const TestServer::Reply r = m_server->request("POST", QStringLiteral("/v0/agents/%1:drain").arg(a->nodeId()), body);
    QVERIFY2(r.status == status, r.describe().constData());
    if (status == 422)
        QVERIFY2(r.json.value("fields").toObject().contains("deadlineSeconds"), r.describe().constData());
}

void TestAgentAdmin::adminRotatesAnAgentsKey()
{
    QVERIFY2(startServer(), diag().constData());
    TestAgent *a = startAgent(QStringLiteral("rotator"));
    QVERIFY2(a, diag().constData());
    const QString before = nodeKeyOf(*a);
    QVERIFY(before.startsWith("tnv_"));

    // a member may not; the admin may
    const TestServer::Reply created = m_server->post(QStringLiteral("/v0/keys"), {{"name", "m"}, {"role", "member"}});
    QVERIFY2(created.status == 201, created.describe().constData());
    const TestServer::Reply refused
        = m_server->request("POST", QStringLiteral("/v0/agents/%1:rotate-key").arg(a->nodeId()), {},
            {{"X-API-Key", created.json.value("key").toString().toUtf8()}}, false);
    QVERIFY2(refused.status == 403, refused.describe().constData());
    // a job that keeps logging keeps requests of the agent in flight while the key changes under them
    const QString chatty = m_server->submitJob(
        {{"command", "i=0; while [ $i -lt 400 ]; do echo line $i; i=$((i+1)); sleep 0.01; done"}});
    QTRY_VERIFY2_WITH_TIMEOUT(stateOf(*m_server, chatty) == "RUNNING", diag().constData(), 20000);
    const TestServer::Reply r
        = m_server->post(QStringLiteral("/v0/agents/%1:rotate-key").arg(a->nodeId()), QJsonObject {});
    QVERIFY2(r.status == 202, r.describe().constData());

    QTRY_VERIFY2_WITH_TIMEOUT(!nodeKeyOf(*a).isEmpty() && nodeKeyOf(*a) != before, diag().constData(), 15000);
    // the old key is refused, the agent keeps working with the new one as the same node
    const TestServer::Reply old = m_server->request(
        "POST", QStringLiteral("/api/compute/nodes/heartbeat"), "{}", {{"X-API-Key", before.toUtf8()}}, false);
    QVERIFY2(old.status == 401, old.describe().constData());
    const QString job = m_server->submitJob({{"command", "echo after-rotation"}});
    QJsonObject j;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (j = getJob(*m_server, job)).value("state").toString() == "SUCCEEDED", diag(j).constData(), 20000);
    QCOMPARE(j.value("agentId").toString(), a->nodeId());
    QCOMPARE(findAgent(*m_server, a->nodeId()).value("state").toString(), QStringLiteral("ONLINE"));
    // a refusal of a request that left with the old key did not make the agent register as a new node
    QVERIFY2(!a->output().contains("registering again"), diag().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(
        (j = getJob(*m_server, chatty)).value("state").toString() == "SUCCEEDED", diag(j).constData(), 30000);
    QCOMPARE(j.value("agentId").toString(), a->nodeId());

    // an unknown agent is 404
    const TestServer::Reply none
        = m_server->post(QStringLiteral("/v0/agents/node_00000000000000000000000000:rotate-key"), QJsonObject {});
    QVERIFY2(none.status == 404, none.describe().constData());
}

QTEST_GUILESS_MAIN(TestAgentAdmin)
#include "tst_agentadmin.moc"

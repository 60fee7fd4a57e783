// A store write that fails changes nothing: the caller gets 503 with Retry-After, the job is served as
// before, the scheduler keeps it queued (nothing is stuck ASSIGNED) and takes it again once writes work.
// The failure is real: a trigger installed in the server's database refuses the write (modes would
// not stop root, which these suites may run as).
#include "ApiChecks.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

using namespace ApiChecks;

class TestStoreFailure : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void failedSubmitIs503WithRetryAfter();
    void failedCancelLeavesTheJobQueued();
    void failedAssignmentLeavesTheJobQueued();

private:
    bool sql(const QString &statement);
    QJsonObject getJob(const QString &id);
    QJsonObject poll(const QString &nodeKey);

    std::unique_ptr<TestServer> m_server;
};

bool TestStoreFailure::sql(const QString &statement)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("test"));
        db.setDatabaseName(m_server->dataDir() + QStringLiteral("/tanvrit.db"));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (db.open()) {
            QSqlQuery q(db);
            ok = q.exec(statement);
            if (!ok)
                qWarning() << q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("test"));
    return ok;
}

void TestStoreFailure::initTestCase()
{
    m_server = std::make_unique<TestServer>(QStringList {QStringLiteral("--agent-timeout"), QStringLiteral("600")});
    QVERIFY(m_server->start());
}

void TestStoreFailure::cleanup()
{
    sql(QStringLiteral("DROP TRIGGER IF EXISTS refuse"));
}

QJsonObject TestStoreFailure::getJob(const QString &id)
{
    return m_server->get(QStringLiteral("/v0/jobs/") + id).json;
}

QJsonObject TestStoreFailure::poll(const QString &nodeKey)
{
    const auto r = m_server->request("POST", QStringLiteral("/api/compute/nodes/poll"), R"({"waitSeconds":0})",
        {{"X-API-Key", nodeKey.toUtf8()}}, false);
    return r.json.value(QStringLiteral("payload")).toObject();
}

void TestStoreFailure::failedSubmitIs503WithRetryAfter()
{
    QVERIFY(sql(QStringLiteral(
        "CREATE TRIGGER refuse BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")));
    const auto r = m_server->post(QStringLiteral("/v0/jobs"), {{"command", "true"}});
    QVERIFY2(errorProblem(r, 503).isEmpty(), qPrintable(errorProblem(r, 503)));
    QVERIFY2(r.header("retry-after").toInt() >= 1, r.describe().constData());
    const auto list = m_server->get(QStringLiteral("/v0/jobs?limit=1000"));
    QCOMPARE(list.json.value("jobs").toArray().size(), 0);

    cleanup();
    QVERIFY(!m_server->submitJob({{"command", "true"}}).isEmpty());
}

void TestStoreFailure::failedCancelLeavesTheJobQueued()
{
    const QString id = m_server->submitJob({{"command", "true"}, {"labels", QJsonObject {{"pool", "none"}}}});
    QVERIFY(!id.isEmpty());
    const QJsonObject before = getJob(id);
    QCOMPARE(before.value("state").toString(), QStringLiteral("QUEUED"));
    QVERIFY(sql(QStringLiteral("CREATE TRIGGER refuse BEFORE UPDATE ON jobs WHEN NEW.state = 'CANCELLED' "
                               "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")));
    const auto r = m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
    QVERIFY2(errorProblem(r, 503).isEmpty(), qPrintable(errorProblem(r, 503)));
    QVERIFY2(r.header("retry-after").toInt() >= 1, r.describe().constData());
    QJsonObject after = getJob(id);
    QCOMPARE(after.value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(after.value("history").toArray().size(), before.value("history").toArray().size());

    cleanup();
    const auto ok = m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
    QCOMPARE(ok.status, 200);
    QCOMPARE(getJob(id).value("state").toString(), QStringLiteral("CANCELLED"));
}

void TestStoreFailure::failedAssignmentLeavesTheJobQueued()
{
    // a node (this test plays the agent over the agent plane)
    const auto reg = m_server->request("POST", QStringLiteral("/api/compute/nodes/register"),
        R"({"name":"store-failure","resources":{"cpu":2,"slots":2},"labels":{"pool":"sf"}})");
    QCOMPARE(reg.status, 200);
    const QString nodeKey = reg.json.value("payload").toObject().value("nodeKey").toString();
    QVERIFY(!nodeKey.isEmpty());

    QVERIFY(sql(QStringLiteral("CREATE TRIGGER refuse BEFORE UPDATE ON jobs WHEN NEW.state = 'ASSIGNED' "
                               "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")));
    const qsizetype outputBefore = m_server->output().size();
    const QString id = m_server->submitJob({{"command", "true"}, {"labels", QJsonObject {{"pool", "sf"}}}});
    QVERIFY(!id.isEmpty());
    // the scheduler tried (the store said no)
    QTRY_VERIFY_WITH_TIMEOUT(m_server->output().mid(outputBefore).contains("refused by the test"), 10000);
    const QJsonObject job = getJob(id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
    QVERIFY(job.value("agentId").isNull());
    for (const auto &a : poll(nodeKey).value("assignments").toArray()) // jobs of earlier tests may come
        QVERIFY(a.toObject().value("jobId").toString() != id);

    // writes work again: the job is placed and handed out
    cleanup();
    QTRY_COMPARE_WITH_TIMEOUT(getJob(id).value("state").toString(), QStringLiteral("ASSIGNED"), 10000);
    bool handedOut = false;
    auto pollFor = [&] {
        const QJsonObject pl = poll(nodeKey);
        for (const auto &a : pl.value("assignments").toArray())
            handedOut = handedOut || a.toObject().value("jobId").toString() == id;
        return handedOut;
    };
    QTRY_VERIFY_WITH_TIMEOUT(pollFor(), 10000);
}

QTEST_GUILESS_MAIN(TestStoreFailure)
#include "tst_storefailure.moc"

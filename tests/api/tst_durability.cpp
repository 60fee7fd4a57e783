// Nothing acknowledged is lost: jobs, cancels, retries and idempotency keys answered before a SIGKILL
// are all there after a restart on the same data dir (DESIGN.md §11).
#include "ApiChecks.h"
#include "TestServer.h"

#include <QJsonDocument>
#include <QSet>
#include <QtTest>

using namespace ApiChecks;

class TestDurability : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void acceptedJobsSurviveKill9();
    void concurrentSubmitsSurviveKill9();
    void cancelSurvivesKill9();
    void retrySurvivesKill9();
    void idempotencyKeySurvivesKill9();
    void repeatedCrashesLoseNothing();

private:
    // kill -9, restart on the same data dir, and check the server is ready with the same owner key.
    void crashAndRestart();
    QJsonObject getJob(const QString &id);

    std::unique_ptr<TestServer> m_server;
    QStringList m_allIds;   // every job acknowledged so far, oldest first
};

void TestDurability::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
}

QJsonObject TestDurability::getJob(const QString &id)
{
    const TestServer::Reply r = m_server->get(QStringLiteral("/v0/jobs/") + id);
    return r.status == 200 ? r.json : QJsonObject{{"__status", r.status}};
}

void TestDurability::crashAndRestart()
{
    const QString key = m_server->adminKey();
    const qint64 oldPid = m_server->pid();
    m_server->kill9();
    QVERIFY(!m_server->isRunning());
    QVERIFY2(m_server->restart(), m_server->output().right(4000).constData());
    QVERIFY(m_server->pid() != oldPid);
    QCOMPARE(m_server->adminKey(), key);
    const TestServer::Reply ready = m_server->get(QStringLiteral("/v0/health/ready"), false);
    QVERIFY2(ready.status == 200, ready.describe().constData());
}

void TestDurability::acceptedJobsSurviveKill9()
{
    QStringList ids;
    for (int i = 0; i < 200; ++i) {
        const TestServer::Reply r = m_server->post(
            QStringLiteral("/v0/jobs"),
            {{"command", QStringLiteral("echo job %1").arg(i)}, {"labels", QJsonObject{{"batch", "seq"}}}});
        QVERIFY2(r.status == 201, qPrintable(QStringLiteral("job %1: %2").arg(i).arg(QString::fromUtf8(r.describe()))));
        ids << r.json.value("id").toString();
        QVERIFY(isJobId(ids.last()));
    }
    crashAndRestart();   // immediately after the last 201
    if (QTest::currentTestFailed())
        return;
    m_allIds << ids;

    for (int i = 0; i < ids.size(); ++i) {
        const QJsonObject job = getJob(ids[i]);
        QVERIFY2(job.value("id").toString() == ids[i],
                 qPrintable(QStringLiteral("job %1 (%2) lost: %3").arg(i).arg(ids[i], QJsonDocument(job).toJson())));
        QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
        QCOMPARE(job.value("command").toString(), QStringLiteral("echo job %1").arg(i));
    }
    const Walk walk = walkJobs(*m_server, QStringLiteral("label=batch:seq&limit=1000"));
    QVERIFY2(walk.problem.isEmpty(), qPrintable(walk.problem));
    QStringList newestFirst = ids;
    std::reverse(newestFirst.begin(), newestFirst.end());
    QCOMPARE(walk.ids, newestFirst);
}

void TestDurability::concurrentSubmitsSurviveKill9()
{
    QList<QByteArray> bodies;
    for (int i = 0; i < 100; ++i)
        bodies << QJsonDocument(QJsonObject{{"command", QStringLiteral("echo par %1").arg(i)},
                                            {"labels", QJsonObject{{"batch", "par"}}}})
                      .toJson(QJsonDocument::Compact);
    const QList<TestServer::Reply> replies = m_server->requestParallel("POST", QStringLiteral("/v0/jobs"), bodies);
    QSet<QString> ids;
    for (int i = 0; i < replies.size(); ++i) {
        QVERIFY2(replies[i].status == 201, qPrintable(QStringLiteral("submit %1: %2").arg(i).arg(
                                               QString::fromUtf8(replies[i].describe()))));
        ids.insert(replies[i].json.value("id").toString());
    }
    QCOMPARE(ids.size(), 100);   // distinct ids
    crashAndRestart();
    if (QTest::currentTestFailed())
        return;
    m_allIds << ids.values();

    for (const QString &id : std::as_const(ids))
        QVERIFY2(getJob(id).value("id").toString() == id, qPrintable(id + QStringLiteral(" lost")));
    const Walk walk = walkJobs(*m_server, QStringLiteral("label=batch:par&limit=30"));
    QVERIFY2(walk.problem.isEmpty(), qPrintable(walk.problem));
    QCOMPARE(walk.ids.size(), 100);
    QCOMPARE(QSet<QString>(walk.ids.begin(), walk.ids.end()), ids);
}

void TestDurability::cancelSurvivesKill9()
{
    const QString id = m_server->submitJob({{"command", "sleep 1000"}});
    QVERIFY(!id.isEmpty());
    const TestServer::Reply cancel = m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
    QVERIFY2(cancel.status == 200, cancel.describe().constData());
    QCOMPARE(cancel.json.value("state").toString(), QStringLiteral("CANCELLED"));
    crashAndRestart();   // right after the cancel was acknowledged
    if (QTest::currentTestFailed())
        return;
    m_allIds << id;

    const QJsonObject job = getJob(id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("CANCELLED"));
    const QJsonArray history = job.value("history").toArray();
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.last().toObject().value("state").toString(), QStringLiteral("CANCELLED"));
    const Walk cancelled = walkJobs(*m_server, QStringLiteral("state=CANCELLED"));
    QVERIFY(cancelled.ids.contains(id));
}

void TestDurability::retrySurvivesKill9()
{
    const QString id = m_server->submitJob({{"command", "true"}});
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id)).status, 200);
    const TestServer::Reply retry = m_server->request("POST", QStringLiteral("/v0/jobs/%1:retry").arg(id));
    QVERIFY2(retry.status == 200, retry.describe().constData());
    QCOMPARE(retry.json.value("attempt").toInt(), 2);
    crashAndRestart();
    if (QTest::currentTestFailed())
        return;
    m_allIds << id;

    const QJsonObject job = getJob(id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(job.value("attempt").toInt(), 2);
    QCOMPARE(job.value("history").toArray().size(), 3);
}

void TestDurability::idempotencyKeySurvivesKill9()
{
    const QJsonObject body{{"command", "echo once"}, {"labels", QJsonObject{{"batch", "idem"}}}};
    const TestServer::Headers key{{"Idempotency-Key", "durable-key-1"}};
    const TestServer::Reply first = m_server->post(QStringLiteral("/v0/jobs"), body, key);
    QVERIFY2(first.status == 201, first.describe().constData());
    const QString id = first.json.value("id").toString();
    crashAndRestart();
    if (QTest::currentTestFailed())
        return;
    m_allIds << id;

    const TestServer::Reply again = m_server->post(QStringLiteral("/v0/jobs"), body, key);
    QVERIFY2(again.status == 201, again.describe().constData());
    QCOMPARE(again.json.value("id").toString(), id);
    const Walk walk = walkJobs(*m_server, QStringLiteral("label=batch:idem"));
    QCOMPARE(walk.ids, QStringList{id});
}

void TestDurability::repeatedCrashesLoseNothing()
{
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 20; ++i) {
            const QString id = m_server->submitJob({{"command", QStringLiteral("echo r%1 %2").arg(round).arg(i)}});
            QVERIFY(!id.isEmpty());
            m_allIds << id;
        }
        crashAndRestart();
        if (QTest::currentTestFailed())
            return;
    }
    // Every job acknowledged in this whole run, across all the crashes, is listed exactly once.
    const Walk walk = walkJobs(*m_server, QStringLiteral("limit=100"));
    QVERIFY2(walk.problem.isEmpty(), qPrintable(walk.problem));
    const QSet<QString> listed(walk.ids.begin(), walk.ids.end());
    QCOMPARE(listed.size(), walk.ids.size());   // no duplicates
    for (const QString &id : std::as_const(m_allIds))
        QVERIFY2(listed.contains(id), qPrintable(id + QStringLiteral(" missing from the list")));
}

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"

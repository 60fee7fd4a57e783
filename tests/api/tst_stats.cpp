// GET /v0/stats against a real server with its local agent: jobs by state, the last hour per minute,
// failure rate, agents, GPUs and the latest failures, for the caller's workspace only.
#include "ApiChecks.h"
#include "TestServer.h"
#include "TestTeam.h"

#include <QDateTime>
#include <QJsonArray>
#include <QtTest>

class TestStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void countsFollowTheJobs();
    void everyStateIsListed();
    void finishedPerMinuteCoversTheLastHour();
    void recentFailuresCarryTheirError();
    void anyMemberReadsOnlyTheirWorkspace();
    void needsCredentials();

private:
    QJsonObject stats(const TestServer::Headers &who = {});
    QString runToEnd(const QString &command);

    TestServer m_server {{QStringLiteral("--with-agent"), QStringLiteral("--agent-slots"), QStringLiteral("2")}};
    QString m_failed;
    QString m_timedOut;
};

QJsonObject TestStats::stats(const TestServer::Headers &who)
{
    const TestServer::Reply r = who.isEmpty() ? m_server.get(QStringLiteral("/v0/stats"))
                                              : TestTeam(m_server).as(who, "GET", QStringLiteral("/v0/stats"));
    if (r.status != 200)
        qWarning().noquote() << "GET /v0/stats:" << r.describe();
    return r.json;
}

QString TestStats::runToEnd(const QString &command)
{
    const QString id
        = m_server.submitJob({{QStringLiteral("command"), command}, {QStringLiteral("timeoutSeconds"), 1}});
    if (id.isEmpty())
        return {};
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000) {
        const QString state = m_server.get(QStringLiteral("/v0/jobs/") + id).json.value("state").toString();
        if (state == "SUCCEEDED" || state == "FAILED" || state == "TIMED_OUT" || state == "CANCELLED")
            return id;
        QTest::qWait(50);
    }
    return {};
}

void TestStats::initTestCase()
{
    QVERIFY2(m_server.start(), m_server.output().right(2000).constData());
    // one of each outcome through the local agent, and one job that waits: CANCELLED while QUEUED
    QVERIFY(!runToEnd(QStringLiteral("true")).isEmpty());
    QVERIFY(!runToEnd(QStringLiteral("true")).isEmpty());
    QVERIFY(!(m_failed = runToEnd(QStringLiteral("echo boom >&2; exit 3"))).isEmpty());
    QVERIFY(!(m_timedOut = runToEnd(QStringLiteral("sleep 30"))).isEmpty());
    const QString waiting = m_server.submitJob({{QStringLiteral("command"), QStringLiteral("true")},
        {QStringLiteral("labels"), QJsonObject {{"zone", "nowhere"}}}});
    QVERIFY(!waiting.isEmpty());
    m_server.submitJob({{QStringLiteral("command"), QStringLiteral("true")},
        {QStringLiteral("labels"), QJsonObject {{"zone", "nowhere"}}}});
    const TestServer::Reply c = m_server.post(QStringLiteral("/v0/jobs/%1:cancel").arg(waiting), {});
    QVERIFY2(c.status == 200, c.describe().constData());
}

void TestStats::countsFollowTheJobs()
{
    QJsonObject s;
    QTRY_VERIFY_WITH_TIMEOUT((s = stats()).value("agents").toObject().value("online").toInt() == 1, 10000);
    const QJsonObject byState = s.value("jobsByState").toObject();
    QCOMPARE(byState.value("SUCCEEDED").toInt(), 2);
    QCOMPARE(byState.value("FAILED").toInt(), 1);
    QCOMPARE(byState.value("TIMED_OUT").toInt(), 1);
    QCOMPARE(byState.value("CANCELLED").toInt(), 1);
    QCOMPARE(byState.value("QUEUED").toInt(), 1);
    QCOMPARE(s.value("queueDepth").toInt(), 1);
    // 2 failed (FAILED, TIMED_OUT) of 4 finished; the cancelled job counts for neither
    QCOMPARE(s.value("failureRate").toDouble(), 0.5);
    const QJsonObject agents = s.value("agents").toObject();
    QCOMPARE(agents.value("draining").toInt(), 0);
    QCOMPARE(agents.value("lost").toInt(), 0);
    const QJsonObject gpus = s.value("gpus").toObject();
    QVERIFY(gpus.contains("total") && gpus.contains("busy") && gpus.contains("utilizationPercent"));
    QCOMPARE(gpus.value("busy").toInt(), 0);
}

void TestStats::everyStateIsListed()
{
    const QJsonObject byState = stats().value("jobsByState").toObject();
    for (const char *state :
        {"QUEUED", "ASSIGNED", "RUNNING", "CANCELLING", "SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED"})
        QVERIFY2(byState.value(QLatin1String(state)).isDouble(), state);
    QCOMPARE(byState.size(), 8);
}

void TestStats::finishedPerMinuteCoversTheLastHour()
{
    const QJsonArray minutes = stats().value("finishedPerMinute").toArray();
    QCOMPARE(minutes.size(), 60);
    qint64 succeeded = 0, failed = 0, cancelled = 0;
    QDateTime previous;
    for (const QJsonValue &v : minutes) {
        const QJsonObject m = v.toObject();
        const QDateTime at = QDateTime::fromString(m.value("minute").toString(), Qt::ISODateWithMs);
        QVERIFY2(at.isValid(), qPrintable(m.value("minute").toString()));
        QCOMPARE(at.time().second(), 0);
        if (previous.isValid())
            QCOMPARE(previous.secsTo(at), 60);
        previous = at;
        succeeded += m.value("succeeded").toInt();
        failed += m.value("failed").toInt();
        cancelled += m.value("cancelled").toInt();
    }
    QVERIFY(previous.secsTo(QDateTime::currentDateTimeUtc()) < 60); // the current minute is the last
    QCOMPARE(succeeded, 2);
    QCOMPARE(failed, 2);
    QCOMPARE(cancelled, 1);
}

void TestStats::recentFailuresCarryTheirError()
{
    const QJsonArray failures = stats().value("recentFailures").toArray();
    QCOMPARE(failures.size(), 2);
    QCOMPARE(failures.at(0).toObject().value("id").toString(), m_timedOut); // newest first
    const QJsonObject failed = failures.at(1).toObject();
    QCOMPARE(failed.value("id").toString(), m_failed);
    QCOMPARE(failed.value("state").toString(), QStringLiteral("FAILED"));
    QCOMPARE(failed.value("exitCode").toInt(), 3);
    QCOMPARE(failed.value("command").toString(), QStringLiteral("echo boom >&2; exit 3"));
    QVERIFY(QDateTime::fromString(failed.value("finishedAt").toString(), Qt::ISODateWithMs).isValid());
    QCOMPARE(failures.at(0).toObject().value("state").toString(), QStringLiteral("TIMED_OUT"));
    QVERIFY(!failures.at(0).toObject().value("error").toString().isEmpty());
}

void TestStats::anyMemberReadsOnlyTheirWorkspace()
{
    TestTeam team(m_server);
    const auto member = team.addPerson(team.defaultWorkspace(), QStringLiteral("member"));
    QVERIFY(member);
    QCOMPARE(stats(member->key()).value("jobsByState").toObject().value("SUCCEEDED").toInt(), 2);
    // the member's own new workspace has none of them, and none of the agents
    const QString own = team.createWorkspace(*member, QStringLiteral("elsewhere"));
    QVERIFY(!own.isEmpty());
    const QJsonObject there = stats(member->bearer(own));
    QCOMPARE(there.value("jobsByState").toObject().value("SUCCEEDED").toInt(), 0);
    QCOMPARE(there.value("agents").toObject().value("online").toInt(), 0);
    QCOMPARE(there.value("recentFailures").toArray().size(), 0);
    QCOMPARE(there.value("failureRate").toDouble(), 0.0);
}

void TestStats::needsCredentials()
{
    const TestServer::Reply r = m_server.get(QStringLiteral("/v0/stats"), false);
    QVERIFY2(ApiChecks::errorProblem(r, 401).isEmpty(), r.describe().constData());
}

QTEST_GUILESS_MAIN(TestStats)
#include "tst_stats.moc"

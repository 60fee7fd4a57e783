// Schedules end to end with a real `serve` and a real `agent`: slots fire on time on a test clock that runs
// 60x (a minute a second), each slot once across a kill -9 and restart, catch-up once or skip, the
// concurrency policies, pause and resume, and the API's refusals (422, 403 for a member, 404 elsewhere).
#include "E2eSupport.h"
#include "TestTeam.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

using namespace E2e;

namespace {
constexpr qint64 kSpeed = 60;
constexpr qint64 kMinute = 60 * 1000;

qint64 parseIso(const QString &s)
{
    return QDateTime::fromString(s, Qt::ISODateWithMs).toMSecsSinceEpoch();
}
}

class TestSchedules : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void firesEveryMinuteWithLabelledJobs();
    void restartRunsEachSlotOnce_data();
    void restartRunsEachSlotOnce();
    void quickRestartDoesNotRunASlotAgain();
    void forbidSkipsWhileTheLastRunIsActive();
    void replaceCancelsTheActiveRun();
    void pauseAndResume();
    void badInputIsRefused();
    void membersReadOnlyAndOtherWorkspacesSeeNothing();
    void changesAreAudited();
    void aMalformedTestClockStopsTheServer();

private:
    bool startServer(bool withAgent = true);
    qint64 clockNow() const { return m_clockAnchor + (QDateTime::currentMSecsSinceEpoch() - m_realAnchor) * kSpeed; }
    qint64 clockAt(qint64 realMs) const { return m_clockAnchor + (realMs - m_realAnchor) * kSpeed; }
    QString create(const QJsonObject &body);
    QJsonObject schedule(const QString &id);
    QList<QJsonObject> runs(const QString &id); // newest first
    static QList<qint64> slotsOf(const QList<QJsonObject> &runs); // ascending
    qint64 startedAt() const; // the server's "started at" on the test clock (the last start)
    QByteArray diag() const { return tails(m_server.get(), m_agents); }

    qint64 m_realAnchor = 0;
    qint64 m_clockAnchor = 0;
    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
};

void TestSchedules::init()
{
    // the test clock: 30 s past a minute of 2030, running 60x from now; a restart gets the same value
    m_realAnchor = QDateTime::currentMSecsSinceEpoch();
    m_clockAnchor = QDateTime::fromString(QStringLiteral("2030-01-01T00:00:30Z"), Qt::ISODate).toMSecsSinceEpoch();
    qputenv("TANVRIT_TEST_CLOCK",
        QByteArray::number(m_clockAnchor) + '@' + QByteArray::number(m_realAnchor) + 'x' + QByteArray::number(kSpeed));
}

void TestSchedules::cleanup()
{
    m_agents.clear();
    m_server.reset();
    qunsetenv("TANVRIT_TEST_CLOCK");
}

bool TestSchedules::startServer(bool withAgent)
{
    // a fixed port: the agent finds the restarted control plane where it was
    m_server = std::make_unique<TestServer>(
        QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(freePort())});
    if (!m_server->start())
        return false;
    if (!withAgent)
        return true;
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("sched-agent"),
        QStringList {QStringLiteral("--slots"), QStringLiteral("4")}));
    return m_agents.back()->start();
}

QString TestSchedules::create(const QJsonObject &body)
{
    const auto r = m_server->post(QStringLiteral("/v0/schedules"), body);
    if (r.status != 201) {
        qWarning() << r.describe();
        return {};
    }
    return r.json.value(QStringLiteral("id")).toString();
}

QJsonObject TestSchedules::schedule(const QString &id)
{
    return m_server->get(QStringLiteral("/v0/schedules/") + id).json;
}

QList<QJsonObject> TestSchedules::runs(const QString &id)
{
    QList<QJsonObject> out;
    for (const auto &v : m_server->get(QStringLiteral("/v0/schedules/%1/runs?limit=1000").arg(id))
                             .json.value(QStringLiteral("jobs"))
                             .toArray())
        out << v.toObject();
    return out;
}

QList<qint64> TestSchedules::slotsOf(const QList<QJsonObject> &runs)
{
    QList<qint64> out;
    for (const QJsonObject &j : runs)
        out << parseIso(
            j.value(QStringLiteral("labels")).toObject().value(QStringLiteral("tanvrit/schedule-slot")).toString());
    std::sort(out.begin(), out.end());
    return out;
}

qint64 TestSchedules::startedAt() const
{
    static const QRegularExpression re(QStringLiteral("schedules: started at (\\S+) on the test clock"));
    qint64 at = 0;
    auto it = re.globalMatch(QString::fromUtf8(m_server->output()));
    while (it.hasNext())
        at = parseIso(it.next().captured(1));
    return at;
}

void TestSchedules::firesEveryMinuteWithLabelledJobs()
{
    QVERIFY(startServer());
    const auto created = m_server->post(QStringLiteral("/v0/schedules"),
        {{"name", "tick"}, {"cron", "* * * * *"}, {"jobTemplate", QJsonObject {{"command", "echo tick"}}}});
    QCOMPARE(created.status, 201);
    const QString id = created.json.value("id").toString();
    QVERIFY(id.startsWith("sch_"));
    const QJsonArray next = created.json.value("nextRuns").toArray();
    QCOMPARE(next.size(), 5);
    for (int i = 1; i < next.size(); ++i)
        QCOMPARE(parseIso(next[i].toString()) - parseIso(next[i - 1].toString()), kMinute);
    QCOMPARE(created.json.value("timeZone").toString(), QStringLiteral("UTC"));
    QVERIFY(created.json.value("lastRun").isNull());

    QTRY_VERIFY2_WITH_TIMEOUT(runs(id).size() >= 4, diag().constData(), 30000);
    const QList<QJsonObject> all = runs(id);
    const QList<qint64> seen = slotsOf(all);
    for (int i = 1; i < seen.size(); ++i)
        QCOMPARE(seen[i] - seen[i - 1], kMinute); // every minute, none skipped, none twice
    for (const QJsonObject &j : all) {
        QCOMPARE(j.value("labels").toObject().value("tanvrit/schedule").toString(), id);
        // on time: created within 50 clock-seconds (under a real second) of its slot
        const qint64 slot = parseIso(j.value("labels").toObject().value("tanvrit/schedule-slot").toString());
        const qint64 late = clockAt(parseIso(j.value("createdAt").toString())) - slot;
        QVERIFY2(late >= -2000 && late < 50000, qPrintable(QStringLiteral("%1 ms late").arg(late)));
    }
    // the runs are ordinary jobs that run
    const QString oldest = all.last().value("id").toString();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_server, oldest), QStringLiteral("SUCCEEDED"), 20000);
    const QJsonObject s = schedule(id);
    QVERIFY(!s.value("lastRun").toObject().value("jobId").toString().isEmpty());
    QCOMPARE(s.value("lastRun").toObject().value("outcome").toString(), QStringLiteral("submitted"));
    // the jobs list finds them by the label too
    const auto byLabel = m_server->get(QStringLiteral("/v0/jobs?label=tanvrit/schedule:%1&limit=1000").arg(id));
    QVERIFY(byLabel.json.value("jobs").toArray().size() >= all.size());
}

void TestSchedules::restartRunsEachSlotOnce_data()
{
    QTest::addColumn<QString>("catchUp");
    QTest::addColumn<int>("missedRuns");
    QTest::newRow("catch up once") << "once" << 1;
    QTest::newRow("skip") << "skip" << 0;
}

void TestSchedules::restartRunsEachSlotOnce()
{
    QFETCH(QString, catchUp);
    QFETCH(int, missedRuns);
    QVERIFY(startServer());
    const QString id = create({{"name", "survivor"}, {"cron", "* * * * *"}, {"catchUp", catchUp},
        {"jobTemplate", QJsonObject {{"command", "true"}}}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(runs(id).size() >= 2, diag().constData(), 30000);

    m_server->kill9();
    const qint64 killedAt = clockNow(); // every slot the dead server stored is at or before this
    // down for at least four slots (a condition on the clock, not a sleep of the test's choosing)
    QTRY_VERIFY_WITH_TIMEOUT(clockNow() > killedAt + 4 * kMinute, 15000);
    QVERIFY2(m_server->restart(), diag().constData());
    const qint64 started = startedAt();
    QVERIFY2(started > killedAt + 4 * kMinute, m_server->output().right(2000).constData());
    // the schedule goes on after the restart
    QTRY_VERIFY2_WITH_TIMEOUT(slotsOf(runs(id)).last() > started, diag().constData(), 30000);

    const QList<qint64> seen = slotsOf(runs(id));
    for (int i = 1; i < seen.size(); ++i)
        QVERIFY2(seen[i] > seen[i - 1], "a slot ran twice");
    int missed = 0;
    for (qint64 s : seen)
        if (s > killedAt && s <= started)
            ++missed;
    QCOMPARE(missed, missedRuns);
    if (missedRuns == 1) // the one catch-up run is for the latest missed slot
        QVERIFY(std::count(seen.begin(), seen.end(), started - started % kMinute) == 1);
}

void TestSchedules::quickRestartDoesNotRunASlotAgain()
{
    // every 5 clock minutes (5 s): killed just after a slot ran and back before the next one, the server must
    // know from its store that the slot ran (its record is committed with the job), not run it again
    QVERIFY(startServer());
    const QString id = create({{"name", "no-repeat"}, {"cron", "*/5 * * * *"}, {"catchUp", "once"},
        {"jobTemplate", QJsonObject {{"command", "true"}}}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(runs(id).size() >= 1, diag().constData(), 30000);
    const qint64 fired = slotsOf(runs(id)).last();
    m_server->kill9();
    QVERIFY2(m_server->restart(), diag().constData());
    QVERIFY2(startedAt() < fired + 5 * kMinute, "the restart took a whole period; nothing to check");
    QTRY_VERIFY2_WITH_TIMEOUT(slotsOf(runs(id)).last() > fired, diag().constData(), 30000);
    const QList<qint64> seen = slotsOf(runs(id));
    QCOMPARE(std::count(seen.begin(), seen.end(), fired), 1);
    QCOMPARE(seen.last(), fired + 5 * kMinute); // and the next slot ran on time
}

void TestSchedules::forbidSkipsWhileTheLastRunIsActive()
{
    QVERIFY(startServer());
    const QString id = create({{"name", "slow"}, {"cron", "* * * * *"}, {"concurrencyPolicy", "forbid"},
        {"jobTemplate", QJsonObject {{"command", "sleep 2.5"}}}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(
        schedule(id).value("lastRun").toObject().value("outcome").toString().startsWith("skipped: the previous run"),
        diag().constData(), 30000);
    // two runs, the first finished: the second began only after the first ended
    QTRY_VERIFY2_WITH_TIMEOUT(
        runs(id).size() >= 2 && !runs(id).last().value("finishedAt").toString().isEmpty(), diag().constData(), 30000);
    const QList<QJsonObject> all = runs(id); // newest first
    for (int i = 0; i + 1 < all.size(); ++i) {
        const QJsonObject &older = all[i + 1];
        const QJsonObject &newer = all[i];
        if (older.value("finishedAt").toString().isEmpty())
            continue;
        QVERIFY2(parseIso(newer.value("createdAt").toString()) >= parseIso(older.value("finishedAt").toString()),
            "a run started while the previous one was active");
    }
}

void TestSchedules::replaceCancelsTheActiveRun()
{
    QVERIFY(startServer());
    const QString id = create({{"name", "replaced"}, {"cron", "* * * * *"}, {"concurrencyPolicy", "replace"},
        {"jobTemplate", QJsonObject {{"command", "sleep 60"}}}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(runs(id).size() >= 2, diag().constData(), 30000);
    const QString first = runs(id).last().value("id").toString();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_server, first), QStringLiteral("CANCELLED"), 20000);
    const QJsonObject job = getJob(*m_server, first);
    QVERIFY2(QJsonDocument(job.value("history").toArray()).toJson().contains("replaced by the next run"),
        QJsonDocument(job).toJson().constData());
    // then stop it (the runs sleep long)
    QCOMPARE(m_server->request("DELETE", QStringLiteral("/v0/schedules/") + id).status, 200);
    for (const QJsonObject &j : runs(id))
        m_server->post(QStringLiteral("/v0/jobs/%1:cancel").arg(j.value("id").toString()), {});
}

void TestSchedules::pauseAndResume()
{
    QVERIFY(startServer());
    const QString id
        = create({{"name", "pausable"}, {"cron", "* * * * *"}, {"jobTemplate", QJsonObject {{"command", "true"}}}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(runs(id).size() >= 1, diag().constData(), 30000);
    const auto paused = m_server->post(QStringLiteral("/v0/schedules/%1:pause").arg(id), {});
    QCOMPARE(paused.status, 200);
    QCOMPARE(paused.json.value("paused").toBool(), true);
    QCOMPARE(paused.json.value("nextRuns").toArray().size(), 0);
    const qint64 pausedAt = clockNow();
    QTRY_VERIFY_WITH_TIMEOUT(clockNow() > pausedAt + 4 * kMinute, 15000);
    for (qint64 s : slotsOf(runs(id)))
        QVERIFY2(s <= pausedAt, "a paused schedule ran");
    const qint64 resumedAt = clockNow();
    const auto resumed = m_server->post(QStringLiteral("/v0/schedules/%1:resume").arg(id), {});
    QCOMPARE(resumed.status, 200);
    QCOMPARE(resumed.json.value("paused").toBool(), false);
    QCOMPARE(resumed.json.value("nextRuns").toArray().size(), 5);
    QTRY_VERIFY2_WITH_TIMEOUT(slotsOf(runs(id)).last() > resumedAt, diag().constData(), 30000);
    for (qint64 s : slotsOf(runs(id)))
        QVERIFY2(s <= pausedAt || s > resumedAt, "a slot of the pause was caught up");
}

void TestSchedules::badInputIsRefused()
{
    QVERIFY(startServer(false));
    const QJsonObject tpl {{"command", "true"}};
    auto fields = [](const TestServer::Reply &r) { return r.json.value("fields").toObject(); };
    auto r = m_server->post(
        QStringLiteral("/v0/schedules"), {{"name", "x"}, {"cron", "61 * * * *"}, {"jobTemplate", tpl}});
    QCOMPARE(r.status, 422);
    QCOMPARE(r.json.value("code").toString(), QStringLiteral("validation_failed"));
    QVERIFY2(fields(r).value("cron").toString().contains("minute"), r.describe().constData());
    r = m_server->post(QStringLiteral("/v0/schedules"),
        {{"name", "x"}, {"cron", "* * * * *"}, {"timeZone", "Atlantis/Capital"}, {"jobTemplate", tpl}});
    QCOMPARE(r.status, 422);
    QVERIFY(fields(r).contains("timeZone"));
    r = m_server->post(QStringLiteral("/v0/schedules"),
        {{"name", "x"}, {"cron", "* * * * *"}, {"jobTemplate", QJsonObject {{"priority", 5000}}}});
    QCOMPARE(r.status, 422);
    QVERIFY2(fields(r).contains("jobTemplate.command") && fields(r).contains("jobTemplate.priority"),
        r.describe().constData());
    r = m_server->request("POST", QStringLiteral("/v0/schedules"), "{not json");
    QCOMPARE(r.status, 400);
    r = m_server->post(
        QStringLiteral("/v0/schedules:preview"), {{"cron", "0 9 * * MON-FRI"}, {"timeZone", "Europe/Berlin"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("nextRuns").toArray().size(), 5);
    r = m_server->post(QStringLiteral("/v0/schedules:preview"), {{"cron", "0 0 30 2 *"}});
    QCOMPARE(r.status, 422);
    r = m_server->post(QStringLiteral("/v0/schedules:preview"), {{"cron", "* * *"}});
    QCOMPARE(r.status, 422);
    QVERIFY(fields(r).contains("cron"));
    const QString id = create({{"name", "ok"}, {"cron", "@daily"}, {"jobTemplate", tpl}});
    QVERIFY(!id.isEmpty());
    r = m_server->request("PATCH", QStringLiteral("/v0/schedules/") + id, R"({"cron":"daily at nine"})");
    QCOMPARE(r.status, 422);
    r = m_server->request(
        "PATCH", QStringLiteral("/v0/schedules/") + id, R"({"cron":"0 9 * * *","timeZone":"Asia/Tokyo"})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("timeZone").toString(), QStringLiteral("Asia/Tokyo"));
    QCOMPARE(QDateTime::fromString(r.json.value("nextRuns").toArray().first().toString(), Qt::ISODateWithMs)
                 .toUTC()
                 .time()
                 .hour(),
        0); // 09:00 in Tokyo
    QCOMPARE(m_server->get(QStringLiteral("/v0/schedules/sch_01aaaaaaaaaaaaaaaaaaaaaaaa")).status, 404);
    QCOMPARE(m_server->get(QStringLiteral("/v0/schedules/not-an-id")).status, 404);
    QCOMPARE(m_server->get(QStringLiteral("/v0/schedules/%1/runs?label=a:b").arg(id)).status, 400);
}

void TestSchedules::membersReadOnlyAndOtherWorkspacesSeeNothing()
{
    QVERIFY(startServer(false));
    TestTeam team(*m_server);
    const QString ws = team.defaultWorkspace();
    const auto member = team.addPerson(ws, QStringLiteral("member"));
    QVERIFY(member);
    const QJsonObject body {{"name", "m"}, {"cron", "@hourly"}, {"jobTemplate", QJsonObject {{"command", "true"}}}};
    QCOMPARE(team.as(member->key(), "POST", QStringLiteral("/v0/schedules"), body).status, 403);
    const QString id = create(body);
    QVERIFY(!id.isEmpty());
    QCOMPARE(team.as(member->key(), "GET", QStringLiteral("/v0/schedules")).status, 200);
    QCOMPARE(team.as(member->key(), "POST", QStringLiteral("/v0/schedules/%1:pause").arg(id)).status, 403);
    QCOMPARE(team.as(member->key(), "DELETE", QStringLiteral("/v0/schedules/") + id).status, 403);
    const auto admin = team.addPerson(ws, QStringLiteral("admin"));
    QVERIFY(admin);
    QCOMPARE(team.as(admin->key(), "PATCH", QStringLiteral("/v0/schedules/") + id, {{"name", "renamed"}}).status, 200);

    // an owner of another workspace sees nothing of it
    const QString other = team.createWorkspace(*member, QStringLiteral("elsewhere"));
    QVERIFY(!other.isEmpty());
    const auto as = member->bearer(other);
    QCOMPARE(team.as(as, "GET", QStringLiteral("/v0/schedules/") + id).status, 404);
    QCOMPARE(team.as(as, "GET", QStringLiteral("/v0/schedules/%1/runs").arg(id)).status, 404);
    QCOMPARE(team.as(as, "PATCH", QStringLiteral("/v0/schedules/") + id, {{"name", "x"}}).status, 404);
    QCOMPARE(team.as(as, "DELETE", QStringLiteral("/v0/schedules/") + id).status, 404);
    QCOMPARE(team.as(as, "POST", QStringLiteral("/v0/schedules/%1:pause").arg(id)).status, 404);
    QCOMPARE(team.as(as, "GET", QStringLiteral("/v0/schedules")).json.value("schedules").toArray().size(), 0);
    QCOMPARE(m_server->request("DELETE", QStringLiteral("/v0/schedules/") + id).status, 200);
    QCOMPARE(m_server->get(QStringLiteral("/v0/schedules/") + id).status, 404);
}

void TestSchedules::changesAreAudited()
{
    QVERIFY(startServer(false));
    const QString ws = TestTeam(*m_server).defaultWorkspace();
    const QString id = create({{"name", "audited"}, {"cron", "@daily"},
        {"jobTemplate", QJsonObject {{"command", "true"}, {"env", QJsonObject {{"TOKEN", "not-for-the-audit-log"}}}}}});
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_server->post(QStringLiteral("/v0/schedules/%1:pause").arg(id), {}).status, 200);
    QCOMPARE(m_server->request("PATCH", QStringLiteral("/v0/schedules/") + id, R"({"name":"renamed"})").status, 200);
    QCOMPARE(m_server->request("DELETE", QStringLiteral("/v0/schedules/") + id).status, 200);
    QCOMPARE(m_server->post(QStringLiteral("/v0/schedules:preview"), {{"cron", "@daily"}}).status, 200);
    // entries are written a moment after the answer: wait for them
    TestServer::Reply audit;
    auto actions = [&] {
        audit = m_server->get(QStringLiteral("/v0/workspaces/%1/audit?limit=1000").arg(ws));
        QStringList out;
        for (const auto &e : audit.json.value("entries").toArray())
            if (e.toObject().value("subject").toString() == id)
                out << e.toObject().value("action").toString();
        out.sort();
        return out;
    };
    QTRY_COMPARE_WITH_TIMEOUT(
        actions(), QStringList({"schedule.create", "schedule.delete", "schedule.pause", "schedule.update"}), 10000);
    QVERIFY(!audit.body.contains("not-for-the-audit-log"));
    QVERIFY(!audit.body.contains("preview"));
}

void TestSchedules::aMalformedTestClockStopsTheServer()
{
    qputenv("TANVRIT_TEST_CLOCK", "tomorrow, quickly");
    TestServer server;
    QVERIFY(!server.start());
    QVERIFY2(server.output().contains("TANVRIT_TEST_CLOCK must look like"), server.output().constData());
}

QTEST_GUILESS_MAIN(TestSchedules)
#include "tst_schedules.moc"

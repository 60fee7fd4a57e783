// Agents end to end: a real `serve` and real `agent` processes run jobs to their outcome — exit codes,
// timeouts, cancels, labels, drain, exactly-once dispatch, and crashes of an agent or of the control plane.
#include "E2eSupport.h"
#include "SseStream.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace E2e;

class TestAgents : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void jobRunsToItsOutcome_data();
    void jobRunsToItsOutcome();
    void timeoutKillsGrandchildIgnoringTerm();
    void cancelWhileRunning();
    void labelMismatchStaysQueued_data();
    void labelMismatchStaysQueued();
    void drainingAgentFinishesButTakesNoNewJobs();
    void noJobRunsTwice();
    void lostAgentsJobRunsElsewhere();
    void controlPlaneCrashMidRun();
    void dispatch_data();
    void dispatch();

private:
    bool startServer(QStringList extraArgs = {});
    TestAgent *startAgent(const QString &name, QStringList extraArgs = {});
    QByteArray diag(const QJsonObject &job = {}) const;

    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
};

bool TestAgents::startServer(QStringList extraArgs)
{
    m_server = std::make_unique<TestServer>(std::move(extraArgs));
    return m_server->start();
}

TestAgent *TestAgents::startAgent(const QString &name, QStringList extraArgs)
{
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), name, std::move(extraArgs)));
    return m_agents.back()->start() ? m_agents.back().get() : nullptr;
}

QByteArray TestAgents::diag(const QJsonObject &job) const
{
    QByteArray out;
    if (!job.isEmpty())
        out = "job: " + QJsonDocument(job).toJson(QJsonDocument::Compact) + '\n';
    return out + tails(m_server.get(), m_agents);
}

void TestAgents::cleanup()
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << tails(m_server.get(), m_agents, 6000);
    m_agents.clear();
    m_server.reset();
}

void TestAgents::jobRunsToItsOutcome_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("output");
    QTest::addColumn<bool>("burnsCpu");

    QTest::newRow("succeeds") << QJsonObject {{"command", "echo hello-from-job"}} << "SUCCEEDED" << 0
                              << "hello-from-job" << false;
    QTest::newRow("non-zero exit fails") << QJsonObject {{"command", "echo about-to-fail; exit 3"}} << "FAILED" << 3
                                         << "about-to-fail" << false;
    QTest::newRow("stderr is logged") << QJsonObject {{"command", "echo on-stderr >&2"}} << "SUCCEEDED" << 0
                                      << "on-stderr" << false;
    QTest::newRow("argv, no shell") << QJsonObject {{"argv", QJsonArray {"/bin/echo", "a;b $HOME"}}} << "SUCCEEDED" << 0
                                    << "a;b $HOME" << false;
    QTest::newRow("cpu-bound") << QJsonObject {{"command",
        "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo counted $i"}}
                               << "SUCCEEDED" << 0 << "counted 300000" << true;
}

void TestAgents::jobRunsToItsOutcome()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, state);
    QFETCH(int, exitCode);
    QFETCH(QString, output);
    QFETCH(bool, burnsCpu);

    QVERIFY2(startServer(), diag().constData());
    TestAgent *agent = startAgent(QStringLiteral("runner"));
    QVERIFY2(agent, diag().constData());

    const QString id = m_server->submitJob(body);
    QVERIFY(!id.isEmpty());
    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 30000);
    QVERIFY2(job.value("state").toString() == state, diag(job).constData());
    QVERIFY2(job.value("exitCode").isDouble() && job.value("exitCode").toInt() == exitCode, diag(job).constData());
    QVERIFY2(job.value("runtimeMs").isDouble() && job.value("runtimeMs").toDouble() >= 0, diag(job).constData());
    QVERIFY2(job.value("cpuSeconds").isDouble() && job.value("cpuSeconds").toDouble() >= 0, diag(job).constData());
    if (burnsCpu) {
        QVERIFY2(job.value("cpuSeconds").toDouble() > 0.05, diag(job).constData());
        QVERIFY2(job.value("runtimeMs").toDouble() >= job.value("cpuSeconds").toDouble() * 1000 * 0.5,
            diag(job).constData());
    }
    QCOMPARE(job.value("agentId").toString(), agent->nodeId());
    QCOMPARE(job.value("attempt").toInt(), 1);
    QCOMPARE(historyStates(job), (QStringList {"QUEUED", "ASSIGNED", "RUNNING", state}));

    const QJsonObject logs = logBuffer(*m_server, id);
    QVERIFY2(logTexts(logs).contains(output), QJsonDocument(logs).toJson().constData());
    QCOMPARE(logs.value("finished").toBool(), true);
    QCOMPARE(logs.value("state").toString(), state);
}

namespace {
// True when pid no longer names a live `sleep` (gone, a zombie, or recycled for something else).
bool goneOrZombie(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray s = stat.readAll();
    const qsizetype close = s.lastIndexOf(')');
    if (close < 0 || s.mid(close + 2, 1) == "Z")
        return true;
    QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(pid));
    return cmd.open(QIODevice::ReadOnly) && !cmd.readAll().contains("sleep");
}
} // namespace

void TestAgents::timeoutKillsGrandchildIgnoringTerm()
{
    QVERIFY2(startServer(), diag().constData());
    QVERIFY2(startAgent(QStringLiteral("timer")), diag().constData());
    QTemporaryDir tmp;
    // Jobs of a root agent run as nobody: the directory the job writes into must be open to it.
    QVERIFY(QFile::setPermissions(tmp.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
            | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther));
    const QString pidFile = tmp.filePath(QStringLiteral("grandchild.pid"));
    const QString id = m_server->submitJob(
        {{"command", QStringLiteral("sh -c 'trap \"\" TERM; sleep 300 & echo $! > %1; wait'").arg(pidFile)},
            {"timeoutSeconds", 1}});
    QVERIFY(!id.isEmpty());

    qint64 grandchild = 0;
    QTRY_VERIFY2_WITH_TIMEOUT(
        [&] {
            QFile f(pidFile);
            return f.open(QIODevice::ReadOnly) && (grandchild = f.readAll().trimmed().toLongLong()) > 0;
        }(),
        diag(getJob(*m_server, id)).constData(), 20000);
    QVERIFY2(!goneOrZombie(grandchild), "the grandchild should be running before the timeout");

    QJsonObject job;
    // SIGTERM at 1 s is ignored; the agent's grace period then ends in SIGKILL to the whole group
    QTRY_VERIFY2_WITH_TIMEOUT(
        isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 60000);
    QVERIFY2(job.value("state").toString() == "TIMED_OUT", diag(job).constData());
    QCOMPARE(historyStates(job).last(), QStringLiteral("TIMED_OUT"));
    QTRY_VERIFY2_WITH_TIMEOUT(goneOrZombie(grandchild),
        qPrintable(QStringLiteral("grandchild %1 still alive after TIMED_OUT").arg(grandchild)), 5000);
}

void TestAgents::cancelWhileRunning()
{
    QVERIFY2(startServer(), diag().constData());
    QVERIFY2(startAgent(QStringLiteral("canceller")), diag().constData());
    const QString id = m_server->submitJob({{"command", "echo started; sleep 60; echo not-reached"}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(
        logTexts(logBuffer(*m_server, id)).contains("started"), diag(getJob(*m_server, id)).constData(), 20000);
    QCOMPARE(stateOf(*m_server, id), QStringLiteral("RUNNING"));

    const TestServer::Reply r
        = m_server->post(QStringLiteral("/v0/jobs/%1:cancel").arg(id), {{"reason", "e2e cancel"}});
    QVERIFY2(r.status == 200, r.describe().constData());
    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 30000);
    QVERIFY2(job.value("state").toString() == "CANCELLED", diag(job).constData());
    const QStringList states = historyStates(job);
    QVERIFY2(states.contains("CANCELLING") && states.indexOf("CANCELLING") > states.indexOf("RUNNING"),
        diag(job).constData());
    QVERIFY(!logTexts(logBuffer(*m_server, id)).contains("not-reached"));
}

void TestAgents::labelMismatchStaysQueued_data()
{
    QTest::addColumn<QJsonObject>("labels");
    QTest::addColumn<QString>("mentioned");
    QTest::newRow("wrong value") << QJsonObject {{"zone", "b"}} << "zone";
    QTest::newRow("label the agent lacks") << QJsonObject {{"gpu", "a100"}} << "gpu";
    QTest::newRow("one of two wrong") << QJsonObject {{"zone", "a"}, {"arch", "arm64"}} << "arch";
}

void TestAgents::labelMismatchStaysQueued()
{
    QFETCH(QJsonObject, labels);
    QFETCH(QString, mentioned);
    QVERIFY2(startServer(), diag().constData());
    QVERIFY2(startAgent(QStringLiteral("labelled"), {"--labels", "zone=a,arch=x86"}), diag().constData());

    const QString stuck = m_server->submitJob({{"command", "echo should-not-run"}, {"labels", labels}});
    const QString control = m_server->submitJob({{"command", "echo control"}, {"labels", QJsonObject {{"zone", "a"}}}});
    QVERIFY(!stuck.isEmpty() && !control.isEmpty());
    QJsonObject job;
    // the agent is alive and taking matching work…
    QTRY_VERIFY2_WITH_TIMEOUT(
        (job = getJob(*m_server, control)).value("state").toString() == "SUCCEEDED", diag(job).constData(), 30000);
    // …while the mismatched job waits, saying why
    QTRY_VERIFY2_WITH_TIMEOUT((job = getJob(*m_server, stuck)).value("pendingReason").toString().contains(mentioned),
        diag(job).constData(), 10000);
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
    QVERIFY(job.value("agentId").isNull());
    QVERIFY(logTexts(logBuffer(*m_server, stuck)).isEmpty());
}

void TestAgents::drainingAgentFinishesButTakesNoNewJobs()
{
    QVERIFY2(startServer(), diag().constData());
    TestAgent *a = startAgent(QStringLiteral("drainee"), {"--slots", "2"});
    QVERIFY2(a, diag().constData());
    const QString first = m_server->submitJob({{"command", "echo first; sleep 3; echo first-done"}});
    QVERIFY(!first.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(
        logTexts(logBuffer(*m_server, first)).contains("first"), diag(getJob(*m_server, first)).constData(), 20000);

    const TestServer::Reply r = m_server->post(QStringLiteral("/v0/agents/%1:drain").arg(a->nodeId()), QJsonObject {});
    QVERIFY2(r.status == 200, r.describe().constData());
    QTRY_COMPARE_WITH_TIMEOUT(
        findAgent(*m_server, a->nodeId()).value("state").toString(), QStringLiteral("DRAINING"), 10000);

    const QString second = m_server->submitJob({{"command", "echo second"}});
    QVERIFY(!second.isEmpty());
    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (job = getJob(*m_server, first)).value("state").toString() == "SUCCEEDED", diag(job).constData(), 30000);
    QVERIFY(logTexts(logBuffer(*m_server, first)).contains("first-done"));
    QTRY_VERIFY2_WITH_TIMEOUT((job = getJob(*m_server, second)).value("pendingReason").toString().contains("drain"),
        diag(job).constData(), 10000);
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED")); // its slot is free, yet it takes nothing

    // an ONLINE agent takes the waiting job at once
    TestAgent *b = startAgent(QStringLiteral("fresh"));
    QVERIFY2(b, diag().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(
        (job = getJob(*m_server, second)).value("state").toString() == "SUCCEEDED", diag(job).constData(), 30000);
    QCOMPARE(job.value("agentId").toString(), b->nodeId());
}

void TestAgents::noJobRunsTwice()
{
    QVERIFY2(startServer(), diag().constData());
    for (int i = 0; i < 4; ++i)
        QVERIFY2(startAgent(QStringLiteral("worker-%1").arg(i), {"--slots", "3", "--labels", "batch=many"}),
            diag().constData());

    constexpr int kJobs = 500;
    QStringList ids;
    for (int batch = 0; batch < kJobs / 100; ++batch) {
        QList<QByteArray> bodies;
        for (int i = 0; i < 100; ++i)
            bodies << R"({"command":"true","labels":{"batch":"many"}})";
        for (const TestServer::Reply &r : m_server->requestParallel("POST", QStringLiteral("/v0/jobs"), bodies)) {
            QVERIFY2(r.status == 201, r.describe().constData());
            ids << r.json.value("id").toString();
        }
    }
    auto countIn = [this](const QString &state) {
        return m_server->get(QStringLiteral("/v0/jobs?label=batch:many&limit=1000&state=") + state)
            .json.value("jobs")
            .toArray()
            .size();
    };
    QTRY_VERIFY2_WITH_TIMEOUT(countIn("SUCCEEDED") == kJobs,
        qPrintable(QStringLiteral("succeeded %1, failed %2, queued %3\n")
                       .arg(countIn("SUCCEEDED"))
                       .arg(countIn("FAILED"))
                       .arg(countIn("QUEUED"))
            + QString::fromUtf8(diag())),
        300000);

    QStringList problems;
    for (const QString &id : std::as_const(ids)) {
        const QJsonObject job = getJob(*m_server, id);
        if (job.value("state").toString() != "SUCCEEDED" || historyCount(job, "RUNNING") != 1
            || historyCount(job, "ASSIGNED") != 1 || job.value("attempt").toInt() != 1)
            problems << QString::fromUtf8(QJsonDocument(job).toJson(QJsonDocument::Compact));
    }
    QVERIFY2(problems.isEmpty(),
        qPrintable(QStringLiteral("%1 jobs ran more than once, e.g. %2")
                       .arg(problems.size())
                       .arg(problems.mid(0, 3).join('\n'))));

    // what the agents themselves say: each job started exactly once, on one of them
    static const QRegularExpression started(QStringLiteral("job started job=(\\S+) "));
    QHash<QString, int> starts;
    QStringList perAgent;
    for (const auto &a : m_agents) {
        int n = 0;
        for (auto it = started.globalMatch(QString::fromUtf8(a->output())); it.hasNext(); ++n)
            ++starts[it.next().captured(1)];
        perAgent << QStringLiteral("%1=%2").arg(a->name()).arg(n);
    }
    qInfo().noquote() << "jobs started per agent:" << perAgent.join(' ');
    for (const QString &id : std::as_const(ids))
        QVERIFY2(
            starts.value(id) == 1, qPrintable(QStringLiteral("%1 started %2 times").arg(id).arg(starts.value(id))));
}

void TestAgents::lostAgentsJobRunsElsewhere()
{
    QVERIFY2(startServer({"--agent-timeout", "3"}), diag().constData());
    TestAgent *doomed = startAgent(QStringLiteral("doomed"));
    QVERIFY2(doomed, diag().constData());
    const QString id = m_server->submitJob({{"command", "echo begin; sleep 30; echo end"}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(
        logTexts(logBuffer(*m_server, id)).contains("begin"), diag(getJob(*m_server, id)).constData(), 20000);
    QCOMPARE(getJob(*m_server, id).value("agentId").toString(), doomed->nodeId());

    doomed->kill9();
    TestAgent *survivor = startAgent(QStringLiteral("survivor"));
    QVERIFY2(survivor, diag().constData());
    QTRY_COMPARE_WITH_TIMEOUT(
        findAgent(*m_server, doomed->nodeId()).value("state").toString(), QStringLiteral("LOST"), 20000);

    // a follower of the replaced attempt is told it ended, and which attempt to follow now
    SseStream old(
        m_server->url(), m_server->adminKey(), QStringLiteral("/v0/jobs/%1/logs?follow=true&attempt=1").arg(id));
    old.open();
    QTRY_VERIFY2_WITH_TIMEOUT(old.hasEnd(), qPrintable(old.describe()), 20000);
    const QJsonObject end = old.endEvent().json;
    QCOMPARE(end.value("attempt").toInt(), 1);
    QCOMPARE(end.value("latestAttempt").toInt(), 2);
    QVERIFY2(!isTerminal(end.value("state").toString()), old.endEvent().data.constData()); // the job goes on
    QCOMPARE(old.lineSeqs(), QList<qint64> {1}); // "begin"

    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 90000);
    QVERIFY2(job.value("state").toString() == "SUCCEEDED", diag(job).constData());
    QCOMPARE(job.value("attempt").toInt(), 2);
    QCOMPARE(job.value("lostCount").toInt(), 1);
    QCOMPARE(job.value("agentId").toString(), survivor->nodeId());
    QCOMPARE(historyCount(job, "RUNNING"), 2);
    QVERIFY(logTexts(logBuffer(*m_server, id)).contains("end"));
    QVERIFY(logTexts(logBuffer(*m_server, id, "attempt=1")).contains("begin"));
}

void TestAgents::controlPlaneCrashMidRun()
{
    const quint16 port = freePort();
    QVERIFY(port > 0);
    QVERIFY2(startServer({"--listen", QStringLiteral("127.0.0.1:%1").arg(port)}), diag().constData());
    QCOMPARE(m_server->url().port(), int(port));
    TestAgent *agent = startAgent(QStringLiteral("steadfast"));
    QVERIFY2(agent, diag().constData());
    const QString id = m_server->submitJob({{"command", "sleep 3; echo done"}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(
        getJob(*m_server, id).value("state").toString() == "RUNNING", diag(getJob(*m_server, id)).constData(), 20000);

    m_server->kill9();
    QVERIFY2(m_server->restart(), diag().constData());
    QCOMPARE(m_server->url().port(), int(port));

    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 60000);
    QVERIFY2(job.value("state").toString() == "SUCCEEDED", diag(job).constData());
    QCOMPARE(job.value("agentId").toString(), agent->nodeId());
    QCOMPARE(job.value("attempt").toInt(), 1);
    QVERIFY2(logTexts(logBuffer(*m_server, id)).contains("done"),
        QJsonDocument(logBuffer(*m_server, id)).toJson().constData());
    QTRY_COMPARE_WITH_TIMEOUT(
        findAgent(*m_server, agent->nodeId()).value("state").toString(), QStringLiteral("ONLINE"), 10000);
    QVERIFY(agent->isRunning());
}

void TestAgents::dispatch_data()
{
    QTest::addColumn<QStringList>("agentArgs");
    QTest::addColumn<bool>("push");
    QTest::addColumn<int>("withinMs");
    QTest::newRow("push (WebSocket)") << QStringList {} << true << 3000;
    QTest::newRow("long poll (--no-push)") << QStringList {"--no-push"} << false << 30000;
}

void TestAgents::dispatch()
{
    QFETCH(QStringList, agentArgs);
    QFETCH(bool, push);
    QFETCH(int, withinMs);
    QVERIFY2(startServer(), diag().constData());
    TestAgent *agent = startAgent(QStringLiteral("dispatchee"), agentArgs);
    QVERIFY2(agent, diag().constData());
    if (push)
        QTRY_VERIFY2_WITH_TIMEOUT(
            findAgent(*m_server, agent->nodeId()).value("pushConnected").toBool(), diag().constData(), 10000);
    else
        QVERIFY2(!findAgent(*m_server, agent->nodeId()).value("pushConnected").toBool(), diag().constData());

    for (int i = 0; i < 3; ++i) {
        QElapsedTimer clock;
        clock.start();
        const QString id = m_server->submitJob({{"command", QStringLiteral("echo quick %1").arg(i)}});
        QVERIFY(!id.isEmpty());
        QJsonObject job;
        QTRY_VERIFY2_WITH_TIMEOUT(
            isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 30000);
        QVERIFY2(job.value("state").toString() == "SUCCEEDED", diag(job).constData());
        QVERIFY2(clock.elapsed() < withinMs,
            qPrintable(QStringLiteral("job %1 took %2 ms from submit to SUCCEEDED").arg(i).arg(clock.elapsed())));
        QVERIFY(logTexts(logBuffer(*m_server, id)).contains(QStringLiteral("quick %1").arg(i)));
    }
    QCOMPARE(findAgent(*m_server, agent->nodeId()).value("pushConnected").toBool(), push);
}

QTEST_GUILESS_MAIN(TestAgents)
#include "tst_agents.moc"

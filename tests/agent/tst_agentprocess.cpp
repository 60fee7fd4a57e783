// The agent as a process, with a real `serve`: one agent per work directory, what a renamed agent does,
// the registration key forgotten once the node key is held, CONTAINER offered only when an engine
// answers, results that survive a SIGKILL of the agent (the spool), and job directories cleaned up.
#include "E2eSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace E2e;

namespace {
// `tanvrit-compute agent …` run to its end (it is expected to exit on its own).
struct Finished
{
    int exitCode = -1;
    bool exited = false;
    QByteArray output;
};

Finished runToEnd(const QString &binary, const QStringList &args, int timeoutMs = 15000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(binary, QStringList {QStringLiteral("agent")} + args);
    Finished f;
    f.exited = p.waitForFinished(timeoutMs);
    if (!f.exited) {
        p.kill();
        p.waitForFinished(5000);
    }
    f.exitCode = p.exitCode();
    f.output = p.readAll();
    return f;
}

QByteArray procFile(qint64 pid, const char *name)
{
    QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList jobDirs(const QString &jobsDir)
{
    return QDir(jobsDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
}

int mode(const QString &path)
{
    struct stat st
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}
} // namespace

class TestAgentProcess : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void secondAgentOnTheSameWorkDirExits();
    void renamedAgentRegistersAnewOrIsRefused();
    void registrationKeyIsForgotten();
    void refusedNodeKeyWithoutRegistrationKeyExits();
    void containerOfferedOnlyWhenTheEngineAnswers();
    void finishedJobReportedAfterAgentCrash();
    void finishedJobDirectoriesAreRemoved();

private:
    bool startServer(QStringList extraArgs = {});
    TestAgent *addAgent(const QString &name, QStringList extraArgs = {});
    QByteArray diag(const QJsonObject &job = {}) const;

    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
};

bool TestAgentProcess::startServer(QStringList extraArgs)
{
    m_server = std::make_unique<TestServer>(std::move(extraArgs));
    return m_server->start();
}

TestAgent *TestAgentProcess::addAgent(const QString &name, QStringList extraArgs)
{
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), name, std::move(extraArgs)));
    return m_agents.back().get();
}

QByteArray TestAgentProcess::diag(const QJsonObject &job) const
{
    QByteArray out;
    if (!job.isEmpty())
        out = "job: " + QJsonDocument(job).toJson(QJsonDocument::Compact) + '\n';
    return out + tails(m_server.get(), m_agents);
}

void TestAgentProcess::cleanup()
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << tails(m_server.get(), m_agents, 6000);
    m_agents.clear();
    m_server.reset();
}

void TestAgentProcess::secondAgentOnTheSameWorkDirExits()
{
    QVERIFY2(startServer(), diag().constData());
    TestAgent *first = addAgent(QStringLiteral("a1"));
    QVERIFY2(first->start(), diag().constData());
    QCOMPARE(mode(first->workDir()), 0700);

    const Finished second = runToEnd(first->binary(),
        {"--server", m_server->url().toString(), "--key", m_server->adminKey(), "--name", "a2", "--work-dir",
            first->workDir()});
    QVERIFY2(second.exited, "a second agent on the same work dir kept running");
    QVERIFY2(second.exitCode != 0, second.output.constData());
    QVERIFY2(second.output.contains(QByteArray("pid ") + QByteArray::number(first->pid())), second.output.constData());
    QVERIFY(first->isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(m_server->get("/v0/agents").json.value("agents").toArray().size(), 1, 5000);

    // once the first is gone, the work dir is free again (the lock died with it, even after SIGKILL)
    first->kill9();
    QVERIFY2(first->start(), diag().constData());
}

void TestAgentProcess::renamedAgentRegistersAnewOrIsRefused()
{
    QVERIFY2(startServer(), diag().constData());
    TestAgent *alpha = addAgent(QStringLiteral("alpha"));
    QVERIFY2(alpha->start(), diag().constData());
    const QString alphaId = alpha->nodeId();
    QVERIFY(alpha->terminate());

    // no key: refused, naming the stored node and the way out
    const Finished refused = runToEnd(
        alpha->binary(), {"--server", m_server->url().toString(), "--name", "beta", "--work-dir", alpha->workDir()});
    QVERIFY2(refused.exited && refused.exitCode != 0, refused.output.constData());
    QVERIFY2(refused.output.contains("alpha") && refused.output.contains("--key"), refused.output.constData());

    // with a key: a new node under the new name (the old one is left to the server)
    TestAgent *beta = addAgent(QStringLiteral("beta"), {"--work-dir", alpha->workDir()});
    QVERIFY2(beta->start(), diag().constData());
    QVERIFY2(beta->nodeId() != alphaId, diag().constData());
    QCOMPARE(findAgent(*m_server, beta->nodeId()).value("name").toString(), QStringLiteral("beta"));
    QVERIFY(beta->terminate());

    // without --name (and without a key) the stored name is kept: a changed hostname makes no new node
    QProcess unnamed;
    unnamed.setProcessChannelMode(QProcess::MergedChannels);
    QByteArray output;
    connect(&unnamed, &QProcess::readyRead, this, [&] { output += unnamed.readAll(); });
    unnamed.start(alpha->binary(),
        {"agent", "--server", m_server->url().toString(), "--work-dir", alpha->workDir(), "--heartbeat-interval", "1"});
    QTRY_VERIFY2_WITH_TIMEOUT(output.contains("registered node=" + beta->nodeId().toUtf8()), output.constData(), 20000);
    unnamed.kill();
    unnamed.waitForFinished();
}

void TestAgentProcess::registrationKeyIsForgotten()
{
    QVERIFY2(startServer(), diag().constData());
    QTemporaryDir workDir;
    QProcess agent;
    const auto stopAgent = qScopeGuard([&] {
        agent.kill();
        agent.waitForFinished();
    });
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TANVRIT_REGISTRATION_KEY"), m_server->adminKey());
    agent.setProcessEnvironment(env);
    agent.setProcessChannelMode(QProcess::MergedChannels);
    QByteArray output;
    connect(&agent, &QProcess::readyRead, this, [&] { output += agent.readAll(); });
    agent.start(m_server->binary(),
        {"agent", "--server", m_server->url().toString(), "--name", "secretive", "--work-dir", workDir.filePath("w"),
            "--heartbeat-interval", "1"});
    QTRY_VERIFY2_WITH_TIMEOUT(output.contains("registered node="), output.constData(), 20000);
    QCOMPARE(mode(workDir.filePath("w")), 0700);
    QCOMPARE(mode(workDir.filePath("w/agent.json")), 0600);

    const QByteArray environ = procFile(agent.processId(), "environ");
    QVERIFY(!environ.isEmpty());
    QVERIFY2(!environ.contains("tnv_"), "the registration key is still in the agent's /proc/<pid>/environ");
    QVERIFY2(!environ.contains(m_server->adminKey().toUtf8()), "the key is still in /proc/<pid>/environ");

    const QString id = m_server->submitJob({{"command", "env; cat /proc/$PPID/environ | tr '\\0' '\\n'"}});
    QVERIFY(!id.isEmpty());
    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 20000);
    QCOMPARE(job.value("state").toString(), QStringLiteral("SUCCEEDED"));
    const QStringList lines = logTexts(logBuffer(*m_server, id));
    QVERIFY2(lines.size() > 3, qPrintable(lines.join('\n')));
    for (const QString &l : lines)
        QVERIFY2(!l.contains(QStringLiteral("tnv_")), qPrintable(l));

    // the same with --key on the command line: the agent's own command line no longer shows it
    TestAgent *keyed = addAgent(QStringLiteral("keyed"));
    QVERIFY2(keyed->start(), diag().constData());
    const QByteArray cmdline = procFile(keyed->pid(), "cmdline");
    QVERIFY(cmdline.contains("--key"));
    QVERIFY2(!cmdline.contains("tnv_"), cmdline.constData());
}

void TestAgentProcess::refusedNodeKeyWithoutRegistrationKeyExits()
{
    QVERIFY2(startServer(), diag().constData());
    TestAgent *agent = addAgent(QStringLiteral("removed"));
    QVERIFY2(agent->start(), diag().constData());
    const TestServer::Reply del = m_server->request("DELETE", QStringLiteral("/v0/agents/") + agent->nodeId());
    QVERIFY2(del.status >= 200 && del.status < 300, del.describe().constData());
    // the key it registered with is gone from it: it says what to do and stops
    QTRY_VERIFY2_WITH_TIMEOUT(!agent->isRunning(), agent->output().right(2000).constData(), 15000);
    QVERIFY2(agent->output().contains("--key"), agent->output().right(2000).constData());
}

void TestAgentProcess::containerOfferedOnlyWhenTheEngineAnswers()
{
    bool engineAnswers = false;
    for (const char *engine : {"podman", "docker"}) {
        QProcess p;
        p.start(QString::fromLatin1(engine), {QStringLiteral("info")});
        if (p.waitForFinished(15000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
            engineAnswers = true;
    }
    QVERIFY2(startServer(), diag().constData());
    TestAgent *agent = addAgent(QStringLiteral("boxless"), {"--capabilities", "CONTAINER,render"});
    QVERIFY2(agent->start(), diag().constData());
    const QJsonArray caps = findAgent(*m_server, agent->nodeId()).value("capabilities").toArray();
    QVERIFY2(caps.contains(QJsonValue("COMMAND")) && caps.contains(QJsonValue("render")),
        QJsonDocument(caps).toJson().constData());
    QCOMPARE(caps.contains(QJsonValue("CONTAINER")), engineAnswers);
}

void TestAgentProcess::finishedJobReportedAfterAgentCrash()
{
    const quint16 port = freePort();
    QVERIFY(port > 0);
    QVERIFY2(startServer({"--listen", QStringLiteral("127.0.0.1:%1").arg(port)}), diag().constData());
    TestAgent *agent = addAgent(QStringLiteral("crashy"));
    QVERIFY2(agent->start(), diag().constData());
    const QString id = m_server->submitJob({{"command", "echo before; sleep 1; echo after"}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(logTexts(logBuffer(*m_server, id)).contains("before"), diag().constData(), 20000);

    // the control plane goes away; the job finishes meanwhile; then the agent is killed before it
    // could report anything
    m_server->kill9();
    const qsizetype from = agent->output().size();
    QVERIFY2(agent->waitForOutput(QByteArray("job finished job=") + id.toUtf8(), 20000, from), diag().constData());
    agent->kill9();

    QVERIFY2(m_server->restart(), diag().constData());
    QCOMPARE(m_server->url().port(), int(port));
    QVERIFY2(agent->start(), diag().constData());

    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 30000);
    QVERIFY2(job.value("state").toString() == "SUCCEEDED", diag(job).constData());
    QCOMPARE(job.value("attempt").toInt(), 1);
    QCOMPARE(historyCount(job, "RUNNING"), 1);
    QCOMPARE(logTexts(logBuffer(*m_server, id)), (QStringList {"before", "after"}));
    static const QRegularExpression started(QStringLiteral("job started job=(\\S+) "));
    int starts = 0;
    for (auto it = started.globalMatch(QString::fromUtf8(agent->output())); it.hasNext();)
        starts += it.next().captured(1) == id ? 1 : 0;
    QCOMPARE(starts, 1);
}

void TestAgentProcess::finishedJobDirectoriesAreRemoved()
{
    QVERIFY2(startServer(), diag().constData());
    // the jobs directories are named, so the test finds them whoever the jobs run as (a root agent's
    // default is under /var/lib); their parent may be passed through by a job user, not listed
    QTemporaryDir jobsRoot;
    QVERIFY(::chmod(QFile::encodeName(jobsRoot.path()).constData(), 0711) == 0);
    const QString tidyJobs = jobsRoot.path() + QStringLiteral("/tidy");
    const QString keeperJobs = jobsRoot.path() + QStringLiteral("/keeper");
    TestAgent *agent = addAgent(QStringLiteral("tidy"), {"--keep-workdirs", "0", "--jobs-dir", tidyJobs});
    QVERIFY2(agent->start(), diag().constData());
    QStringList ids;
    for (int i = 0; i < 3; ++i)
        ids << m_server->submitJob({{"command", "echo data > out.txt; mkdir -p sub/deeper; echo x > sub/deeper/f"}});
    for (const QString &id : std::as_const(ids)) {
        QJsonObject job;
        QTRY_VERIFY2_WITH_TIMEOUT(
            isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 20000);
        QCOMPARE(job.value("state").toString(), QStringLiteral("SUCCEEDED"));
    }
    QTRY_VERIFY2_WITH_TIMEOUT(
        jobDirs(tidyJobs).isEmpty(), qPrintable(jobDirs(tidyJobs).join(' ')), 10000);

    // the default keeps them (for a day)
    TestAgent *keeper = addAgent(QStringLiteral("keeper"), {"--labels", "k=v", "--jobs-dir", keeperJobs});
    QVERIFY2(keeper->start(), diag().constData());
    const QString id = m_server->submitJob({{"command", "echo kept > out.txt"}, {"labels", QJsonObject {{"k", "v"}}}});
    QJsonObject job;
    QTRY_VERIFY2_WITH_TIMEOUT(
        isTerminal((job = getJob(*m_server, id)).value("state").toString()), diag(job).constData(), 20000);
    QCOMPARE(jobDirs(keeperJobs).size(), 1);
}

QTEST_GUILESS_MAIN(TestAgentProcess)
#include "tst_agentprocess.moc"

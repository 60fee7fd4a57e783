// The job sandbox through the real server and agent: a job's environment holds no key, it cannot read
// the server's or the agent's files (as root: it runs as nobody), an OOM kill ends it FAILED with
// "oom_killed", its peak memory is on GET /v0/jobs/{id} and the agent's isolation on GET /v0/agents.
#include "E2eSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <pwd.h>
#include <unistd.h>

using namespace E2e;

class TestSandbox : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void jobSeesNoKeysNorServerFiles();
    void oomKilledThroughServer();
    void localAgentRunsJobsAsNobody();

private:
    QJsonObject runToEnd(const QJsonObject &body);
    QByteArray diag(const QJsonObject &job = {}) const;

    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
    std::unique_ptr<QTemporaryDir> m_jobs;
};

void TestSandbox::cleanup()
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << tails(m_server.get(), m_agents, 6000);
    m_agents.clear();
    m_server.reset();
    m_jobs.reset();
}

QByteArray TestSandbox::diag(const QJsonObject &job) const
{
    QByteArray out;
    if (!job.isEmpty())
        out = "job: " + QJsonDocument(job).toJson(QJsonDocument::Compact) + '\n';
    return out + tails(m_server.get(), m_agents);
}

QJsonObject TestSandbox::runToEnd(const QJsonObject &body)
{
    const QString id = m_server->submitJob(body);
    if (id.isEmpty())
        return {};
    QJsonObject job;
    QTest::qWaitFor([&] { return isTerminal((job = getJob(*m_server, id)).value("state").toString()); }, 60000);
    return job;
}

void TestSandbox::jobSeesNoKeysNorServerFiles()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().constData());
    // A directory the job user can reach, for the jobs' working directories.
    m_jobs = std::make_unique<QTemporaryDir>();
    QVERIFY(QFile::setPermissions(m_jobs->path(),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ExeGroup
            | QFileDevice::ExeOther));
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("sandboxed"),
        QStringList {QStringLiteral("--jobs-dir"), m_jobs->filePath(QStringLiteral("jobs"))}));
    QVERIFY2(m_agents.back()->start(), diag().constData());
    const QString dataDir = m_server->dataDir();
    const QString agentJson = m_agents.back()->workDir() + QStringLiteral("/agent.json");
    QVERIFY(QFile::exists(agentJson));

    const QJsonObject job
        = runToEnd({{"command",
                        QStringLiteral("env; echo uid=$(id -u); for f in '%1/admin.key' '%1/tanvrit.db' '%2'; do "
                                       "cat \"$f\" >/dev/null 2>&1 && echo \"read $f\" || echo \"denied $f\"; done")
                            .arg(dataDir, agentJson)},
            {"env", QJsonObject {{"MINE", "job-value"}}}});
    QVERIFY2(job.value("state").toString() == "SUCCEEDED", diag(job).constData());
    const QStringList lines = logTexts(logBuffer(*m_server, job.value("id").toString()));
    const QString all = lines.join(QLatin1Char('\n'));
    QVERIFY2(!all.contains(QStringLiteral("tnv_")), qPrintable(all));
    QVERIFY2(!all.contains(m_server->adminKey()), qPrintable(all));
    QVERIFY2(lines.contains(QStringLiteral("MINE=job-value")), qPrintable(all));
    QVERIFY2(lines.contains(QStringLiteral("TANVRIT_JOB_ID=") + job.value("id").toString()), qPrintable(all));
    QVERIFY(job.value("peakMemoryBytes").toDouble() > 0);

    const QJsonObject agent = findAgent(*m_server, m_agents.back()->nodeId());
    const QString isolation = agent.value("isolation").toString();
    QVERIFY2(QStringList({"none", "cgroup-v1", "cgroup-v2"}).contains(isolation), qPrintable(isolation));
    if (::geteuid() != 0) {
        QCOMPARE(isolation, QStringLiteral("none"));
        QSKIP("not root: the job runs as the agent's user and can read what it can (README)");
    }
    const passwd *nobody = ::getpwnam("nobody");
    QVERIFY(nobody);
    QVERIFY2(lines.contains(QStringLiteral("uid=%1").arg(nobody->pw_uid)), qPrintable(all));
    for (const QString &f :
        {dataDir + QStringLiteral("/admin.key"), dataDir + QStringLiteral("/tanvrit.db"), agentJson})
        QVERIFY2(lines.contains(QStringLiteral("denied ") + f), qPrintable(all));
}

void TestSandbox::oomKilledThroughServer()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().constData());
    m_jobs = std::make_unique<QTemporaryDir>();
    QVERIFY(QFile::setPermissions(m_jobs->path(),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ExeGroup
            | QFileDevice::ExeOther));
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("limited"),
        QStringList {QStringLiteral("--jobs-dir"), m_jobs->filePath(QStringLiteral("jobs"))}));
    QVERIFY2(m_agents.back()->start(), diag().constData());
    const QString isolation = findAgent(*m_server, m_agents.back()->nodeId()).value("isolation").toString();
    if (isolation == QLatin1String("none"))
        QSKIP("the agent has no writable cgroup: memory limits are not enforced here");
    const QJsonObject job = runToEnd(
        {{"command", "head -c 400M /dev/zero | tail > /dev/null"}, {"resources", QJsonObject {{"memGib", 0.0625}}}});
    QVERIFY2(job.value("state").toString() == "FAILED", diag(job).constData());
    QCOMPARE(job.value("error").toString(), QStringLiteral("oom_killed"));
    const QString reason = job.value("history").toArray().last().toObject().value("reason").toString();
    QVERIFY2(reason.contains(QStringLiteral("64 MiB")), qPrintable(reason));
    QVERIFY(job.value("peakMemoryBytes").toDouble() > 0);
}

void TestSandbox::localAgentRunsJobsAsNobody()
{
    if (::geteuid() != 0)
        QSKIP("the job user applies when the server runs as root");
    m_jobs = std::make_unique<QTemporaryDir>();
    QVERIFY(QFile::setPermissions(m_jobs->path(),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ExeGroup
            | QFileDevice::ExeOther));
    m_server = std::make_unique<TestServer>(QStringList {
        QStringLiteral("--with-agent"), QStringLiteral("--agent-jobs-dir"), m_jobs->filePath(QStringLiteral("jobs"))});
    QVERIFY2(m_server->start(), m_server->output().constData());
    const QJsonObject job = runToEnd(
        {{"command", QStringLiteral("echo uid=$(id -u); cat '%1/admin.key' || echo denied").arg(m_server->dataDir())}});
    QVERIFY2(job.value("state").toString() == "SUCCEEDED", diag(job).constData());
    const QStringList lines = logTexts(logBuffer(*m_server, job.value("id").toString()));
    const passwd *nobody = ::getpwnam("nobody");
    QVERIFY(nobody);
    QCOMPARE(lines.value(0), QStringLiteral("uid=%1").arg(nobody->pw_uid));
    QVERIFY2(lines.contains(QStringLiteral("denied")), qPrintable(lines.join(QLatin1Char('\n'))));
    QVERIFY(!lines.join(QLatin1Char('\n')).contains(m_server->adminKey()));
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"

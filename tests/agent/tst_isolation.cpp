// The job sandbox against real processes: a clean environment, the job user (as root), private
// directories, and cgroup limits (memory/OOM, CPU quota, pids, whole-cgroup kill, peak memory).
// Suites needing root or a writable cgroup hierarchy skip with the reason.
#include "CgroupTree.h"
#include "JobProcess.h"
#include "JobSandbox.h"
#include "ProcessProbe.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <memory>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

struct Run
{
    explicit Run(JobProcess::Spec spec)
        : proc(std::make_unique<JobProcess>(std::move(spec)))
    {
        QObject::connect(proc.get(), &JobProcess::linesReady, [this](const QList<LogLine> &batch) { lines += batch; });
        QObject::connect(proc.get(), &JobProcess::finished, [this](const JobOutcome &o) { outcome = o; });
    }
    bool start() { return proc->start(&startError); }
    bool wait(int ms = 30000)
    {
        return QTest::qWaitFor([this] { return outcome.has_value(); }, ms);
    }
    QStringList texts(std::optional<bool> stderrOnly = std::nullopt) const
    {
        QStringList out;
        for (const LogLine &l : lines) {
            if (!stderrOnly || l.stderrStream == *stderrOnly)
                out << l.text;
        }
        return out;
    }
    QString describe() const
    {
        return QStringLiteral("start error: %1; state %2; error %3 %4; output: %5")
            .arg(startError, outcome ? JobStates::name(outcome->state) : QStringLiteral("-"),
                outcome ? outcome->error : QString(), outcome ? outcome->message : QString(),
                texts().join(QLatin1Char('|')).left(2000));
    }

    std::unique_ptr<JobProcess> proc;
    QList<LogLine> lines;
    std::optional<JobOutcome> outcome;
    QString startError;
};

QString readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

} // namespace

class TestIsolation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void environmentIsClean();
    void jobEnvironmentOnTop();
    void workingDirOutsideJobsDirRefused();
    void workingDirSymlinkNotFollowed();
    void peakMemoryReported();
    void nonRootRefusesOtherJobUser();

    void runsAsJobUser();
    void cannotReadAgentOrServerFiles();
    void cannotReadAnotherJobsDir();
    void defaultJobsDirIsPrivate();
    void jobsDirSymlinkRefused();

    void oomKillFails();
    void cpuQuotaCapsBusyLoop();
    void cancelKillsSetsidChild();
    void pidsLimitStopsForkLoop();
    void cgroupRemovedAfterJob();

private:
    JobProcess::Spec spec(const QString &command, const QJsonObject &resources = {}) const;
    bool needRoot();
    bool needCgroup();

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_workDir; // stands for the agent's private work dir (0700)
    QString m_jobsDir;
    std::unique_ptr<JobSandbox> m_sandbox;
    QString m_sandboxError;
};

void TestIsolation::initTestCase()
{
    // What an agent typically has in its environment and must never hand to a job.
    qputenv("TANVRIT_API_KEY", "tnv_owner_key_0123456789");
    qputenv("TANVRIT_REGISTRATION_KEY", "tnv_registration_key_abcdef");
    qputenv("AGENT_ONLY_SETTING", "agent-only-value");
}

void TestIsolation::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    // A root agent's job user reaches its directory by absolute path: the base must be searchable.
    QVERIFY(QFile::setPermissions(m_tmp->path(),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ExeGroup
            | QFileDevice::ExeOther));
    m_workDir = m_tmp->filePath(QStringLiteral("agent"));
    QVERIFY(QDir().mkpath(m_workDir));
    QVERIFY(QFile::setPermissions(m_workDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    m_jobsDir = m_tmp->filePath(QStringLiteral("jobs"));
    m_sandbox = std::make_unique<JobSandbox>();
    JobSandbox::Options o;
    o.jobsDir = m_jobsDir;
    o.pidsMax = 64;
    m_sandboxError.clear();
    QVERIFY2(m_sandbox->setUp(o, m_workDir, &m_sandboxError), qPrintable(m_sandboxError));
}

void TestIsolation::cleanup()
{
    m_sandbox.reset();
    m_tmp.reset();
}

void TestIsolation::cleanupTestCase()
{
    qunsetenv("TANVRIT_API_KEY");
    qunsetenv("TANVRIT_REGISTRATION_KEY");
    qunsetenv("AGENT_ONLY_SETTING");
}

JobProcess::Spec TestIsolation::spec(const QString &command, const QJsonObject &resources) const
{
    JobProcess::Spec s;
    s.jobId = QStringLiteral("job-iso");
    s.attempt = 3;
    s.command = command;
    s.graceMs = 500;
    m_sandbox->apply(s, resources, false);
    return s;
}

bool TestIsolation::needRoot()
{
    return ::geteuid() == 0;
}

bool TestIsolation::needCgroup()
{
    return m_sandbox && m_sandbox->cgroups();
}

void TestIsolation::environmentIsClean()
{
    Run run(spec(QStringLiteral("env")));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait());
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QMap<QString, QString> env;
    for (const QString &line : run.texts(false)) {
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        QVERIFY2(eq > 0, qPrintable(line));
        env.insert(line.left(eq), line.mid(eq + 1));
    }
    QVERIFY2(!run.texts().join(QLatin1Char('\n')).contains(QStringLiteral("tnv_")), qPrintable(run.describe()));
    QVERIFY(!env.contains(QStringLiteral("AGENT_ONLY_SETTING")));
    const QStringList allowed {QStringLiteral("PATH"), QStringLiteral("HOME"), QStringLiteral("USER"),
        QStringLiteral("LOGNAME"), QStringLiteral("LANG"), QStringLiteral("LC_ALL"), QStringLiteral("TZ"),
        QStringLiteral("TMPDIR"), QStringLiteral("TANVRIT_JOB_ID"), QStringLiteral("TANVRIT_ATTEMPT"),
        QStringLiteral("PWD")}; // the shell adds PWD itself
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        QVERIFY2(allowed.contains(it.key()), qPrintable(QStringLiteral("unexpected variable %1").arg(it.key())));
    QCOMPARE(env.value(QStringLiteral("TANVRIT_JOB_ID")), QStringLiteral("job-iso"));
    QCOMPARE(env.value(QStringLiteral("TANVRIT_ATTEMPT")), QStringLiteral("3"));
    QCOMPARE(env.value(QStringLiteral("HOME")), run.proc->workingDir());
    QCOMPARE(env.value(QStringLiteral("TMPDIR")), run.proc->workingDir() + QStringLiteral("/tmp"));
    QVERIFY(QFileInfo(env.value(QStringLiteral("TMPDIR"))).isDir());
    QCOMPARE(env.value(QStringLiteral("USER")), m_sandbox->user().name);
    QCOMPARE(env.value(QStringLiteral("LOGNAME")), m_sandbox->user().name);
    QVERIFY(env.value(QStringLiteral("PATH")).contains(QStringLiteral("/usr/bin")));
    QVERIFY(!env.value(QStringLiteral("LANG")).isEmpty());
}

void TestIsolation::jobEnvironmentOnTop()
{
    auto s = spec(QStringLiteral("echo \"$GREETING|$PATH|$CUDA_VISIBLE_DEVICES\""));
    s.env.insert(QStringLiteral("GREETING"), QStringLiteral("hi there"));
    s.env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    s.env.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), QStringLiteral("1,3"));
    Run run(s);
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait());
    QCOMPARE(run.texts(), QStringList({"hi there|/usr/bin:/bin|1,3"}));
}

void TestIsolation::workingDirOutsideJobsDirRefused()
{
    for (const QString &wd :
        {m_workDir, QStringLiteral("/etc/tanvrit-evil"), m_jobsDir + QStringLiteral("/../agent/x")}) {
        auto s = spec(QStringLiteral("true"));
        s.workingDir = wd;
        Run run(s);
        QVERIFY2(!run.start(), qPrintable(wd));
        QVERIFY2(run.startError.contains(QStringLiteral("not inside")), qPrintable(run.startError));
    }
    QVERIFY(!QFileInfo::exists(m_workDir + QStringLiteral("/x")));
    auto ok = spec(QStringLiteral("pwd"));
    ok.workingDir = m_jobsDir + QStringLiteral("/named/sub");
    Run run(ok);
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait());
    QCOMPARE(run.texts(), QStringList({m_jobsDir + QStringLiteral("/named/sub")}));
}

void TestIsolation::workingDirSymlinkNotFollowed()
{
    // A job can plant a symlink in a shared directory; a later job's workingDir through it must not
    // make the agent create (or chown) anything where the link points.
    const QString target = m_tmp->filePath(QStringLiteral("outside"));
    QVERIFY(QDir().mkpath(target));
    QVERIFY(QDir().mkpath(m_jobsDir + QStringLiteral("/shared")));
    QVERIFY(QFile::link(target, m_jobsDir + QStringLiteral("/shared/link")));
    auto s = spec(QStringLiteral("true"));
    s.workingDir = m_jobsDir + QStringLiteral("/shared/link/made");
    Run run(s);
    QVERIFY(!run.start());
    QVERIFY2(run.startError.contains(QStringLiteral("working directory")), qPrintable(run.startError));
    QVERIFY(!QFileInfo::exists(target + QStringLiteral("/made")));
}

void TestIsolation::peakMemoryReported()
{
    // tail keeps a line without a newline in memory: about 48 MiB here.
    Run run(spec(QStringLiteral("head -c 48M /dev/zero | tail | wc -c")));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait(60000));
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QVERIFY2(
        run.outcome->peakMemoryBytes >= 40ll * 1024 * 1024, qPrintable(QString::number(run.outcome->peakMemoryBytes)));
    QVERIFY2(
        run.outcome->peakMemoryBytes < 4096ll * 1024 * 1024, qPrintable(QString::number(run.outcome->peakMemoryBytes)));
}

void TestIsolation::nonRootRefusesOtherJobUser()
{
    if (needRoot())
        QSKIP("as root any --job-user is honoured; this checks a non-root agent");
    JobSandbox sandbox;
    JobSandbox::Options o;
    o.jobsDir = m_jobsDir;
    o.jobUser = QStringLiteral("root");
    QString error;
    QVERIFY(!sandbox.setUp(o, m_workDir, &error));
    QVERIFY2(error.contains(QStringLiteral("needs the agent to run as root")), qPrintable(error));
    QCOMPARE(m_sandbox->user().uid, ::geteuid()); // without --job-user: the agent's own user
}

void TestIsolation::runsAsJobUser()
{
    if (!needRoot())
        QSKIP("switching to the job user needs root");
    const passwd *nobody = ::getpwnam("nobody");
    QVERIFY(nobody);
    QCOMPARE(m_sandbox->user().uid, nobody->pw_uid); // the default job user
    Run run(spec(QStringLiteral("id -u; id -g; stat -c '%u %a' .; stat -c '%u %a' \"$TMPDIR\"; "
                                "cat /proc/self/status | grep -E '^(NoNewPrivs|CapEff)'")));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait());
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    const QStringList out = run.texts();
    QCOMPARE(out.value(0), QString::number(nobody->pw_uid));
    QCOMPARE(out.value(1), QString::number(nobody->pw_gid));
    QCOMPARE(out.value(2), QStringLiteral("%1 700").arg(nobody->pw_uid));
    QCOMPARE(out.value(3), QStringLiteral("%1 700").arg(nobody->pw_uid));
    QVERIFY2(out.contains(QStringLiteral("NoNewPrivs:\t1")), qPrintable(out.join(QLatin1Char('|'))));
    QVERIFY2(out.contains(QStringLiteral("CapEff:\t0000000000000000")), qPrintable(out.join(QLatin1Char('|'))));
}

void TestIsolation::cannotReadAgentOrServerFiles()
{
    if (!needRoot())
        QSKIP("a job runs as the agent's user when the agent is not root: it can read what that user can");
    // The agent's identity (0600 in a 0700 work dir) and a server data dir with its key and database.
    const QString agentJson = m_workDir + QStringLiteral("/agent.json");
    const QString dataDir = m_tmp->filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkpath(dataDir));
    QVERIFY(QFile::setPermissions(dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    const QString adminKey = dataDir + QStringLiteral("/admin.key");
    const QString db = dataDir + QStringLiteral("/tanvrit.db");
    for (const QString &path : {agentJson, adminKey, db}) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("tnv_secret_in_file\n");
        f.close();
    }
    QVERIFY(QFile::setPermissions(agentJson, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(QFile::setPermissions(adminKey, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QVERIFY(QFile::setPermissions(db,
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
            | QFileDevice::ReadOther)); // 0644: the directory alone must keep it out of reach
    Run run(spec(QStringLiteral("for f in '%1' '%2' '%3'; do cat \"$f\" || echo \"denied $f\"; done; ls '%4' || echo "
                                "'denied list'")
                     .arg(agentJson, adminKey, db, m_jobsDir)));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait());
    const QStringList out = run.texts(false);
    QVERIFY2(!run.texts().join(QLatin1Char('\n')).contains(QStringLiteral("tnv_")), qPrintable(run.describe()));
    for (const QString &path : {agentJson, adminKey, db})
        QVERIFY2(out.contains(QStringLiteral("denied ") + path), qPrintable(run.describe()));
    QVERIFY2(out.contains(QStringLiteral("denied list")), qPrintable(run.describe())); // the jobs dir is 0711
}

void TestIsolation::cannotReadAnotherJobsDir()
{
    if (!needRoot())
        QSKIP("jobs run as the agent's own user when it is not root");
    Run first(spec(QStringLiteral("echo tnv_first_jobs_secret > secret.txt; pwd")));
    QVERIFY2(first.start(), qPrintable(first.describe()));
    QVERIFY(first.wait());
    QCOMPARE(first.outcome->state, JobState::Succeeded);
    const QString dir = first.proc->workingDir();
    QVERIFY(QFile::exists(dir + QStringLiteral("/secret.txt")));
    QFileInfo info(dir);
    QCOMPARE(info.ownerId(), ::geteuid()); // taken back once the job ended

    // The second job runs as the same user and knows the path.
    Run second(spec(QStringLiteral("cat '%1/secret.txt' || echo denied; ls '%1' || echo denied-list").arg(dir)));
    QVERIFY2(second.start(), qPrintable(second.describe()));
    QVERIFY(second.wait());
    QVERIFY2(!second.texts().join(QLatin1Char('\n')).contains(QStringLiteral("tnv_")), qPrintable(second.describe()));
    QCOMPARE(second.texts(false), QStringList({"denied", "denied-list"}));
}

void TestIsolation::defaultJobsDirIsPrivate()
{
    if (!needRoot())
        QSKIP("the shared jobs base is used only when a root agent switches users");
    JobSandbox sandbox;
    QString error;
    QVERIFY2(sandbox.setUp({}, m_workDir, &error), qPrintable(error));
    const QString expected
        = QString::fromLatin1(JobSandbox::kDefaultJobsBase) + QLatin1Char('/') + JobSandbox::keyFor(m_workDir);
    QCOMPARE(sandbox.jobsDir(), expected);
    struct stat st
    {
    };
    QCOMPARE(::lstat(QFile::encodeName(expected).constData(), &st), 0);
    QVERIFY(S_ISDIR(st.st_mode));
    QCOMPARE(st.st_uid, uid_t(0));
    QCOMPARE(st.st_mode & 07777, mode_t(0711));
    QDir(expected).removeRecursively();
}

void TestIsolation::jobsDirSymlinkRefused()
{
    if (!needRoot())
        QSKIP("the ownership checks apply when a root agent switches users");
    const QString real = m_tmp->filePath(QStringLiteral("real"));
    QVERIFY(QDir().mkpath(real));
    const QString link = m_tmp->filePath(QStringLiteral("link"));
    QVERIFY(QFile::link(real, link));
    JobSandbox sandbox;
    JobSandbox::Options o;
    o.jobsDir = link;
    QString error;
    QVERIFY(!sandbox.setUp(o, m_workDir, &error));
    QVERIFY2(error.contains(QStringLiteral("symbolic link")), qPrintable(error));

    o.jobsDir = m_tmp->filePath(QStringLiteral("private/jobs")); // below a 0700 directory
    QVERIFY(QDir().mkpath(m_tmp->filePath(QStringLiteral("private"))));
    QVERIFY(QFile::setPermissions(m_tmp->filePath(QStringLiteral("private")),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QVERIFY(!sandbox.setUp(o, m_workDir, &error));
    QVERIFY2(error.contains(QStringLiteral("not reachable")), qPrintable(error));
}

void TestIsolation::oomKillFails()
{
    if (!needCgroup())
        QSKIP(qPrintable(QStringLiteral("no writable cgroup hierarchy (isolation %1)").arg(m_sandbox->isolation())));
    // 64 MiB limit; tail holds a 400 MiB line in memory. The script carries on after the kill and
    // exits 0: the job still failed.
    Run run(spec(QStringLiteral("head -c 400M /dev/zero | tail >/dev/null; echo after"),
        QJsonObject {{QStringLiteral("memGib"), 0.0625}}));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait(60000));
    QVERIFY2(run.outcome->state == JobState::Failed, qPrintable(run.describe()));
    QCOMPARE(run.outcome->error, QStringLiteral("oom_killed"));
    QVERIFY2(run.outcome->message.contains(QStringLiteral("64 MiB")), qPrintable(run.outcome->message));
    QVERIFY2(run.outcome->message.contains(QStringLiteral("0.0625")), qPrintable(run.outcome->message));
    QVERIFY2(run.outcome->peakMemoryBytes > 0 && run.outcome->peakMemoryBytes <= 65ll * 1024 * 1024,
        qPrintable(QString::number(run.outcome->peakMemoryBytes)));
}

void TestIsolation::cpuQuotaCapsBusyLoop()
{
    if (!needCgroup())
        QSKIP(qPrintable(QStringLiteral("no writable cgroup hierarchy (isolation %1)").arg(m_sandbox->isolation())));
    Run run(spec(
        QStringLiteral("timeout 1.5 sh -c 'while :; do :; done'; true"), QJsonObject {{QStringLiteral("cpu"), 0.25}}));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait(30000));
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    const double wall = run.outcome->runtimeMs / 1000.0;
    QVERIFY(wall >= 1.4);
    // 0.25 of a core over the wall time, plus one scheduling period of slack.
    QVERIFY2(run.outcome->cpuSeconds > 0.05 && run.outcome->cpuSeconds <= 0.25 * wall + 0.15,
        qPrintable(QStringLiteral("cpu %1 s over %2 s").arg(run.outcome->cpuSeconds).arg(wall)));
}

void TestIsolation::cancelKillsSetsidChild()
{
    if (!needCgroup())
        QSKIP(qPrintable(QStringLiteral("no writable cgroup hierarchy (isolation %1)").arg(m_sandbox->isolation())));
    // A descendant in its own session is out of reach of the process group; the cgroup still holds it.
    Run run(spec(QStringLiteral("setsid sh -c 'trap \"\" TERM; echo $$ > \"$HOME/escaped.pid\"; exec sleep 300' & "
                                "while [ ! -s \"$HOME/escaped.pid\" ]; do sleep 0.01; done; echo started; sleep 300")));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QTRY_COMPARE_WITH_TIMEOUT(run.texts(), QStringList({"started"}), 15000);
    const qint64 escaped = readAll(run.proc->workingDir() + QStringLiteral("/escaped.pid")).toLongLong();
    QVERIFY(escaped > 0);
    QVERIFY(!ProcessProbe::gone(escaped));
    run.proc->cancel();
    QVERIFY(run.wait());
    QCOMPARE(run.outcome->state, JobState::Cancelled);
    const bool gone = QTest::qWaitFor([&] { return ProcessProbe::gone(escaped); }, 5000);
    if (!gone)
        ::kill(pid_t(escaped), SIGKILL);
    QVERIFY2(gone, "the setsid child survived the cancel");
}

void TestIsolation::pidsLimitStopsForkLoop()
{
    if (!needCgroup())
        QSKIP(qPrintable(QStringLiteral("no writable cgroup hierarchy (isolation %1)").arg(m_sandbox->isolation())));
    // pids.max is 64 (init); the loop wants 200 processes.
    Run run(spec(QStringLiteral("i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); echo $i; done; echo all")));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait(60000));
    const QStringList out = run.texts(false);
    QVERIFY2(!out.contains(QStringLiteral("all")), qPrintable(run.describe()));
    QVERIFY2(out.size() < 64, qPrintable(QString::number(out.size())));
    QCOMPARE(run.outcome->state, JobState::Failed);
}

void TestIsolation::cgroupRemovedAfterJob()
{
    if (!needCgroup())
        QSKIP(qPrintable(QStringLiteral("no writable cgroup hierarchy (isolation %1)").arg(m_sandbox->isolation())));
    // A background child that outlives the job's main process is killed and the cgroup goes away.
    Run run(spec(QStringLiteral("setsid sleep 300 & echo done")));
    QVERIFY2(run.start(), qPrintable(run.describe()));
    QVERIFY(run.wait());
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    for (const QString &p : m_sandbox->cgroups()->paths())
        QTRY_VERIFY2(QDir(p).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(), qPrintable(p));
}

QTEST_GUILESS_MAIN(TestIsolation)
#include "tst_isolation.moc"

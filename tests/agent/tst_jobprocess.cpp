// JobProcess against real processes: output capture, outcomes, timeout/cancel of whole process
// trees, spawn failures, redaction and CPU accounting.
#include "JobProcess.h"
#include "ProcessProbe.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <memory>
#include <signal.h>
#include <unistd.h>

namespace {

qint64 readPidFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readAll().trimmed().toLongLong();
}

// One job run with its lines and outcome collected.
class JobRun
{
public:
    explicit JobRun(JobProcess::Spec spec)
        : m_proc(std::make_unique<JobProcess>(std::move(spec)))
    {
        QObject::connect(m_proc.get(), &JobProcess::linesReady, [this](const QList<LogLine> &batch) {
            ++batches;
            maxBatch = qMax(maxBatch, batch.size());
            if (outcome)
                linesAfterFinished = true;
            lines += batch;
        });
        QObject::connect(m_proc.get(), &JobProcess::finished, [this](const JobOutcome &o) {
            ++finishedCount;
            outcome = o;
        });
    }

    JobProcess &proc() { return *m_proc; }
    void destroy() { m_proc.reset(); }
    bool start() { return m_proc->start(&startError); }
    bool waitFinished(int ms = 15000)
    {
        return QTest::qWaitFor([this] { return finishedCount > 0; }, ms);
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

    QList<LogLine> lines;
    std::optional<JobOutcome> outcome;
    int finishedCount = 0;
    int batches = 0;
    qsizetype maxBatch = 0;
    bool linesAfterFinished = false;
    QString startError;

private:
    std::unique_ptr<JobProcess> m_proc;
};

JobProcess::Spec shellSpec(const QString &command, const QString &workRoot)
{
    JobProcess::Spec spec;
    spec.jobId = QStringLiteral("job-test");
    spec.command = command;
    spec.workRoot = workRoot;
    return spec;
}

} // namespace

class TestJobProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void successCapturesBothStreams();
    void nonZeroExitFails_data();
    void nonZeroExitFails();
    void argvRunsWithoutShell();
    void envAndWorkingDirApplied();
    void defaultWorkingDirUnderWorkRoot();
    void timeoutKillsGrandchildIgnoringTerm();
    void cancelWhileRunning();
    void backgroundGrandchildDoesNotHang();
    void escapedWriterDoesNotHang();
    void hundredThousandLinesComplete();
    void lineSplitting_data();
    void lineSplitting();
    void longLineIsSplit();
    void invalidUtf8DoesNotCrash();
    void redactsSecrets();
    void missingProgramFails_data();
    void missingProgramFails();
    void emptySpecRefused();
    void cpuSecondsForBusyLoop();
    void destructorKillsGroup();
    void queuedConnectionsDeliver();
    void noDescriptorLeaks();

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestJobProcess::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
}

void TestJobProcess::successCapturesBothStreams()
{
    auto spec
        = shellSpec(QStringLiteral("echo out1; echo err1 >&2; echo out2; echo err2 >&2; echo out3"), m_tmp->path());
    spec.firstSeq = 42;
    JobRun run(spec);
    QVERIFY(run.start());
    QVERIFY(run.proc().pid() > 0);
    QVERIFY(run.waitFinished());

    QCOMPARE(run.finishedCount, 1);
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QCOMPARE(run.outcome->exitCode, std::optional<int>(0));
    QVERIFY(run.outcome->error.isEmpty());
    QVERIFY(run.outcome->runtimeMs >= 0);
    QVERIFY(!run.linesAfterFinished);

    QCOMPARE(run.texts(false), QStringList({"out1", "out2", "out3"}));
    QCOMPARE(run.texts(true), QStringList({"err1", "err2"}));
    QCOMPARE(run.lines.size(), 5);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < run.lines.size(); ++i) {
        const LogLine &l = run.lines[i];
        QCOMPARE(l.seq, 42 + i);
        QCOMPARE(l.streamName(), l.text.startsWith(u"err") ? QStringLiteral("stderr") : QStringLiteral("stdout"));
        QVERIFY(l.tsMs > now - 60000 && l.tsMs <= now);
    }
}

void TestJobProcess::nonZeroExitFails_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("error");
    QTest::newRow("exit 3") << "exit 3" << 3 << "exited with code 3";
    QTest::newRow("false") << "false" << 1 << "exited with code 1";
    QTest::newRow("sigkill") << "kill -KILL $$" << 128 + SIGKILL << "killed by signal 9";
    QTest::newRow("sigsegv") << "kill -SEGV $$" << 128 + SIGSEGV << "killed by signal 11";
}

void TestJobProcess::nonZeroExitFails()
{
    QFETCH(QString, command);
    QFETCH(int, exitCode);
    QFETCH(QString, error);
    JobRun run(shellSpec(command, m_tmp->path()));
    QVERIFY(run.start());
    QVERIFY(run.waitFinished());
    QCOMPARE(run.outcome->state, JobState::Failed);
    QCOMPARE(run.outcome->exitCode, std::optional<int>(exitCode));
    QCOMPARE(run.outcome->error, error);
}

void TestJobProcess::argvRunsWithoutShell()
{
    JobProcess::Spec spec;
    spec.jobId = QStringLiteral("argv");
    spec.workRoot = m_tmp->path();
    spec.argv = {QStringLiteral("printf"), QStringLiteral("%s|\\n"), QStringLiteral("a b  c"), QStringLiteral("$HOME"),
        QStringLiteral("`id`;*")};
    JobRun run(spec);
    QVERIFY2(run.start(), qPrintable(run.startError));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QCOMPARE(run.texts(), QStringList({"a b  c|", "$HOME|", "`id`;*|"}));
}

void TestJobProcess::envAndWorkingDirApplied()
{
    auto spec
        = shellSpec(QStringLiteral("pwd; echo \"$TANVRIT_TEST_VAR\"; echo \"$HOME\"; test -n \"$PATH\" && echo path"),
            m_tmp->path());
    spec.workingDir = m_tmp->filePath(QStringLiteral("made/on/demand"));
    spec.env.insert(QStringLiteral("TANVRIT_TEST_VAR"), QStringLiteral("hello world"));
    spec.env.insert(QStringLiteral("HOME"), QStringLiteral("/overridden"));
    JobRun run(spec);
    QVERIFY2(run.start(), qPrintable(run.startError));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    const QString dir = QDir(spec.workingDir).canonicalPath();
    QVERIFY(!dir.isEmpty());
    QCOMPARE(run.texts(), QStringList({dir, "hello world", "/overridden", "path"}));
}

void TestJobProcess::defaultWorkingDirUnderWorkRoot()
{
    const QString root = m_tmp->filePath(QStringLiteral("work"));
    auto spec = shellSpec(QStringLiteral("pwd; touch marker"), root);
    spec.jobId = QStringLiteral("01J/../evil");
    spec.attempt = 2;
    JobRun first(spec);
    JobRun second(spec);
    QVERIFY(first.start());
    QVERIFY(second.start());
    QVERIFY(first.waitFinished());
    QVERIFY(second.waitFinished());
    const QString dir = first.proc().workingDir();
    QCOMPARE(QFileInfo(dir).absolutePath(), QDir(root).absolutePath());
    QVERIFY(QFileInfo(dir).fileName().contains(QStringLiteral("-2-")));
    QVERIFY(dir != second.proc().workingDir()); // a fresh directory per run
    QCOMPARE(first.texts(), QStringList({QDir(dir).canonicalPath()}));
    QVERIFY(QFile::exists(dir + QStringLiteral("/marker")));
}

void TestJobProcess::timeoutKillsGrandchildIgnoringTerm()
{
    const QString pidFile = m_tmp->filePath(QStringLiteral("grandchild.pid"));
    auto spec = shellSpec(
        QStringLiteral("trap '' TERM; sleep 1000 & echo $! > '%1'; echo running; wait").arg(pidFile), m_tmp->path());
    spec.timeoutSeconds = 1;
    spec.graceMs = 300;
    JobRun run(spec);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(run.start());
    QVERIFY(run.waitFinished());
    QVERIFY(clock.elapsed() >= 1000);

    QCOMPARE(run.outcome->state, JobState::TimedOut);
    QCOMPARE(run.outcome->exitCode, std::optional<int>(128 + SIGKILL)); // TERM was ignored
    QVERIFY(run.outcome->runtimeMs >= 1000);
    QVERIFY(!run.outcome->error.isEmpty());
    QCOMPARE(run.texts(), QStringList({"running"}));

    const qint64 grandchild = readPidFile(pidFile);
    QVERIFY(grandchild > 0);
    QTRY_VERIFY(ProcessProbe::gone(grandchild));
    QVERIFY(ProcessProbe::gone(run.proc().pid()));
}

void TestJobProcess::cancelWhileRunning()
{
    auto spec = shellSpec(QStringLiteral("echo started; sleep 1000"), m_tmp->path());
    spec.graceMs = 60000; // sleep dies on SIGTERM, so the grace must not be waited out
    JobRun run(spec);
    QVERIFY(run.start());
    QTRY_COMPARE(run.texts(), QStringList({"started"}));
    QCOMPARE(run.finishedCount, 0);

    QElapsedTimer clock;
    clock.start();
    run.proc().cancel();
    run.proc().cancel(); // repeated cancel is harmless
    QVERIFY(run.waitFinished(30000));
    QVERIFY(clock.elapsed() < 30000);
    QCOMPARE(run.outcome->state, JobState::Cancelled);
    QCOMPARE(run.outcome->exitCode, std::optional<int>(128 + SIGTERM));

    run.proc().cancel(); // after the end: no second outcome
    QCoreApplication::processEvents();
    QCOMPARE(run.finishedCount, 1);
    QVERIFY(!run.proc().isRunning());
}

void TestJobProcess::backgroundGrandchildDoesNotHang()
{
    const QString pidFile = m_tmp->filePath(QStringLiteral("bg.pid"));
    // The background sleep inherits stdout and stderr; only killing it lets the pipes close.
    JobRun run(shellSpec(QStringLiteral("sleep 1000 & echo $! > '%1'; echo done").arg(pidFile), m_tmp->path()));
    QVERIFY(run.start());
    QVERIFY(run.waitFinished(10000));
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QCOMPARE(run.texts(), QStringList({"done"}));
    const qint64 bg = readPidFile(pidFile);
    QVERIFY(bg > 0);
    QTRY_VERIFY(ProcessProbe::gone(bg));
}

void TestJobProcess::escapedWriterDoesNotHang()
{
    if (QStandardPaths::findExecutable(QStringLiteral("setsid")).isEmpty())
        QSKIP("setsid not installed");
    const QString pidFile = m_tmp->filePath(QStringLiteral("escaped.pid"));
    // A descendant in its own session is out of reach of the group kill but holds the pipes.
    // The pid file is written only after setsid, so the shell exits once the escape is done.
    JobRun run(shellSpec(QStringLiteral("setsid sh -c 'echo $$ > \"%1\"; exec sleep 30' & "
                                        "while [ ! -s '%1' ]; do sleep 0.01; done; echo left")
                             .arg(pidFile),
        m_tmp->path()));
    QVERIFY(run.start());
    QVERIFY(run.waitFinished(15000));
    const qint64 escaped = readPidFile(pidFile);
    if (escaped > 0)
        ::kill(pid_t(escaped), SIGKILL);
    QVERIFY(escaped > 0);
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QCOMPARE(run.texts(), QStringList({"left"}));
}

void TestJobProcess::hundredThousandLinesComplete()
{
    auto spec = shellSpec(QStringLiteral("seq 1 100000"), m_tmp->path());
    spec.firstSeq = 7;
    JobRun run(spec);
    QVERIFY(run.start());
    QVERIFY(run.waitFinished(60000));
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QCOMPARE(run.lines.size(), 100000);
    for (int i = 0; i < run.lines.size(); ++i) {
        if (run.lines[i].seq != 7 + i || run.lines[i].text != QString::number(i + 1) || run.lines[i].stderrStream)
            QFAIL(qPrintable(QStringLiteral("line %1 is wrong: seq %2 text %3")
                                 .arg(i)
                                 .arg(run.lines[i].seq)
                                 .arg(run.lines[i].text)));
    }
    QVERIFY(run.batches >= 100);
    QVERIFY(run.maxBatch <= 1000);
    QVERIFY(!run.linesAfterFinished);
}

void TestJobProcess::lineSplitting_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("partial last line") << "printf 'a\\nb'" << QStringList({"a", "b"});
    QTest::newRow("crlf") << "printf 'x\\r\\ny\\r\\n'" << QStringList({"x", "y"});
    QTest::newRow("inner cr kept") << "printf 'p\\rq\\n'" << QStringList({"p\rq"});
    QTest::newRow("empty lines") << "printf '\\n\\nz\\n'" << QStringList({"", "", "z"});
    QTest::newRow("no output") << "true" << QStringList();
    QTest::newRow("only partial") << "printf 'tail'" << QStringList({"tail"});
    QTest::newRow("unicode") << "printf 'h\\303\\251llo \\342\\202\\254\\n'" << QStringList({"h\u00e9llo \u20ac"});
}

void TestJobProcess::lineSplitting()
{
    QFETCH(QString, command);
    QFETCH(QStringList, expected);
    JobRun run(shellSpec(command, m_tmp->path()));
    QVERIFY(run.start());
    QVERIFY(run.waitFinished());
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QCOMPARE(run.texts(), expected);
}

void TestJobProcess::longLineIsSplit()
{
    // 150000 'a's and a newline, then 'b' and 70000 two-byte characters without a newline
    // (the 'b' puts the 64 KiB mark in the middle of a character).
    JobRun run(shellSpec(QStringLiteral("head -c 150000 /dev/zero | tr '\\0' a; echo; printf b; "
                                        "head -c 70000 /dev/zero | tr '\\0' '\\351' | iconv -f LATIN1 -t UTF-8"),
        m_tmp->path()));
    QVERIFY(run.start());
    QVERIFY(run.waitFinished(30000));
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QString as;
    QString es;
    int aLines = 0;
    for (const LogLine &l : std::as_const(run.lines)) {
        QVERIFY(l.text.toUtf8().size() <= 64 * 1024);
        if (l.text.startsWith(u'a')) {
            as += l.text;
            ++aLines;
        } else {
            es += l.text;
        }
    }
    QCOMPARE(aLines, 3);
    QCOMPARE(as, QString(150000, u'a'));
    QCOMPARE(es, QLatin1Char('b') + QString(70000, QChar(0xe9))); // no character torn at a split
}

void TestJobProcess::invalidUtf8DoesNotCrash()
{
    JobRun run(
        shellSpec(QStringLiteral("printf '\\377\\376abc\\n\\300\\n' ; printf '\\355\\240\\200x' >&2"), m_tmp->path()));
    QVERIFY(run.start());
    QVERIFY(run.waitFinished());
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QCOMPARE(run.lines.size(), 3);
    QVERIFY(run.texts(false).first().endsWith(QStringLiteral("abc")));
    QVERIFY(run.texts(true).first().endsWith(u'x'));
}

void TestJobProcess::redactsSecrets()
{
    auto spec = shellSpec(
        QStringLiteral("echo \"pw=$SECRET and ${SECRET}s, tok tok\"; echo \"$SECRET\" >&2; echo clean"), m_tmp->path());
    spec.env.insert(QStringLiteral("SECRET"), QStringLiteral("s3cr3t"));
    spec.redact = {QStringLiteral("s3cr3t"), QString(), QStringLiteral("tok")};
    JobRun run(spec);
    QVERIFY(run.start());
    QVERIFY(run.waitFinished());
    QCOMPARE(run.texts(false), QStringList({"pw=*** and ***s, *** ***", "clean"}));
    QCOMPARE(run.texts(true), QStringList({"***"}));
}

void TestJobProcess::missingProgramFails_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::newRow("not on PATH") << QStringList({"tanvrit-no-such-command-xyz", "arg"});
    QTest::newRow("absolute path") << QStringList({"/nonexistent/tanvrit/bin"});
    QTest::newRow("not executable") << QStringList({"/etc/hostname"});
}

void TestJobProcess::missingProgramFails()
{
    QFETCH(QStringList, argv);
    JobProcess::Spec spec;
    spec.argv = argv;
    spec.workRoot = m_tmp->path();
    JobRun run(spec);
    if (!run.start()) {
        // glibc reports exec failures from posix_spawnp itself; finished() never comes.
        QVERIFY(run.startError.contains(argv.first()));
        QCOMPARE(run.proc().pid(), 0);
        QVERIFY(QDir(m_tmp->path()).isEmpty()); // no working directory left behind
        QVERIFY(!run.proc().isRunning());
        QCoreApplication::processEvents();
        QCOMPARE(run.finishedCount, 0);
        return;
    }
    // A vfork-less libc reports it through exit status 127 instead.
    QVERIFY(run.waitFinished());
    QCOMPARE(run.outcome->state, JobState::Failed);
    QVERIFY(!run.outcome->error.isEmpty());
}

void TestJobProcess::emptySpecRefused()
{
    JobProcess::Spec spec;
    spec.workRoot = m_tmp->path();
    JobRun run(spec);
    QVERIFY(!run.start());
    QVERIFY(!run.startError.isEmpty());

    auto bad = shellSpec(QStringLiteral("true"), m_tmp->path());
    bad.workingDir = QStringLiteral("/proc/tanvrit-cannot-create");
    JobRun badDir(bad);
    QVERIFY(!badDir.start());
    QVERIFY(badDir.startError.contains(QStringLiteral("working directory")));
}

void TestJobProcess::cpuSecondsForBusyLoop()
{
    JobRun run(shellSpec(QStringLiteral("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo $i"), m_tmp->path()));
    QVERIFY(run.start());
    QVERIFY(run.waitFinished(60000));
    QCOMPARE(run.outcome->state, JobState::Succeeded);
    QCOMPARE(run.texts(), QStringList({"200000"}));
    QVERIFY2(run.outcome->cpuSeconds > 0, qPrintable(QString::number(run.outcome->cpuSeconds)));
    QVERIFY(run.outcome->cpuSeconds < 120);
}

void TestJobProcess::destructorKillsGroup()
{
    const QString pidFile = m_tmp->filePath(QStringLiteral("child.pid"));
    JobRun run(
        shellSpec(QStringLiteral("trap '' TERM; sleep 1000 & echo $! > '%1'; wait").arg(pidFile), m_tmp->path()));
    QVERIFY(run.start());
    const qint64 leader = run.proc().pid();
    QTRY_VERIFY(readPidFile(pidFile) > 0);
    const qint64 grandchild = readPidFile(pidFile);
    run.destroy();
    QVERIFY(ProcessProbe::gone(leader)); // reaped by the destructor
    QTRY_VERIFY(ProcessProbe::gone(grandchild));
    QCOMPARE(run.finishedCount, 0);
}

void TestJobProcess::queuedConnectionsDeliver()
{
    auto spec = shellSpec(QStringLiteral("echo one; exit 4"), m_tmp->path());
    JobProcess proc(spec);
    QObject receiver;
    QStringList texts;
    std::optional<JobOutcome> outcome;
    connect(
        &proc, &JobProcess::linesReady, &receiver,
        [&](const QList<LogLine> &lines) {
            for (const LogLine &l : lines)
                texts << l.text;
        },
        Qt::QueuedConnection);
    connect(
        &proc, &JobProcess::finished, &receiver, [&](const JobOutcome &o) { outcome = o; }, Qt::QueuedConnection);
    QString error;
    QVERIFY(proc.start(&error));
    QTRY_VERIFY(outcome.has_value());
    QCOMPARE(texts, QStringList({"one"}));
    QCOMPARE(outcome->state, JobState::Failed);
    QCOMPARE(outcome->exitCode, std::optional<int>(4));
}

void TestJobProcess::noDescriptorLeaks()
{
    const auto openFds
        = [] { return QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size(); };
    const qsizetype before = openFds();
    for (const QString &command :
        {QStringLiteral("echo hi"), QStringLiteral("exit 2"), QStringLiteral("sleep 1000 & echo bg")}) {
        JobRun run(shellSpec(command, m_tmp->path()));
        QVERIFY(run.start());
        QVERIFY(run.waitFinished());
    }
    JobProcess::Spec missing;
    missing.argv = {QStringLiteral("tanvrit-no-such-command-xyz")};
    missing.workRoot = m_tmp->path();
    JobRun failed(missing);
    if (failed.start())
        QVERIFY(failed.waitFinished());
    failed.destroy();
    QCOMPARE(openFds(), before);
}

QTEST_GUILESS_MAIN(TestJobProcess)
#include "tst_jobprocess.moc"

// `tanvrit-compute jobs logs` and following: the buffer with its filters and forms, -f ending by
// itself, across attempts, the size cap's gap line, a kill -9 of the server, and Ctrl-C (cli-spec.md).
#include "CliSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QTcpServer>
#include <QtTest>

class TestCliLogs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void logsInOrderStderrOnStderr();
    void tailAndSince();
    void streamFilter();
    void timestamps();
    void jsonlFields();
    void attemptFlag();
    void followEndsByItself();
    void followAcrossAttempts();
    void gapLineAfterTheSizeCap();
    void runOnATtyShowsStateLines();
    void listWatchRepeats();
    void ctrlCLeavesTheJobRunning();
    void ctrlCWithCancelOnInterrupt();
    void followAcrossKill9OfTheServer(); // last: it restarts the shared server

private:
    QString finishedJob(const QString &command);
    QString retryingJob(const QString &firstExtra);

    CliFixture m_fx;
    CliRunner *m_cli = nullptr;
    quint16 m_port = 0;
    QString m_mixed; // out 1..10 on stdout, err 1..10 on stderr, finished
    QString m_counted; // line 1..20 on stdout, finished
    QTemporaryDir m_markers;
};

namespace {
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QStringList numbered(const QString &word, int from, int to)
{
    QStringList out;
    for (int i = from; i <= to; ++i)
        out << QStringLiteral("%1 %2").arg(word).arg(i);
    return out;
}
} // namespace

QString TestCliLogs::finishedJob(const QString &command)
{
    const QString id = m_fx.server().submitJob({{"command", command}});
    return !id.isEmpty() && m_fx.waitForTerminal(id) ? id : QString();
}

// A job with one retry whose first attempt fails (after firstExtra) and whose second succeeds: the
// attempts share a marker file outside their working directories.
QString TestCliLogs::retryingJob(const QString &firstExtra)
{
    static int n = 0;
    const QString marker = m_markers.filePath(QStringLiteral("m%1").arg(++n));
    const QString command = QStringLiteral("if [ -f %1 ]; then echo second; else touch %1; echo first;%2 exit 1; fi")
                                .arg(marker, firstExtra);
    return m_fx.server().submitJob({{"command", command}, {"maxRetries", 1}});
}

void TestCliLogs::initTestCase()
{
    // a fixed port: the server comes back on the same URL after kill -9
    m_port = freePort();
    QVERIFY(m_port > 0);
    QVERIFY2(m_fx.start({"--listen", QStringLiteral("127.0.0.1:%1").arg(m_port)}), m_fx.diag().constData());
    QCOMPARE(m_fx.server().url().port(), int(m_port));
    m_cli = &m_fx.cli();
    // jobs may run as another user (nobody under root): the marker dir is open to them
    QFile::setPermissions(m_markers.path(), QFileDevice::Permissions(0x7777));
    m_mixed = finishedJob("for i in 1 2 3 4 5 6 7 8 9 10; do echo out $i; echo err $i >&2; done");
    m_counted = finishedJob("for i in $(seq 1 20); do echo line $i; done");
    QVERIFY(!m_mixed.isEmpty() && !m_counted.isEmpty());
}

void TestCliLogs::cleanup()
{
    const QStringList violations = m_fx.takeViolations();
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
}

void TestCliLogs::logsInOrderStderrOnStderr()
{
    const CliResult r = m_cli->run({"jobs", "logs", m_mixed});
    QVERIFY2(r.exitCode == 0, r.describe());
    QCOMPARE(r.outLines(), numbered("out", 1, 10));
    QCOMPARE(r.errLines(), numbered("err", 1, 10));
    const CliResult counted = m_cli->run({"jobs", "logs", m_counted.mid(4, 20)}); // a prefix will do
    QVERIFY2(counted.exitCode == 0, counted.describe());
    QCOMPARE(counted.outLines(), numbered("line", 1, 20));
}

void TestCliLogs::tailAndSince()
{
    const CliResult tail = m_cli->run({"jobs", "logs", m_counted, "--tail", "3"});
    QVERIFY2(tail.exitCode == 0, tail.describe());
    QCOMPARE(tail.outLines(), numbered("line", 18, 20));
    const CliResult since = m_cli->run({"jobs", "logs", m_counted, "--since", "15"}); // lines after seq 15
    QVERIFY2(since.exitCode == 0, since.describe());
    QCOMPARE(since.outLines(), numbered("line", 16, 20));
}

void TestCliLogs::streamFilter()
{
    const CliResult err = m_cli->run({"jobs", "logs", m_mixed, "--stream", "stderr"});
    QVERIFY2(err.exitCode == 0, err.describe());
    QVERIFY2(err.out.isEmpty(), err.describe());
    QCOMPARE(err.errLines(), numbered("err", 1, 10));
    const CliResult out = m_cli->run({"jobs", "logs", m_mixed, "--stream", "stdout"});
    QVERIFY2(out.exitCode == 0, out.describe());
    QCOMPARE(out.outLines(), numbered("out", 1, 10));
    QVERIFY2(out.err.isEmpty(), out.describe());
}

void TestCliLogs::timestamps()
{
    const CliResult r = m_cli->run({"jobs", "logs", m_counted, "--timestamps"});
    QVERIFY2(r.exitCode == 0, r.describe());
    const QStringList lines = r.outLines();
    QCOMPARE(lines.size(), 20);
    static const QRegularExpression re(
        "^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:?\\d\\d)?)\\s+(line \\d+)$");
    for (int i = 0; i < lines.size(); ++i) {
        const QRegularExpressionMatch m = re.match(lines.at(i));
        QVERIFY2(m.hasMatch(), qPrintable(lines.at(i)));
        QCOMPARE(m.captured(4), QStringLiteral("line %1").arg(i + 1));
        QVERIFY2(QDateTime::fromString(m.captured(1), Qt::ISODateWithMs).isValid(), qPrintable(lines.at(i)));
    }
}

void TestCliLogs::jsonlFields()
{
    const CliResult r = m_cli->run({"jobs", "logs", m_mixed, "-o", "jsonl"});
    QVERIFY2(r.exitCode == 0, r.describe());
    // one object per line, on stdout, for both streams
    const QStringList lines = r.outLines();
    QCOMPARE(lines.size(), 20);
    qint64 lastSeq = 0;
    QStringList outTexts, errTexts;
    for (const QString &line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
        for (const char *key : {"seq", "ts", "stream", "text", "attempt"})
            QVERIFY2(o.contains(key), qPrintable(line));
        QVERIFY(o.value("seq").toInteger() > lastSeq);
        lastSeq = o.value("seq").toInteger();
        QCOMPARE(o.value("attempt").toInt(), 1);
        (o.value("stream").toString() == "stderr" ? errTexts : outTexts) << o.value("text").toString();
    }
    QCOMPARE(outTexts, numbered("out", 1, 10));
    QCOMPARE(errTexts, numbered("err", 1, 10));
}

void TestCliLogs::attemptFlag()
{
    const QString id = retryingJob({});
    QVERIFY(m_fx.waitForTerminal(id));
    QCOMPARE(m_fx.state(id), QStringLiteral("SUCCEEDED"));
    const CliResult first = m_cli->run({"jobs", "logs", id, "--attempt", "1"});
    QVERIFY2(first.exitCode == 0, first.describe());
    QCOMPARE(first.outLines(), QStringList {"first"});
    const CliResult second = m_cli->run({"jobs", "logs", id, "--attempt", "2"});
    QCOMPARE(second.outLines(), QStringList {"second"});
    const CliResult latest = m_cli->run({"jobs", "logs", id});
    QCOMPARE(latest.outLines(), QStringList {"second"});
}

void TestCliLogs::followEndsByItself()
{
    // a finished job: -f prints everything and returns
    const CliResult done = m_cli->run({"jobs", "logs", "-f", m_counted}, m_fx.direct(CliOptions {{}, {}, {}, 20000}));
    QVERIFY2(done.exitCode == 0 && !done.timedOut, done.describe());
    QCOMPARE(done.outLines(), numbered("line", 1, 20));
    // a running one: -f ends when the job does, whatever its code
    const QString id = m_fx.server().submitJob(
        {{"command", "for i in 1 2 3 4 5; do echo tick $i; sleep 0.2; done; echo bye >&2; exit 9"}});
    QVERIFY(m_fx.waitForState(id, "RUNNING"));
    const CliResult live = m_cli->run({"jobs", "logs", "-f", id}, m_fx.direct(CliOptions {{}, {}, {}, 30000}));
    QVERIFY2(live.exitCode == 0 && !live.timedOut, live.describe()); // logs exits 0, not the job's code
    QCOMPARE(live.outLines(), numbered("tick", 1, 5));
    QVERIFY2(live.errLines().contains("bye"), live.describe());
}

void TestCliLogs::followAcrossAttempts()
{
    const QString id = retryingJob(" sleep 1;");
    const CliResult r = m_cli->run({"jobs", "logs", "-f", id}, m_fx.direct(CliOptions {{}, {}, {}, 45000}));
    QVERIFY2(r.exitCode == 0 && !r.timedOut, r.describe());
    QCOMPARE(r.outLines(), QStringList({"first", "second"}));
    QVERIFY2(r.errLines().contains("-- attempt 2 --"), r.describe());
    QCOMPARE(m_fx.state(id), QStringLiteral("SUCCEEDED"));
    // jobs run follows the same way and exits with the final attempt's code
    const QString marker = m_markers.filePath("run");
    const CliResult run = m_cli->run({"jobs", "run", "--retries", "1", "--command",
                                         QStringLiteral("if [ -f %1 ]; then echo again; exit 0; fi; touch %1; "
                                                        "echo once; sleep 1; exit 1")
                                             .arg(marker)},
        m_fx.direct(CliOptions {{}, {}, {}, 45000}));
    QVERIFY2(run.exitCode == 0, run.describe());
    QCOMPARE(run.outLines(), QStringList({"once", "again"}));
    QVERIFY2(run.errLines().contains("-- attempt 2 --"), run.describe());
}

void TestCliLogs::gapLineAfterTheSizeCap()
{
    CliFixture capped;
    QVERIFY2(capped.start({"--log-max-bytes", "4096"}, 2, CliFixture::Direct), capped.diag().constData());
    const QString id = capped.server().submitJob({{"command", "for i in $(seq 1 3000); do echo line $i; done"}});
    QVERIFY(capped.waitForState(id, "SUCCEEDED"));
    const TestServer::Reply buffer = capped.server().get(QStringLiteral("/v0/jobs/%1/logs").arg(id));
    const qint64 dropped = buffer.json.value("dropped").toInteger();
    QVERIFY2(dropped >= 1000, buffer.describe()); // so the count has a thousands separator

    const QString gap
        = QStringLiteral("-- %1 lines dropped by the log size cap --").arg(QLocale(QLocale::English).toString(dropped));
    for (const QString &follow : {QString(), QStringLiteral("-f")}) {
        QStringList args {"jobs", "logs", id};
        if (!follow.isEmpty())
            args << follow;
        const CliResult r = capped.cli().run(args, capped.direct());
        QVERIFY2(r.exitCode == 0, r.describe());
        QVERIFY2(r.errLines().contains(gap), qPrintable(gap + "\n" + r.describe()));
        // the lines after the gap are the newest ones, up to the last
        const QStringList out = r.outLines();
        QVERIFY(!out.isEmpty());
        QCOMPARE(out.last(), QStringLiteral("line 3000"));
        QCOMPARE(out.size() + dropped, qint64(3000));
        QCOMPARE(out.first(), QStringLiteral("line %1").arg(dropped + 1));
    }
    const CliResult jsonl = capped.cli().run({"jobs", "logs", id, "-o", "jsonl"}, capped.direct());
    QVERIFY2(jsonl.exitCode == 0, jsonl.describe());
    const QJsonObject first = QJsonDocument::fromJson(jsonl.outLines().value(0).toUtf8()).object();
    QCOMPARE(first, QJsonObject({{"dropped", dropped}, {"attempt", 1}}));
}

void TestCliLogs::runOnATtyShowsStateLines()
{
    const CliResult tty = m_cli->runOnTty({"jobs", "run", "--", "echo", "hi"}, m_fx.direct());
    QVERIFY2(tty.exitCode == 0, tty.describe());
    const QString text = QString::fromUtf8(tty.out).remove('\r').remove(QRegularExpression("\x1b\\[[0-9;]*m"));
    const QRegularExpressionMatch queued = QRegularExpression("(job_[0-9a-z]{26}) QUEUED").match(text);
    QVERIFY2(queued.hasMatch(), tty.describe());
    const QRegularExpressionMatch done
        = QRegularExpression("(job_[0-9a-z]{26}) SUCCEEDED in [0-9.]+m?s \\(exit 0\\)").match(text);
    QVERIFY2(done.hasMatch() && done.captured(1) == queued.captured(1), tty.describe());
    QVERIFY2(
        queued.capturedStart() < text.indexOf("hi\n") && text.indexOf("hi\n") < done.capturedStart(), tty.describe());
    // not on a tty: the job's own output only
    const CliResult pipe = m_cli->run({"jobs", "run", "--", "echo", "hi"}, m_fx.direct());
    QVERIFY2(pipe.exitCode == 0 && pipe.outLines() == QStringList {"hi"} && pipe.err.isEmpty(), pipe.describe());
}

void TestCliLogs::listWatchRepeats()
{
    // not on a tty: plain tables, one after another
    auto watch = m_cli->start({"jobs", "list", "--watch"}, m_fx.direct());
    QTRY_VERIFY2_WITH_TIMEOUT(watch->out().count("ID ") >= 2, watch->result().describe(), 15000);
    QVERIFY(watch->isRunning());
    QVERIFY2(!watch->out().contains("\x1b["), watch->result().describe());
    watch->interrupt();
    QVERIFY2(watch->waitForFinished(10000), watch->result().describe());
}

void TestCliLogs::ctrlCLeavesTheJobRunning()
{
    // the job prints its own id first (the agent sets TANVRIT_JOB_ID)
    auto run = m_cli->start({"jobs", "run", "--", "sh", "-c", "echo $TANVRIT_JOB_ID; sleep 30"}, m_fx.direct());
    QVERIFY2(run->waitForOut("\n", 30000), run->result().describe());
    const QString id = QString::fromUtf8(run->out()).trimmed();
    QVERIFY2(CliFixture::looksLikeJobId(id), run->result().describe());
    QVERIFY(run->catchesInterrupt());
    run->interrupt();
    QVERIFY2(run->waitForFinished(10000), run->result().describe());
    QVERIFY2(run->result().exitCode == 130, run->result().describe());
    QCOMPARE(m_fx.state(id), QStringLiteral("RUNNING"));
    // the same while waiting, and while following with jobs logs -f
    for (const QStringList &args : {QStringList {"jobs", "wait", id}, QStringList {"jobs", "logs", "-f", id}}) {
        auto waiter = m_cli->start(args, m_fx.direct());
        QTRY_VERIFY_WITH_TIMEOUT(waiter->catchesInterrupt(), 10000);
        waiter->interrupt();
        QVERIFY2(waiter->waitForFinished(10000), waiter->result().describe());
        QVERIFY2(waiter->result().exitCode == 130, qPrintable(args.join(' ') + '\n' + waiter->result().describe()));
        QCOMPARE(m_fx.state(id), QStringLiteral("RUNNING"));
    }
    m_fx.server().request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
}

void TestCliLogs::ctrlCWithCancelOnInterrupt()
{
    auto run = m_cli->start(
        {"jobs", "run", "--cancel-on-interrupt", "--", "sh", "-c", "echo $TANVRIT_JOB_ID; sleep 30"}, m_fx.direct());
    QVERIFY2(run->waitForOut("\n", 30000), run->result().describe());
    const QString id = QString::fromUtf8(run->out()).trimmed();
    QVERIFY2(CliFixture::looksLikeJobId(id), run->result().describe());
    run->interrupt();
    QVERIFY2(run->waitForFinished(20000), run->result().describe());
    // interrupted is 130 whether or not the job is cancelled (the spec's table)
    QVERIFY2(run->result().exitCode == 130, run->result().describe());
    QVERIFY(m_fx.waitForState(id, "CANCELLED"));
}

void TestCliLogs::followAcrossKill9OfTheServer()
{
    const QString script = "for i in $(seq 1 40); do echo n $i; sleep 0.1; done";
    const QString id = m_fx.server().submitJob({{"command", script}, {"timeoutSeconds", 120}});
    QVERIFY(!id.isEmpty());
    auto follow = m_cli->start({"jobs", "logs", "-f", id}, m_fx.direct());
    // `jobs run` follows its own job the same way and exits with its code
    auto run = m_cli->start({"jobs", "run", "--command", script + "; exit 3"}, m_fx.direct());
    QVERIFY2(follow->waitForOut("n 5\n", 30000), follow->result().describe());
    QVERIFY2(run->waitForOut("n 5\n", 30000), run->result().describe());
    m_fx.server().kill9();
    QVERIFY2(m_fx.server().restart(), m_fx.diag().constData());
    QCOMPARE(m_fx.server().url().port(), int(m_port));
    QVERIFY2(follow->waitForFinished(60000), qPrintable(follow->result().describe() + m_fx.diag()));
    const CliResult r = follow->result();
    QVERIFY2(r.exitCode == 0, r.describe());
    QCOMPARE(r.outLines(), numbered("n", 1, 40)); // every line once, in order
    QCOMPARE(m_fx.state(id), QStringLiteral("SUCCEEDED"));
    QVERIFY2(run->waitForFinished(60000), qPrintable(run->result().describe() + m_fx.diag()));
    QVERIFY2(run->result().exitCode == 3, run->result().describe());
    QCOMPARE(run->result().outLines(), numbered("n", 1, 40));
}

QTEST_GUILESS_MAIN(TestCliLogs)
#include "tst_clilogs.moc"

// `tanvrit-compute jobs …` against a real server and agent: run (detach, follow, flags), list and its
// output forms, get by id and prefix, wait's exit codes, cancel and retry (cli-spec.md, Commands/Ids).
#include "CliSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>

class TestCliJobs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void runDetachPrintsOnlyTheId();
    void runDetachJsonIsTheSubmitAnswer();
    void runFollowsAndExitsWithTheJobsCode();
    void runCommandString();
    void runTimedOutJobExits124();
    void submitFlagsLandInTheJob();
    void timeoutForms_data();
    void timeoutForms();
    void idempotencyKeyReturnsTheSameJob();
    void listTable();
    void listOutputForms();
    void listFilters();
    void listAllWalksEveryPage();
    void listCutsToColumns_data();
    void listCutsToColumns();
    void colourOnlyOnATty();
    void getByIdAndPrefix();
    void getAmbiguousPrefixListsMatches();
    void getUnknownIdIsNotFound();
    void waitExitCodes_data();
    void waitExitCodes();
    void waitCancelledExits125();
    void waitClientTimeoutExits73();
    void waitJsonPrintsTheJob();
    void cancelRunningJob();
    void cancelSucceededJobIsAConflict();
    void retryFailedJob();

private:
    QString runDetached(const QStringList &flags, const QStringList &argv = {QStringLiteral("true")});
    QString finishedJob(const QString &command);

    CliFixture m_fx;
    CliRunner *m_cli = nullptr;
};

QString TestCliJobs::runDetached(const QStringList &flags, const QStringList &argv)
{
    QStringList args = QStringList {"jobs", "run", "--detach"} + flags;
    if (!argv.isEmpty())
        args += QStringList {"--"} + argv;
    const CliResult r = m_cli->run(args);
    if (r.exitCode != 0 || r.outLines().size() != 1) {
        qWarning().noquote() << "jobs run --detach failed:" << r.describe();
        return {};
    }
    return r.outLines().first().trimmed();
}

QString TestCliJobs::finishedJob(const QString &command)
{
    const QString id = m_fx.server().submitJob({{"command", command}});
    return !id.isEmpty() && m_fx.waitForTerminal(id) ? id : QString();
}

void TestCliJobs::initTestCase()
{
    QVERIFY2(m_fx.start(), m_fx.diag().constData());
    m_cli = &m_fx.cli();
}

void TestCliJobs::cleanup()
{
    const QStringList violations = m_fx.takeViolations();
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
}

void TestCliJobs::runDetachPrintsOnlyTheId()
{
    const CliResult r = m_cli->run({"jobs", "run", "--detach", "--", "echo", "hi"});
    QVERIFY2(r.exitCode == 0, r.describe());
    QCOMPARE(r.outLines().size(), 1);
    const QString id = r.outLines().first();
    QVERIFY2(CliFixture::looksLikeJobId(id), r.describe());
    QVERIFY(m_fx.waitForState(id, "SUCCEEDED"));
    QCOMPARE(m_fx.job(id).value("argv").toArray(), QJsonArray({"echo", "hi"}));
    // -d is the short form
    const CliResult shortForm = m_cli->run({"jobs", "run", "-d", "--", "true"});
    QVERIFY2(shortForm.exitCode == 0 && CliFixture::looksLikeJobId(shortForm.out.trimmed()), shortForm.describe());
}

void TestCliJobs::runDetachJsonIsTheSubmitAnswer()
{
    const CliResult r = m_cli->run({"jobs", "run", "--detach", "-o", "json", "--", "true"});
    QVERIFY2(r.exitCode == 0, r.describe());
    const QJsonObject o = r.json().object();
    QVERIFY2(CliFixture::looksLikeJobId(o.value("id").toString()), r.describe());
    QCOMPARE(o.value("state").toString(), QStringLiteral("QUEUED"));
    QVERIFY2(!o.value("createdAt").toString().isEmpty(), r.describe());
}

void TestCliJobs::runFollowsAndExitsWithTheJobsCode()
{
    const CliResult r = m_cli->run({"jobs", "run", "--", "sh", "-c", "echo out; echo err >&2; exit 3"}, m_fx.direct());
    QVERIFY2(r.exitCode == 3, r.describe());
    QVERIFY2(r.outLines().contains("out"), r.describe());
    QVERIFY2(!r.outLines().contains("err"), r.describe());
    QVERIFY2(r.errLines().contains("err"), r.describe());
    QVERIFY2(!r.errLines().contains("out"), r.describe());
    // --follow may be given explicitly; success exits 0
    const CliResult ok = m_cli->run({"jobs", "run", "--follow", "--", "echo", "fine"}, m_fx.direct());
    QVERIFY2(ok.exitCode == 0, ok.describe());
    QCOMPARE(ok.outLines(), QStringList {"fine"});
}

void TestCliJobs::runCommandString()
{
    const CliResult r = m_cli->run({"jobs", "run", "--command", "echo a && echo b; exit 4"}, m_fx.direct());
    QVERIFY2(r.exitCode == 4, r.describe());
    QCOMPARE(r.outLines(), QStringList({"a", "b"}));
    const QString id = runDetached({"--command", "echo a | tr a b"}, {});
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_fx.job(id).value("command").toString(), QStringLiteral("echo a | tr a b"));
}

void TestCliJobs::runTimedOutJobExits124()
{
    const CliResult r = m_cli->run({"jobs", "run", "--timeout", "1", "--", "sleep", "30"}, m_fx.direct());
    QVERIFY2(r.exitCode == 124, r.describe());
}

void TestCliJobs::submitFlagsLandInTheJob()
{
    // labels no agent carries and a GPU this agent lacks keep it QUEUED: only the stored fields matter
    const QString id = runDetached({"--env", "A=1", "--env", "B=two words", "--secret", "B", "--label", "team=cli",
        "--label", "zone=nowhere", "--cpu", "2", "--mem", "4", "--gpus", "1", "--priority", "7", "--retries", "2",
        "--timeout", "90", "--workdir", "/tmp", "--artifact", "out/*.txt"});
    QVERIFY(!id.isEmpty());
    const CliResult r = m_cli->run({"jobs", "get", id, "-o", "json"});
    QVERIFY2(r.exitCode == 0, r.describe());
    const QJsonObject job = r.json().object();
    QCOMPARE(job.value("id").toString(), id);
    // B is marked secret: answers show it masked (the job itself gets the value)
    QCOMPARE(job.value("env").toObject(), QJsonObject({{"A", "1"}, {"B", "***"}}));
    QCOMPARE(job.value("secrets").toArray(), QJsonArray({"B"}));
    QCOMPARE(job.value("labels").toObject(), QJsonObject({{"team", "cli"}, {"zone", "nowhere"}}));
    const QJsonObject res = job.value("resources").toObject();
    QCOMPARE(res.value("cpu").toDouble(), 2.0);
    QCOMPARE(res.value("memGib").toDouble(), 4.0);
    QCOMPARE(res.value("gpus").toInt(), 1);
    QCOMPARE(job.value("priority").toInt(), 7);
    QCOMPARE(job.value("maxRetries").toInt(), 2);
    QCOMPARE(job.value("timeoutSeconds").toInt(), 90);
    QCOMPARE(job.value("workingDir").toString(), QStringLiteral("/tmp"));
    QCOMPARE(job.value("argv").toArray(), QJsonArray({"true"}));
    // the API's own field names, as the API gives them
    QCOMPARE(m_fx.job(id), job);
    QVERIFY(m_cli->run({"jobs", "cancel", id}).exitCode == 0);
}

void TestCliJobs::timeoutForms_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<int>("seconds");
    QTest::newRow("bare") << "90" << 90;
    QTest::newRow("s") << "90s" << 90;
    QTest::newRow("m") << "5m" << 300;
    QTest::newRow("h") << "2h" << 7200;
}

void TestCliJobs::timeoutForms()
{
    QFETCH(QString, flag);
    QFETCH(int, seconds);
    const QString id = runDetached({"--timeout", flag});
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_fx.job(id).value("timeoutSeconds").toInt(), seconds);
}

void TestCliJobs::idempotencyKeyReturnsTheSameJob()
{
    const QString key = QStringLiteral("cli-idem-%1").arg(QDateTime::currentMSecsSinceEpoch());
    const QString first = runDetached({"--idempotency-key", key});
    const QString second = runDetached({"--idempotency-key", key});
    QVERIFY(!first.isEmpty());
    QCOMPARE(second, first);
    const QString other = runDetached({"--idempotency-key", key + "-2"});
    QVERIFY(!other.isEmpty() && other != first);
}

void TestCliJobs::listTable()
{
    const QString id = finishedJob("echo listed");
    QVERIFY(!id.isEmpty());
    const CliResult r = m_cli->run({"jobs", "list"});
    QVERIFY2(r.exitCode == 0, r.describe());
    const QStringList lines = r.outLines();
    QVERIFY2(lines.size() >= 2, r.describe());
    const QStringList header = lines.first().split(QRegularExpression("\\s+"), Qt::SkipEmptyParts);
    QCOMPARE(header, QStringList({"ID", "STATE", "TYPE", "COMMAND", "AGENT", "GPUS", "CREATED", "RUNTIME", "EXIT"}));
    const QStringList row = lines.filter(id);
    QCOMPARE(row.size(), 1);
    QVERIFY2(row.first().contains("SUCCEEDED"), qPrintable(row.first()));
    QVERIFY2(row.first().contains(" ago"), qPrintable(row.first())); // relative times

    const CliResult wide = m_cli->run({"jobs", "list", "-o", "wide"});
    QVERIFY2(wide.exitCode == 0, wide.describe());
    const QStringList wideHeader = wide.outLines().first().split(QRegularExpression("\\s+"), Qt::SkipEmptyParts);
    for (const char *col : {"ID", "STATE", "ATTEMPT", "PRIORITY", "LABELS", "SUBMITTED-BY"})
        QVERIFY2(wideHeader.contains(col), qPrintable(wide.outLines().first()));
}

void TestCliJobs::listOutputForms()
{
    QVERIFY(!finishedJob("echo forms").isEmpty());
    const CliResult json = m_cli->run({"jobs", "list", "-o", "json"});
    QVERIFY2(json.exitCode == 0, json.describe());
    const QJsonObject page = json.json().object();
    QVERIFY2(page.value("jobs").isArray() && page.contains("nextCursor"), json.describe());
    const QJsonArray jobs = page.value("jobs").toArray();
    QVERIFY(!jobs.isEmpty());
    QStringList idsJson;
    for (const QJsonValue &v : jobs)
        idsJson << v.toObject().value("id").toString();

    const CliResult jsonl = m_cli->run({"jobs", "list", "-o", "jsonl"});
    QVERIFY2(jsonl.exitCode == 0, jsonl.describe());
    QStringList idsJsonl;
    for (const QString &line : jsonl.outLines()) {
        QJsonParseError err;
        const QJsonDocument d = QJsonDocument::fromJson(line.toUtf8(), &err);
        QVERIFY2(err.error == QJsonParseError::NoError && d.isObject(), qPrintable(line));
        idsJsonl << d.object().value("id").toString();
    }
    QCOMPARE(idsJsonl, idsJson);

    const CliResult names = m_cli->run({"jobs", "list", "-o", "name"});
    QVERIFY2(names.exitCode == 0, names.describe());
    QCOMPARE(names.outLines(), idsJson);
    // newest first
    QStringList sorted = idsJson;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    QCOMPARE(idsJson, sorted);
}

void TestCliJobs::listFilters()
{
    const QString tag = QStringLiteral("f%1").arg(QDateTime::currentMSecsSinceEpoch());
    const QString failed = m_fx.server().submitJob({{"command", "exit 2"}});
    // a time strictly after the failed job's creation and before the labelled ones'
    const QDateTime failedAt = QDateTime::fromString(m_fx.job(failed).value("createdAt").toString(), Qt::ISODateWithMs);
    QTRY_VERIFY(QDateTime::currentDateTimeUtc() > failedAt.addMSecs(2));
    const QString before = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    QStringList labelled;
    for (int i = 0; i < 3; ++i)
        labelled << m_fx.server().submitJob({{"command", "true"}, {"labels", QJsonObject {{"batch", tag}}}});
    QVERIFY(m_fx.waitForTerminal(failed));

    const CliResult byState = m_cli->run({"jobs", "list", "--state", "FAILED", "-o", "json"});
    QVERIFY2(byState.exitCode == 0, byState.describe());
    const QJsonArray failedJobs = byState.json().object().value("jobs").toArray();
    QVERIFY(!failedJobs.isEmpty());
    bool sawIt = false;
    for (const QJsonValue &v : failedJobs) {
        QCOMPARE(v.toObject().value("state").toString(), QStringLiteral("FAILED"));
        sawIt = sawIt || v.toObject().value("id").toString() == failed;
    }
    QVERIFY(sawIt);

    const CliResult byLabel = m_cli->run({"jobs", "list", "--label", "batch=" + tag, "-o", "name"});
    QVERIFY2(byLabel.exitCode == 0, byLabel.describe());
    QStringList expected = labelled;
    std::sort(expected.begin(), expected.end(), std::greater<>());
    QCOMPARE(byLabel.outLines(), expected);

    const CliResult limited = m_cli->run({"jobs", "list", "--label", "batch=" + tag, "--limit", "2", "-o", "name"});
    QVERIFY2(limited.exitCode == 0, limited.describe());
    QCOMPARE(limited.outLines(), expected.mid(0, 2));
    // --since / --until: created at or after, before
    const CliResult since = m_cli->run({"jobs", "list", "--since", before, "-o", "name"});
    QVERIFY2(since.exitCode == 0 && since.outLines() == expected, since.describe());
    const CliResult until = m_cli->run({"jobs", "list", "--until", before, "-o", "name"});
    QVERIFY2(until.exitCode == 0 && until.outLines().contains(failed), until.describe());
    for (const QString &id : labelled)
        QVERIFY2(!until.outLines().contains(id), until.describe());
    // labelled jobs no agent carries stay QUEUED; cancel them so they do not linger
    for (const QString &id : labelled)
        m_fx.server().request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
}

void TestCliJobs::listAllWalksEveryPage()
{
    // more jobs than one page (the server's default page is 50)
    const QString tag = QStringLiteral("all%1").arg(QDateTime::currentMSecsSinceEpoch());
    QList<QByteArray> bodies;
    for (int i = 0; i < 60; ++i)
        bodies << QJsonDocument(QJsonObject {{"command", "true"}, {"labels", QJsonObject {{"page", tag}}}})
                      .toJson(QJsonDocument::Compact);
    QSet<QString> submitted;
    for (const TestServer::Reply &r : m_fx.server().requestParallel("POST", "/v0/jobs", bodies))
        submitted.insert(r.json.value("id").toString());
    QCOMPARE(submitted.size(), 60);

    const CliResult onePage = m_cli->run({"jobs", "list", "--label", "page=" + tag, "-o", "name"});
    QVERIFY2(onePage.exitCode == 0, onePage.describe());
    QVERIFY2(onePage.outLines().size() < 60, onePage.describe());
    const CliResult all = m_cli->run({"jobs", "list", "--label", "page=" + tag, "--all", "-o", "name"});
    QVERIFY2(all.exitCode == 0, all.describe());
    QCOMPARE(all.outLines().size(), 60);
    const QStringList allIds = all.outLines();
    QCOMPARE(QSet<QString>(allIds.cbegin(), allIds.cend()), submitted);
    for (const QString &id : submitted)
        m_fx.server().request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
}

void TestCliJobs::listCutsToColumns_data()
{
    QTest::addColumn<int>("columns");
    QTest::newRow("100") << 100;
    QTest::newRow("80, a common terminal") << 80;
}

void TestCliJobs::listCutsToColumns()
{
    QFETCH(int, columns);
    const QString longCommand
        = "echo 'a long command line that will not fit in the table at all, not even on a wide one'";
    QVERIFY(!finishedJob(longCommand).isEmpty());
    CliOptions narrow;
    narrow.env.insert("COLUMNS", QString::number(columns));
    const CliResult r = m_cli->run({"jobs", "list"}, narrow);
    QVERIFY2(r.exitCode == 0, r.describe());
    for (const QString &line : r.outLines())
        QVERIFY2(line.size() <= columns, qPrintable(QStringLiteral("%1 > %2: ").arg(line.size()).arg(columns) + line));
    QVERIFY2(r.out.contains("…"), r.describe());
    // not a tty and no COLUMNS: nothing cut
    const CliResult uncut = m_cli->run({"jobs", "list"});
    QVERIFY2(uncut.out.contains(longCommand.toUtf8()), uncut.describe());
}

void TestCliJobs::colourOnlyOnATty()
{
    QVERIFY(!finishedJob("true").isEmpty());
    QVERIFY(!finishedJob("exit 1").isEmpty());
    const QByteArray esc = "\x1b[";
    const CliResult tty = m_cli->runOnTty({"jobs", "list", "--state", "SUCCEEDED"});
    QVERIFY2(tty.exitCode == 0, tty.describe());
    // SUCCEEDED in green, FAILED in red
    QVERIFY2(QRegularExpression("\\x1b\\[(\\d+;)*32(;\\d+)*mSUCCEEDED").match(QString::fromUtf8(tty.out)).hasMatch(),
        tty.describe());
    const CliResult failed = m_cli->runOnTty({"jobs", "list", "--state", "FAILED"});
    QVERIFY2(QRegularExpression("\\x1b\\[(\\d+;)*31(;\\d+)*mFAILED").match(QString::fromUtf8(failed.out)).hasMatch(),
        failed.describe());
    CliOptions noColor;
    noColor.env.insert("NO_COLOR", "1");
    const CliResult envOff = m_cli->runOnTty({"jobs", "list", "--state", "SUCCEEDED"}, noColor);
    QVERIFY2(envOff.exitCode == 0 && envOff.out.contains("SUCCEEDED") && !envOff.out.contains(esc), envOff.describe());
    const CliResult flagOff = m_cli->runOnTty({"jobs", "list", "--state", "SUCCEEDED", "--no-color"});
    QVERIFY2(
        flagOff.exitCode == 0 && flagOff.out.contains("SUCCEEDED") && !flagOff.out.contains(esc), flagOff.describe());
    const CliResult pipe = m_cli->run({"jobs", "list", "--state", "SUCCEEDED"});
    QVERIFY2(pipe.exitCode == 0 && !pipe.out.contains(esc), pipe.describe());
}

void TestCliJobs::getByIdAndPrefix()
{
    const QString id = finishedJob("echo got");
    QVERIFY(!id.isEmpty());
    const QString ulid = id.mid(4);
    for (const QString &arg : {id, id.left(4 + 20), ulid.left(20)}) {
        const CliResult r = m_cli->run({"jobs", "get", arg, "-o", "json"});
        QVERIFY2(r.exitCode == 0, qPrintable(arg + "\n" + r.describe()));
        QCOMPARE(r.json().object().value("id").toString(), id);
    }
    const CliResult human = m_cli->run({"jobs", "get", ulid.left(20)});
    QVERIFY2(human.exitCode == 0, human.describe());
    QVERIFY2(human.out.contains(id.toUtf8()) && human.out.contains("SUCCEEDED"), human.describe());
    // the history table
    bool historyHeader = false;
    for (const QString &line : human.outLines()) {
        const QStringList words = line.split(QRegularExpression("\\s+"), Qt::SkipEmptyParts);
        historyHeader = historyHeader || words == QStringList({"STATE", "AT", "ACTOR", "REASON", "ATTEMPT"});
    }
    QVERIFY2(historyHeader, human.describe());

    // a job no agent can take says why
    const QString stuck = runDetached({"--label", "zone=nowhere"});
    QTRY_VERIFY_WITH_TIMEOUT(!m_fx.job(stuck).value("pendingReason").toString().isEmpty(), 15000);
    const CliResult pending = m_cli->run({"jobs", "get", stuck});
    QVERIFY2(pending.out.contains(m_fx.job(stuck).value("pendingReason").toString().toUtf8()), pending.describe());
    m_cli->run({"jobs", "cancel", stuck});
}

void TestCliJobs::getAmbiguousPrefixListsMatches()
{
    // ULIDs start with the time: jobs submitted now share their first characters
    QStringList ids;
    for (int i = 0; i < 3; ++i)
        ids << runDetached({});
    QVERIFY(!ids.contains(QString()));
    const QString prefix = ids.first().mid(4, 2);
    QVERIFY(ids.at(1).mid(4, 2) == prefix && ids.at(2).mid(4, 2) == prefix);
    for (const QString &arg : {prefix, "job_" + prefix}) {
        const CliResult r = m_cli->run({"jobs", "get", arg});
        QVERIFY2(r.exitCode == 66, r.describe());
        QVERIFY2(r.err.contains(QStringLiteral("ambiguous id \"%1\"").arg(arg).toUtf8()), r.describe());
        static const QRegularExpression idRe("job_[0-9a-z]{26}");
        QSet<QString> listed;
        for (auto it = idRe.globalMatch(QString::fromUtf8(r.err)); it.hasNext();)
            listed.insert(it.next().captured());
        QVERIFY2(listed.size() >= 2 && listed.size() <= 10, r.describe());
        QVERIFY2(r.out.isEmpty(), r.describe());
    }
}

void TestCliJobs::getUnknownIdIsNotFound()
{
    const CliResult full = m_cli->run({"jobs", "get", "job_7zzzzzzzzzzzzzzzzzzzzzzzzz"});
    QVERIFY2(full.exitCode == 66, full.describe());
    QVERIFY2(full.errLines().size() == 1 && full.err.startsWith("error: not_found: "), full.describe());
    const CliResult prefix = m_cli->run({"jobs", "get", "7zzz"});
    QVERIFY2(prefix.exitCode == 66, prefix.describe());
    QVERIFY2(prefix.err.contains("not_found: no job matches \"7zzz\""), prefix.describe());
}

void TestCliJobs::waitExitCodes_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("finalState");
    QTest::newRow("succeeded") << QStringList {} << "true" << 0 << "SUCCEEDED";
    QTest::newRow("failed 7") << QStringList {} << "exit 7" << 7 << "FAILED";
    QTest::newRow("timed out") << QStringList {"--timeout", "1"} << "sleep 30" << 124 << "TIMED_OUT";
}

void TestCliJobs::waitExitCodes()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, command);
    QFETCH(int, exitCode);
    QFETCH(QString, finalState);
    const QString id = runDetached(flags + QStringList {"--command", command}, {});
    QVERIFY(!id.isEmpty());
    const CliResult r = m_cli->run({"jobs", "wait", id}, m_fx.direct());
    QVERIFY2(r.exitCode == exitCode, r.describe());
    // the final state line (stdout or stderr: the spec does not say which)
    QVERIFY2((r.out + r.err).contains(QStringLiteral("%1 %2").arg(id, finalState).toUtf8()), r.describe());
    QCOMPARE(m_fx.state(id), finalState);
}

void TestCliJobs::waitCancelledExits125()
{
    const QString id = runDetached({}, {"sleep", "30"});
    QVERIFY(m_fx.waitForState(id, "RUNNING"));
    auto waiter = m_cli->start({"jobs", "wait", id}, m_fx.direct());
    QVERIFY(m_fx.server().request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id)).status == 200);
    QVERIFY(waiter->waitForFinished(30000));
    QVERIFY2(waiter->result().exitCode == 125, waiter->result().describe());
}

void TestCliJobs::waitClientTimeoutExits73()
{
    const QString id = runDetached({}, {"sleep", "30"});
    QVERIFY(!id.isEmpty());
    QElapsedTimer t;
    t.start();
    const CliResult r = m_cli->run({"jobs", "wait", id, "--timeout", "1"}, m_fx.direct());
    QVERIFY2(r.exitCode == 73, r.describe());
    QVERIFY2(t.elapsed() < 15000, r.describe());
    QVERIFY(!CliFixture::isTerminal(m_fx.state(id))); // the job was only waited on
    m_fx.server().request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(id));
}

void TestCliJobs::waitJsonPrintsTheJob()
{
    const QString id = finishedJob("exit 5");
    const CliResult r = m_cli->run({"jobs", "wait", id, "-o", "json"}, m_fx.direct());
    QVERIFY2(r.exitCode == 5, r.describe());
    const QJsonObject job = r.json().object();
    QCOMPARE(job.value("id").toString(), id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("FAILED"));
    QCOMPARE(job.value("exitCode").toInt(), 5);
}

void TestCliJobs::cancelRunningJob()
{
    const QString id = runDetached({}, {"sleep", "30"});
    QVERIFY(m_fx.waitForState(id, "RUNNING"));
    const CliResult r = m_cli->run({"jobs", "cancel", id, "--reason", "not needed"});
    QVERIFY2(r.exitCode == 0, r.describe());
    QVERIFY2(r.out.contains(QStringLiteral("%1 CANCELLING").arg(id).toUtf8()), r.describe());
    QVERIFY(m_fx.waitForState(id, "CANCELLED"));
    bool reasonKept = false;
    for (const QJsonValue &h : m_fx.job(id).value("history").toArray())
        reasonKept = reasonKept || h.toObject().value("reason").toString().contains("not needed");
    QVERIFY(reasonKept);
    // several at once (QUEUED ones are CANCELLED at once); -o json prints the job
    const QString a = runDetached({"--label", "nowhere=x"});
    const QString b = runDetached({"--label", "nowhere=x"});
    const CliResult two = m_cli->run({"jobs", "cancel", a, b});
    QVERIFY2(two.exitCode == 0 && two.out.contains(a.toUtf8()) && two.out.contains(b.toUtf8()), two.describe());
    QCOMPARE(m_fx.state(a), QStringLiteral("CANCELLED"));
    QCOMPARE(m_fx.state(b), QStringLiteral("CANCELLED"));
    const QString c = runDetached({"--label", "nowhere=x"});
    const CliResult json = m_cli->run({"jobs", "cancel", c, "-o", "json"});
    QVERIFY2(json.exitCode == 0, json.describe());
    QCOMPARE(json.json().object().value("id").toString(), c);
}

void TestCliJobs::cancelSucceededJobIsAConflict()
{
    const QString id = finishedJob("true");
    const CliResult r = m_cli->run({"jobs", "cancel", id});
    QVERIFY2(r.exitCode == 69, r.describe());
    QVERIFY2(r.errLines().size() == 1 && r.err.startsWith("error: conflict: "), r.describe());
    QCOMPARE(m_fx.state(id), QStringLiteral("SUCCEEDED"));
    const CliResult retry = m_cli->run({"jobs", "retry", id});
    QVERIFY2(retry.exitCode == 69, retry.describe());
}

void TestCliJobs::retryFailedJob()
{
    const QString id = finishedJob("exit 1");
    QCOMPARE(m_fx.state(id), QStringLiteral("FAILED"));
    const CliResult r = m_cli->run({"jobs", "retry", id.mid(4, 22)});
    QVERIFY2(r.exitCode == 0, r.describe());
    QVERIFY2(r.out.contains(id.toUtf8()), r.describe());
    QVERIFY(m_fx.waitForTerminal(id));
    QCOMPARE(m_fx.job(id).value("attempt").toInt(), 2);
}

QTEST_GUILESS_MAIN(TestCliJobs)
#include "tst_clijobs.moc"

// `tanvrit-compute schedules …` against a real server: create (argv, --command, --file), list, get with the
// next runs, preview, update, pause and resume, runs, delete, -o json, and the exit codes of refusals.
#include "CliSupport.h"
#include "TestTeam.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <QtTest>

class TestCliSchedules : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void createListGetUpdateDelete();
    void previewAndRefusals();
    void memberIsRefused();

private:
    static QStringList words(const QString &line) { return line.split(QRegularExpression("\\s+"), Qt::SkipEmptyParts); }

    CliFixture m_fx;
    CliRunner *m_cli = nullptr;
};

void TestCliSchedules::initTestCase()
{
    QVERIFY2(m_fx.start({}, 2), m_fx.diag().constData());
    m_cli = &m_fx.cli();
}

void TestCliSchedules::cleanup()
{
    const QStringList violations = m_fx.takeViolations();
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
}

void TestCliSchedules::createListGetUpdateDelete()
{
    const CliResult created = m_cli->run({"schedules", "create", "nightly", "--cron", "0 3 * * *", "--tz",
        "Europe/Berlin", "--concurrency", "forbid", "--catch-up", "skip", "-o", "json", "--", "sh", "-c", "echo hi"});
    QVERIFY2(created.exitCode == 0, created.describe());
    const QJsonObject s = created.json().object();
    const QString id = s.value("id").toString();
    QVERIFY(id.startsWith("sch_"));
    QCOMPARE(s.value("jobTemplate").toObject().value("argv").toArray().size(), 3);
    QCOMPARE(s.value("concurrencyPolicy").toString(), QStringLiteral("forbid"));
    QCOMPARE(s.value("catchUp").toString(), QStringLiteral("skip"));
    QCOMPARE(s.value("nextRuns").toArray().size(), 5);

    const CliResult viaCommand = m_cli->run(
        {"schedules", "create", "poll", "--cron", "*/5 * * * *", "--command", "true", "--timeout", "2m", "-o", "name"});
    QVERIFY2(viaCommand.exitCode == 0 && viaCommand.out.trimmed().startsWith("sch_"), viaCommand.describe());
    QTemporaryFile file;
    QVERIFY(file.open());
    file.write(R"({"argv":["true"],"labels":{"team":"ops"}})");
    file.flush();
    const CliResult viaFile = m_cli->run(
        {"schedules", "create", "from-file", "--cron", "@hourly", "--file", file.fileName(), "-o", "json"});
    QVERIFY2(viaFile.exitCode == 0, viaFile.describe());
    QCOMPARE(
        viaFile.json().object().value("jobTemplate").toObject().value("labels").toObject().value("team").toString(),
        QStringLiteral("ops"));

    const CliResult list = m_cli->run({"schedules", "list"});
    QVERIFY2(list.exitCode == 0, list.describe());
    QCOMPARE(
        words(list.outLines().value(0)), QStringList({"ID", "NAME", "CRON", "ZONE", "NEXT-RUN", "LAST-RUN", "PAUSED"}));
    QVERIFY2(list.outLines().filter(id).size() == 1 && list.outLines().filter(id).first().contains("Europe/Berlin"),
        list.describe());
    const CliResult listJson = m_cli->run({"schedules", "list", "-o", "json"});
    QVERIFY(listJson.json().object().value("schedules").toArray().size() >= 3);

    const CliResult got = m_cli->run({"schedules", "get", id});
    QVERIFY2(got.exitCode == 0 && got.out.contains("next runs:") && got.out.contains("0 3 * * *"), got.describe());
    QCOMPARE(got.outLines().filter(QRegularExpression("^  20\\d\\d-")).size(), 5);

    const CliResult updated
        = m_cli->run({"schedules", "update", id, "--cron", "30 4 * * *", "--name", "later", "-o", "json"});
    QVERIFY2(updated.exitCode == 0, updated.describe());
    QCOMPARE(updated.json().object().value("cron").toString(), QStringLiteral("30 4 * * *"));
    QCOMPARE(updated.json().object().value("name").toString(), QStringLiteral("later"));
    QCOMPARE(updated.json().object().value("timeZone").toString(), QStringLiteral("Europe/Berlin"));

    const CliResult paused = m_cli->run({"schedules", "pause", id});
    QVERIFY2(paused.exitCode == 0 && paused.out.contains("paused"), paused.describe());
    QVERIFY(m_cli->run({"schedules", "get", id, "-o", "json"}).json().object().value("paused").toBool());
    const CliResult resumed = m_cli->run({"schedules", "resume", id, "-o", "json"});
    QVERIFY2(resumed.exitCode == 0 && !resumed.json().object().value("paused").toBool(), resumed.describe());

    const CliResult runs = m_cli->run({"schedules", "runs", id});
    QVERIFY2(runs.exitCode == 0, runs.describe());
    QCOMPARE(words(runs.outLines().value(0)), QStringList({"ID", "STATE", "SLOT", "CREATED", "EXIT"}));
    const CliResult runsJson = m_cli->run({"schedules", "runs", id, "-o", "json", "--limit", "5"});
    QVERIFY2(runsJson.exitCode == 0 && runsJson.json().object().contains("jobs"), runsJson.describe());

    const CliResult deleted = m_cli->run({"schedules", "delete", id});
    QVERIFY2(deleted.exitCode == 0 && deleted.out.contains("deleted"), deleted.describe());
    const CliResult gone = m_cli->run({"schedules", "get", id});
    QCOMPARE(gone.exitCode, 66);
}

void TestCliSchedules::previewAndRefusals()
{
    const CliResult preview
        = m_cli->run({"schedules", "preview", "--cron", "0 9 * * MON-FRI", "--tz", "America/New_York"});
    QVERIFY2(preview.exitCode == 0 && preview.outLines().size() == 5, preview.describe());
    for (const QString &line : preview.outLines())
        QVERIFY2(line.contains("T13:00:00") || line.contains("T14:00:00"), preview.describe()); // 09:00 EDT/EST
    const CliResult previewJson = m_cli->run({"schedules", "preview", "--cron", "@daily", "-o", "json"});
    QCOMPARE(previewJson.json().object().value("nextRuns").toArray().size(), 5);

    const CliResult badCron = m_cli->run({"schedules", "create", "x", "--cron", "99 * * * *", "--", "true"});
    QCOMPARE(badCron.exitCode, 65);
    QVERIFY2(badCron.err.contains("cron"), badCron.describe());
    const CliResult badZone = m_cli->run({"schedules", "preview", "--cron", "@daily", "--tz", "Nowhere/Land"});
    QCOMPARE(badZone.exitCode, 65);
    QCOMPARE(m_cli->run({"schedules", "create", "x", "--cron", "@daily"}).exitCode, 64); // nothing to run
    QCOMPARE(m_cli->run({"schedules", "create", "x", "--", "true"}).exitCode, 64); // no --cron
    QCOMPARE(m_cli->run({"schedules", "update", "sch_01aaaaaaaaaaaaaaaaaaaaaaaa", "--name", "n"}).exitCode, 66);
}

void TestCliSchedules::memberIsRefused()
{
    TestTeam team(m_fx.server());
    const auto member = team.addPerson(team.defaultWorkspace(), "member");
    QVERIFY(member);
    CliOptions as;
    as.env.insert("TANVRIT_API_KEY", member->apiKey);
    const CliResult r = m_cli->run({"schedules", "create", "x", "--cron", "@daily", "--", "true"}, as);
    QCOMPARE(r.exitCode, 68);
    QCOMPARE(m_cli->run({"schedules", "list"}, as).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestCliSchedules)
#include "tst_clischedules.moc"

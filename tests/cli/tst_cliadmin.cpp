// `tanvrit-compute agents|keys|audit` against a real server and agent: listing, prefixes, drain and remove,
// a join command that really starts an agent, keys that work and stop working (cli-spec.md, Commands).
#include "CliSupport.h"
#include "TestTeam.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

class TestCliAdmin : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void agentsListAndGet();
    void agentsDrainAndRemove();
    void joinCommandStartsAnAgent();
    void keysCreateListRevoke();
    void keysCreateFlags();
    void auditExportAndVerify();

private:
    static QStringList words(const QString &line) { return line.split(QRegularExpression("\\s+"), Qt::SkipEmptyParts); }

    CliFixture m_fx;
    CliRunner *m_cli = nullptr;
    std::unique_ptr<TestTeam> m_team;
    std::optional<TestPerson> m_admin; // an admin of the default workspace, with a password
};

void TestCliAdmin::initTestCase()
{
    QVERIFY2(m_fx.start({}, 2), m_fx.diag().constData());
    m_cli = &m_fx.cli();
    m_team = std::make_unique<TestTeam>(m_fx.server());
    m_admin = m_team->addPerson(m_team->defaultWorkspace(), "admin");
    QVERIFY(m_admin);
}

void TestCliAdmin::cleanup()
{
    const QStringList violations = m_fx.takeViolations();
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
}

void TestCliAdmin::agentsListAndGet()
{
    const QString node = m_fx.agent()->nodeId();
    const CliResult table = m_cli->run({"agents", "list"});
    QVERIFY2(table.exitCode == 0, table.describe());
    QCOMPARE(words(table.outLines().value(0)),
        QStringList({"ID", "NAME", "STATE", "JOBS", "GPUS", "CPU", "MEM", "LOAD", "HEARTBEAT"}));
    const QStringList row = table.outLines().filter(node);
    QVERIFY2(row.size() == 1 && row.first().contains("cli-agent") && row.first().contains("ONLINE"), table.describe());

    const CliResult wide = m_cli->run({"agents", "list", "-o", "wide"});
    for (const char *col : {"LABELS", "CAPABILITIES", "ISOLATION", "VERSION"})
        QVERIFY2(words(wide.outLines().value(0)).contains(col), wide.describe());

    const CliResult json = m_cli->run({"agents", "list", "-o", "json"});
    QVERIFY2(json.exitCode == 0, json.describe());
    bool listed = false;
    for (const QJsonValue &a : json.json().object().value("agents").toArray())
        listed = listed || a.toObject().value("id").toString() == node;
    QVERIFY2(listed, json.describe());

    for (const QString &arg : {node, node.left(12)}) { // a unique prefix will do
        const CliResult one = m_cli->run({"agents", "get", arg, "-o", "json"});
        QVERIFY2(one.exitCode == 0, one.describe());
        QCOMPARE(one.json().object().value("id").toString(), node);
        QCOMPARE(one.json().object().value("name").toString(), QStringLiteral("cli-agent"));
    }
    const CliResult names = m_cli->run({"agents", "list", "-o", "name"});
    QVERIFY2(names.outLines().contains(node), names.describe());
}

void TestCliAdmin::agentsDrainAndRemove()
{
    TestAgent spare(m_fx.server().url(), m_fx.server().adminKey(), "spare");
    QVERIFY2(spare.start(), m_fx.diag().constData());
    const QString node = spare.nodeId();
    // two agents now: "node_" is ambiguous and lists both
    const CliResult ambiguous = m_cli->run({"agents", "get", "node_"});
    QVERIFY2(ambiguous.exitCode == 66 && ambiguous.err.contains("ambiguous id \"node_\"")
            && ambiguous.err.contains(node.toUtf8()) && ambiguous.err.contains(m_fx.agent()->nodeId().toUtf8()),
        ambiguous.describe());
    const CliResult drain = m_cli->run({"agents", "drain", node});
    QVERIFY2(drain.exitCode == 0, drain.describe());
    QCOMPARE(m_fx.server().get("/v0/agents/" + node).json.value("state").toString(), QStringLiteral("DRAINING"));
    const CliResult remove = m_cli->run({"agents", "remove", node});
    QVERIFY2(remove.exitCode == 0, remove.describe());
    const CliResult gone = m_cli->run({"agents", "get", node});
    QVERIFY2(gone.exitCode == 66, gone.describe());
}

void TestCliAdmin::joinCommandStartsAnAgent()
{
    // the agent it starts talks to the server directly (the agent plane is not what Prism checks here)
    const CliResult r = m_cli->run({"agents", "join-command", "--name", "joined", "--labels", "zone=j"}, m_fx.direct());
    QVERIFY2(r.exitCode == 0, r.describe());
    QCOMPARE(r.outLines().size(), 1);
    const QString line = r.outLines().first();
    const QString prefix = "tanvrit-compute agent --server " + m_fx.server().url().toString() + " --key tnv_";
    QVERIFY2(line.startsWith(prefix), qPrintable(line));
    QVERIFY2(line.contains("--name joined") && line.contains("--labels zone=j"), qPrintable(line));
    // a key named agent-join-<date> that expires
    bool minted = false;
    for (const QJsonValue &k : m_fx.server().get("/v0/keys").json.value("keys").toArray()) {
        const QJsonObject key = k.toObject();
        if (key.value("name").toString().startsWith("agent-join-")) {
            minted = !key.value("expiresAt").toString().isEmpty() && key.value("role").toString() == "admin";
        }
    }
    QVERIFY(minted);

    // run the line as printed, with tanvrit-compute on PATH
    QProcess agent;
    QProcessEnvironment env = m_cli->environment();
    env.insert("PATH", QFileInfo(CliRunner::binary()).absolutePath() + ":" + env.value("PATH"));
    agent.setProcessEnvironment(env);
    agent.setWorkingDirectory(m_cli->home());
    agent.setProcessChannelMode(QProcess::MergedChannels);
    agent.start("sh", {"-c", "exec " + line});
    QVERIFY(agent.waitForStarted());
    QJsonObject joined;
    auto findJoined = [&] {
        for (const QJsonValue &a : m_fx.server().get("/v0/agents").json.value("agents").toArray()) {
            if (a.toObject().value("name").toString() == "joined")
                joined = a.toObject();
        }
        return joined.value("state").toString() == "ONLINE";
    };
    QTRY_VERIFY2_WITH_TIMEOUT(findJoined(), agent.readAll().constData(), 20000);
    QCOMPARE(joined.value("labels").toObject().value("zone").toString(), QStringLiteral("j"));
    agent.terminate();
    if (!agent.waitForFinished(15000))
        agent.kill();
    m_fx.server().request("DELETE", "/v0/agents/" + joined.value("id").toString());
}

void TestCliAdmin::keysCreateListRevoke()
{
    const CliResult created = m_cli->run({"keys", "create", "--name", "ci-key"});
    QVERIFY2(created.exitCode == 0, created.describe());
    QCOMPARE(created.outLines().size(), 1);
    const QString key = created.outLines().first();
    QVERIFY2(key.startsWith("tnv_"), created.describe());
    QVERIFY2(created.err.contains("shown once"), created.describe());

    // the key works as TANVRIT_API_KEY
    CliOptions withKey;
    withKey.env.insert("TANVRIT_API_KEY", key);
    const CliResult me = m_cli->run({"auth", "whoami", "-o", "json"}, withKey);
    QVERIFY2(me.exitCode == 0, me.describe());
    QCOMPARE(me.json().object().value("kind").toString(), QStringLiteral("apiKey"));

    const CliResult table = m_cli->run({"keys", "list"});
    QVERIFY2(table.exitCode == 0, table.describe());
    QCOMPARE(words(table.outLines().value(0)),
        QStringList({"ID", "NAME", "ROLE", "PREFIX", "CREATED", "LAST-USED", "EXPIRES", "REVOKED"}));
    QVERIFY2(!table.outLines().filter("ci-key").isEmpty(), table.describe());
    QVERIFY2(!table.out.contains(key.toUtf8()), "keys list must not print a key");

    const CliResult json = m_cli->run({"keys", "list", "-o", "json"});
    QString id;
    for (const QJsonValue &k : json.json().object().value("keys").toArray()) {
        if (k.toObject().value("name").toString() == "ci-key")
            id = k.toObject().value("id").toString();
    }
    QVERIFY2(!id.isEmpty(), json.describe());

    // a unique prefix of the id will do
    const CliResult revoked = m_cli->run({"keys", "revoke", id.left(id.size() - 4)});
    QVERIFY2(revoked.exitCode == 0, revoked.describe());
    const CliResult refused = m_cli->run({"jobs", "list"}, withKey);
    QVERIFY2(refused.exitCode == 67, refused.describe());
    QVERIFY2(refused.errLines().size() == 1 && refused.err.startsWith("error: unauthorized: "), refused.describe());

    const CliResult plain = m_cli->run({"keys", "list", "-o", "name"});
    QVERIFY2(!plain.outLines().contains(id), plain.describe());
    const CliResult all = m_cli->run({"keys", "list", "--include-revoked", "-o", "name"});
    QVERIFY2(all.outLines().contains(id), all.describe());
}

void TestCliAdmin::keysCreateFlags()
{
    const CliResult r = m_cli->run(
        {"keys", "create", "--name", "limited", "--role", "admin", "--expires-in-days", "3", "--max-jobs-per-hour", "5",
            "--max-concurrent-jobs", "2", "--allowed-job-types", "COMMAND,CONTAINER", "-o", "json"});
    QVERIFY2(r.exitCode == 0, r.describe());
    const QJsonObject k = r.json().object();
    QVERIFY2(k.value("key").toString().startsWith("tnv_"), r.describe());
    QCOMPARE(k.value("role").toString(), QStringLiteral("admin"));
    QCOMPARE(k.value("maxJobsPerHour").toInt(), 5);
    QCOMPARE(k.value("maxConcurrentJobs").toInt(), 2);
    QCOMPARE(k.value("allowedJobTypes").toArray(), QJsonArray({"COMMAND", "CONTAINER"}));
    const QDateTime expires = QDateTime::fromString(k.value("expiresAt").toString(), Qt::ISODateWithMs);
    QVERIFY2(qAbs(QDateTime::currentDateTimeUtc().daysTo(expires) - 3) <= 1, r.describe());
}

void TestCliAdmin::auditExportAndVerify()
{
    QVERIFY(!m_fx.server().submitJob({{"command", "true"}}).isEmpty()); // at least one entry
    const CliResult jsonl = m_cli->run({"audit", "export"});
    QVERIFY2(jsonl.exitCode == 0 && !jsonl.outLines().isEmpty(), jsonl.describe());
    qint64 lastSeq = 0;
    for (const QString &line : jsonl.outLines()) {
        const QJsonObject e = QJsonDocument::fromJson(line.toUtf8()).object();
        for (const char *key : {"seq", "at", "actor", "action", "outcome", "prevHash", "hash"})
            QVERIFY2(e.contains(key), qPrintable(line));
        QVERIFY(e.value("seq").toInteger() > lastSeq);
        lastSeq = e.value("seq").toInteger();
    }
    const CliResult submits = m_cli->run({"audit", "export", "--action", "job.submit"});
    QVERIFY2(submits.exitCode == 0 && !submits.outLines().isEmpty(), submits.describe());
    for (const QString &line : submits.outLines())
        QCOMPARE(
            QJsonDocument::fromJson(line.toUtf8()).object().value("action").toString(), QStringLiteral("job.submit"));

    const CliResult csv = m_cli->run({"audit", "export", "--format", "csv"});
    QVERIFY2(csv.exitCode == 0, csv.describe());
    const QStringList header = csv.outLines().value(0).split(',');
    QVERIFY2(header.contains("seq") && header.contains("hash") && header.contains("action"), csv.describe());
    QCOMPARE(csv.outLines().size(), jsonl.outLines().size() + 1);

    const QString file = m_cli->home() + "/audit.jsonl";
    const CliResult toFile = m_cli->run({"audit", "export", "--file", file});
    QVERIFY2(toFile.exitCode == 0 && toFile.out.isEmpty(), toFile.describe());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().count('\n') >= jsonl.outLines().size());

    const CliResult verify = m_cli->run({"audit", "verify"});
    QVERIFY2(verify.exitCode == 0, verify.describe());
    static const QRegularExpression ok("^ok: [\\d,]+ entries, head [0-9a-f]{64}$");
    QVERIFY2(ok.match(verify.outLines().value(0)).hasMatch(), verify.describe());
}

QTEST_GUILESS_MAIN(TestCliAdmin)
#include "tst_cliadmin.moc"

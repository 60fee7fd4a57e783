// `tanvrit-compute agents|keys|workspaces|auth|config|audit|completion` against a real server and agent,
// and `--help` on every command (cli-spec.md, Connection, Commands).
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
    void authLoginWhoamiTokenLogout();
    void authLoginApiKeyStdin();
    void workspacesListCreateUseMembersInvite();
    void configContexts();
    void configDefaultLocationAndModes();
    void environmentAndFlagPrecedence();
    void auditExportAndVerify();
    void completionScripts_data();
    void completionScripts();
    void completeJobIds();
    void helpOnEveryCommand_data();
    void helpOnEveryCommand();

private:
    static QStringList words(const QString &line) { return line.split(QRegularExpression("\\s+"), Qt::SkipEmptyParts); }
    QJsonObject readConfig(const CliRunner &cli) const;
    TestServer::Reply get(const QString &path, const QByteArray &bearer);

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

QJsonObject TestCliAdmin::readConfig(const CliRunner &cli) const
{
    QFile f(cli.configPath());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

TestServer::Reply TestCliAdmin::get(const QString &path, const QByteArray &bearer)
{
    return m_fx.server().request("GET", path, {}, {{"Authorization", "Bearer " + bearer}}, false);
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

    const CliResult revoked = m_cli->run({"keys", "revoke", id});
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

void TestCliAdmin::authLoginWhoamiTokenLogout()
{
    CliRunner cli; // a fresh user: no key, no config
    cli.setEnv("TANVRIT_SERVER", m_fx.apiUrl().toString());
    CliOptions pw;
    pw.stdinData = m_admin->password.toUtf8() + '\n';
    const CliResult login = cli.run({"auth", "login", "--email", m_admin->email, "--password-stdin"}, pw);
    QVERIFY2(login.exitCode == 0, login.describe());
    QVERIFY2(!login.out.contains(m_admin->password.toUtf8()), login.describe());
    const QJsonObject config = readConfig(cli);
    const QString current = config.value("currentContext").toString();
    QCOMPARE(current, QStringLiteral("default"));
    QVERIFY2(!config.value("contexts").toObject().value(current).toObject().value("accessToken").toString().isEmpty(),
        QJsonDocument(config).toJson().constData());
    QCOMPARE(QFileInfo(cli.configPath()).permissions() & 0x0FFF,
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);

    const CliResult whoami = cli.run({"auth", "whoami"});
    QVERIFY2(whoami.exitCode == 0, whoami.describe());
    QCOMPARE(words(whoami.outLines().value(0)), QStringList({"EMAIL", "KIND", "ROLE", "WORKSPACE"}));
    QVERIFY2(whoami.out.contains(m_admin->email.toUtf8()) && whoami.out.contains("session"), whoami.describe());
    const CliResult meJson = cli.run({"auth", "whoami", "-o", "json"});
    QCOMPARE(meJson.json().object().value("kind").toString(), QStringLiteral("session"));
    QCOMPARE(meJson.json().object().value("role").toString(), QStringLiteral("admin"));

    const CliResult token = cli.run({"auth", "print-token"});
    QVERIFY2(token.exitCode == 0 && token.outLines().size() == 1, token.describe());
    const QByteArray bearer = token.outLines().first().toUtf8();
    const TestServer::Reply me = get("/v0/auth/me", bearer);
    QVERIFY2(me.status == 200, me.describe());
    QCOMPARE(me.json.value("user").toObject().value("email").toString(), m_admin->email);

    const CliResult logout = cli.run({"auth", "logout"});
    QVERIFY2(logout.exitCode == 0, logout.describe());
    const CliResult after = cli.run({"auth", "whoami"});
    QVERIFY2(after.exitCode == 67, after.describe());
    QCOMPARE(get("/v0/auth/me", bearer).status, 401); // the session is revoked, not only forgotten
    const QJsonObject ctx = readConfig(cli).value("contexts").toObject().value(current).toObject();
    QVERIFY(!ctx.contains("accessToken") || ctx.value("accessToken").toString().isEmpty());

    CliOptions wrong;
    wrong.stdinData = "not the password\n";
    const CliResult bad = cli.run({"auth", "login", "--email", m_admin->email, "--password-stdin"}, wrong);
    QVERIFY2(bad.exitCode == 67, bad.describe());
}

void TestCliAdmin::authLoginApiKeyStdin()
{
    CliRunner cli;
    cli.setEnv("TANVRIT_SERVER", m_fx.apiUrl().toString());
    CliOptions key;
    key.stdinData = m_admin->apiKey.toUtf8() + '\n';
    const CliResult login = cli.run({"auth", "login", "--api-key-stdin"}, key);
    QVERIFY2(login.exitCode == 0, login.describe());
    const QJsonObject config = readConfig(cli);
    QCOMPARE(config.value("contexts")
                 .toObject()
                 .value(config.value("currentContext").toString())
                 .toObject()
                 .value("apiKey")
                 .toString(),
        m_admin->apiKey);
    const CliResult me = cli.run({"auth", "whoami", "-o", "json"});
    QVERIFY2(me.exitCode == 0, me.describe());
    QCOMPARE(me.json().object().value("kind").toString(), QStringLiteral("apiKey"));
    const CliResult token = cli.run({"auth", "print-token"}); // with an API key, the key
    QCOMPARE(token.out.trimmed(), m_admin->apiKey.toUtf8());
}

void TestCliAdmin::workspacesListCreateUseMembersInvite()
{
    CliRunner cli;
    cli.setEnv("TANVRIT_SERVER", m_fx.apiUrl().toString());
    CliOptions pw;
    pw.stdinData = m_admin->password.toUtf8() + '\n';
    QVERIFY(cli.run({"auth", "login", "--email", m_admin->email, "--password-stdin"}, pw).exitCode == 0);

    const CliResult list = cli.run({"workspaces", "list"});
    QVERIFY2(list.exitCode == 0, list.describe());
    QCOMPARE(words(list.outLines().value(0).remove('*')), QStringList({"ID", "NAME", "ROLE", "PLAN", "CREATED"}));

    const CliResult created = cli.run({"workspaces", "create", "cli-team", "-o", "json"});
    QVERIFY2(created.exitCode == 0, created.describe());
    const QString ws = created.json().object().value("id").toString();
    QVERIFY2(!ws.isEmpty(), created.describe());
    QCOMPARE(created.json().object().value("role").toString(), QStringLiteral("owner"));

    const CliResult use = cli.run({"workspaces", "use", ws});
    QVERIFY2(use.exitCode == 0, use.describe());
    const QJsonObject config = readConfig(cli);
    QCOMPARE(config.value("contexts")
                 .toObject()
                 .value(config.value("currentContext").toString())
                 .toObject()
                 .value("workspace")
                 .toString(),
        ws);
    const CliResult marked = cli.run({"workspaces", "list"});
    const QStringList row = marked.outLines().filter(ws);
    QVERIFY2(row.size() == 1 && row.first().contains('*'), marked.describe());
    QCOMPARE(marked.outLines().filter(QStringLiteral("*")).size(), 1);

    // members of the current workspace: the creator, as owner
    const CliResult members = cli.run({"workspaces", "members"});
    QVERIFY2(members.exitCode == 0, members.describe());
    QVERIFY2(!members.outLines().filter(m_admin->email).filter("owner").isEmpty(), members.describe());
    const CliResult invite = cli.run({"workspaces", "invite", "newcomer@example.test", "--role", "admin"});
    QVERIFY2(invite.exitCode == 0, invite.describe());
    const CliResult json = cli.run({"workspaces", "members", ws, "-o", "json"});
    QVERIFY2(json.exitCode == 0, json.describe());
    bool invited = false;
    for (const QJsonValue &i : json.json().object().value("invitations").toArray())
        invited = invited
            || (i.toObject().value("email") == "newcomer@example.test" && i.toObject().value("role") == "admin");
    QVERIFY2(invited, json.describe());
}

void TestCliAdmin::configContexts()
{
    CliRunner cli;
    const QString good = m_fx.apiUrl().toString();
    const QString key = m_fx.server().adminKey();
    QVERIFY(cli.run({"config", "set-context", "prod", "--server", good, "--api-key", key, "--use"}).exitCode == 0);
    QVERIFY(
        cli.run({"config", "set-context", "dead", "--server", "http://127.0.0.1:1", "--api-key", key}).exitCode == 0);
    const CliResult contexts = cli.run({"config", "get-contexts"});
    QVERIFY2(contexts.exitCode == 0, contexts.describe());
    QCOMPARE(words(contexts.outLines().value(0)), QStringList({"CURRENT", "NAME", "SERVER", "WORKSPACE", "AUTH"}));
    const QStringList prod = contexts.outLines().filter(QRegularExpression("\\bprod\\b"));
    QVERIFY2(prod.size() == 1 && prod.first().trimmed().startsWith('*'), contexts.describe());
    QVERIFY2(!contexts.out.contains(key.toUtf8()), "get-contexts must not print a key");
    QCOMPARE(cli.run({"config", "current-context"}).out.trimmed(), QByteArray("prod"));
    QVERIFY(cli.run({"jobs", "list"}).exitCode == 0);

    QVERIFY(cli.run({"config", "use-context", "dead"}).exitCode == 0);
    QCOMPARE(cli.run({"config", "current-context"}).out.trimmed(), QByteArray("dead"));
    QCOMPARE(cli.run({"jobs", "list"}).exitCode, 72);
    QCOMPARE(cli.run({"jobs", "list", "--context", "prod"}).exitCode, 0);
    CliOptions envCtx;
    envCtx.env.insert("TANVRIT_CONTEXT", "prod");
    QCOMPARE(cli.run({"jobs", "list"}, envCtx).exitCode, 0);

    QVERIFY(cli.run({"config", "delete-context", "dead"}).exitCode == 0);
    const CliResult left = cli.run({"config", "get-contexts", "-o", "name"});
    QVERIFY2(!left.out.contains("dead") && !cli.run({"config", "get-contexts"}).out.contains("dead"), left.describe());
    QCOMPARE(QFileInfo(cli.configPath()).permissions() & 0x0FFF,
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);
    QCOMPARE(readConfig(cli).value("contexts").toObject().value("prod").toObject().value("server").toString(), good);
}

void TestCliAdmin::configDefaultLocationAndModes()
{
    CliRunner cli;
    CliOptions noPath;
    noPath.unset << "TANVRIT_CONFIG";
    const CliResult set = cli.run({"config", "set-context", "home", "--server", "http://127.0.0.1:9"}, noPath);
    QVERIFY2(set.exitCode == 0, set.describe());
    const QString dir = cli.home() + "/.config/tanvrit-compute";
    const QFileInfo file(dir + "/config.json");
    QVERIFY2(file.exists(), qPrintable(file.filePath()));
    QCOMPARE(file.permissions() & 0x0FFF,
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser);
    QCOMPARE(QFileInfo(dir).permissions() & 0x0FFF,
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadUser
            | QFileDevice::WriteUser | QFileDevice::ExeUser);
}

void TestCliAdmin::environmentAndFlagPrecedence()
{
    CliRunner cli;
    const QString good = m_fx.apiUrl().toString();
    const QString key = m_fx.server().adminKey();
    const QString dead = "http://127.0.0.1:1";
    // the file's context points nowhere, with a bad key
    QVERIFY(
        cli.run({"config", "set-context", "file", "--server", dead, "--api-key", "tnv_bad", "--use"}).exitCode == 0);
    QCOMPARE(cli.run({"jobs", "list"}).exitCode, 72);
    CliOptions env;
    env.env.insert("TANVRIT_SERVER", good);
    QCOMPARE(cli.run({"jobs", "list"}, env).exitCode, 67); // env's server, the file's (bad) key
    env.env.insert("TANVRIT_API_KEY", key);
    QCOMPARE(cli.run({"jobs", "list"}, env).exitCode, 0); // env over the file
    // flags over env
    QCOMPARE(cli.run({"jobs", "list", "--api-key", "tnv_bad"}, env).exitCode, 67);
    QCOMPARE(cli.run({"jobs", "list", "--server", dead}, env).exitCode, 72);
    CliOptions deadEnv;
    deadEnv.env.insert("TANVRIT_SERVER", dead);
    deadEnv.env.insert("TANVRIT_API_KEY", "tnv_bad");
    QCOMPARE(cli.run({"jobs", "list", "--server", good, "--api-key", key}, deadEnv).exitCode, 0);
    // TANVRIT_CONTEXT over the file's currentContext
    QVERIFY(cli.run({"config", "set-context", "ok", "--server", good, "--api-key", key}).exitCode == 0);
    CliOptions ctx;
    ctx.env.insert("TANVRIT_CONTEXT", "ok");
    QCOMPARE(cli.run({"jobs", "list"}, ctx).exitCode, 0);
    QCOMPARE(cli.run({"config", "current-context"}).out.trimmed(), QByteArray("file"));
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

void TestCliAdmin::completionScripts_data()
{
    QTest::addColumn<QString>("shell");
    QTest::newRow("bash") << "bash";
    QTest::newRow("zsh") << "zsh";
    QTest::newRow("fish") << "fish";
}

void TestCliAdmin::completionScripts()
{
    QFETCH(QString, shell);
    const CliResult r = m_cli->run({"completion", shell});
    QVERIFY2(r.exitCode == 0 && !r.out.isEmpty(), r.describe());
    for (const char *word : {"jobs", "agents", "keys", "workspaces", "auth", "audit", "config", "__complete"})
        QVERIFY2(r.out.contains(word), word);
    if (shell == "bash") {
        QProcess bash;
        bash.start("bash", {"-n"});
        bash.write(r.out);
        bash.closeWriteChannel();
        QVERIFY(bash.waitForFinished(10000));
        QVERIFY2(bash.exitCode() == 0, bash.readAllStandardError().constData());
    }
}

void TestCliAdmin::completeJobIds()
{
    const QString id = m_fx.server().submitJob({{"command", "true"}});
    QVERIFY(!id.isEmpty());
    const CliResult r = m_cli->run({"__complete", "jobs", id.left(12)});
    QVERIFY2(r.exitCode == 0, r.describe());
    QVERIFY2(r.outLines().contains(id), r.describe());
    for (const QString &line : r.outLines())
        QVERIFY2(line.startsWith(id.left(12)), r.describe());
    // on any error: silently nothing
    CliOptions dead;
    dead.env.insert("TANVRIT_SERVER", "http://127.0.0.1:1");
    const CliResult none = m_cli->run({"__complete", "jobs", "job_"}, dead);
    QVERIFY2(none.exitCode == 0 && none.out.isEmpty() && none.err.isEmpty(), none.describe());
}

void TestCliAdmin::helpOnEveryCommand_data()
{
    QTest::addColumn<QStringList>("command");
    const QList<QStringList> commands {{}, {"jobs"}, {"jobs", "run"}, {"jobs", "list"}, {"jobs", "get"},
        {"jobs", "logs"}, {"jobs", "wait"}, {"jobs", "cancel"}, {"jobs", "retry"}, {"agents"}, {"agents", "list"},
        {"agents", "get"}, {"agents", "drain"}, {"agents", "remove"}, {"agents", "join-command"}, {"keys"},
        {"keys", "create"}, {"keys", "list"}, {"keys", "revoke"}, {"workspaces"}, {"workspaces", "list"},
        {"workspaces", "create"}, {"workspaces", "use"}, {"workspaces", "members"}, {"workspaces", "invite"}, {"auth"},
        {"auth", "login"}, {"auth", "logout"}, {"auth", "print-token"}, {"auth", "whoami"}, {"audit"},
        {"audit", "export"}, {"audit", "verify"}, {"config"}, {"config", "set-context"}, {"config", "use-context"},
        {"config", "get-contexts"}, {"config", "current-context"}, {"config", "delete-context"}, {"completion"}};
    for (const QStringList &c : commands)
        QTest::newRow(qPrintable(c.isEmpty() ? QStringLiteral("(top)") : c.join(' '))) << c;
}

void TestCliAdmin::helpOnEveryCommand()
{
    QFETCH(QStringList, command);
    for (const char *flag : {"--help", "-h"}) {
        const CliResult r = m_cli->run(command + QStringList {flag});
        QVERIFY2(r.exitCode == 0, r.describe());
        QVERIFY2(r.out.contains("Example"), r.describe());
        if (!command.isEmpty())
            QVERIFY2(r.out.contains(command.last().toUtf8()), r.describe());
    }
}

QTEST_GUILESS_MAIN(TestCliAdmin)
#include "tst_cliadmin.moc"

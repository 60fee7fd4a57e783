// `tanvrit-compute auth|workspaces|config|completion` against a real server: sign-in and sessions, contexts,
// the connection's precedence (flag > env > context), the config file's modes, and `--help` everywhere.
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

class TestCliAccount : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void authLoginWhoamiTokenLogout();
    void authLoginApiKeyStdin();
    void authLoginPromptsWithoutEcho();
    void printTokenRefreshesAShortLivedToken();
    void workspacesListCreateUseMembersInvite();
    void configContexts();
    void configDefaultLocationAndModes();
    void environmentAndFlagPrecedence();
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

void TestCliAccount::initTestCase()
{
    QVERIFY2(m_fx.start({}, 0), m_fx.diag().constData());
    m_cli = &m_fx.cli();
    m_team = std::make_unique<TestTeam>(m_fx.server());
    m_admin = m_team->addPerson(m_team->defaultWorkspace(), "admin");
    QVERIFY(m_admin);
}

void TestCliAccount::cleanup()
{
    const QStringList violations = m_fx.takeViolations();
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
}

QJsonObject TestCliAccount::readConfig(const CliRunner &cli) const
{
    QFile f(cli.configPath());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

TestServer::Reply TestCliAccount::get(const QString &path, const QByteArray &bearer)
{
    return m_fx.server().request("GET", path, {}, {{"Authorization", "Bearer " + bearer}}, false);
}

void TestCliAccount::authLoginWhoamiTokenLogout()
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
    QCOMPARE(CliFixture::fileMode(cli.configPath()), 0600);

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
    // no credentials left: straight to the server (Prism refuses a request without them itself)
    const CliResult after = cli.run({"auth", "whoami"}, m_fx.direct());
    QVERIFY2(after.exitCode == 67, after.describe());
    QCOMPARE(get("/v0/auth/me", bearer).status, 401); // the session is revoked, not only forgotten
    const QJsonObject ctx = readConfig(cli).value("contexts").toObject().value(current).toObject();
    QVERIFY(!ctx.contains("accessToken") || ctx.value("accessToken").toString().isEmpty());

    CliOptions wrong;
    wrong.stdinData = "not the password\n";
    const CliResult bad = cli.run({"auth", "login", "--email", m_admin->email, "--password-stdin"}, wrong);
    QVERIFY2(bad.exitCode == 67, bad.describe());
}

void TestCliAccount::authLoginApiKeyStdin()
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

void TestCliAccount::authLoginPromptsWithoutEcho()
{
    CliRunner cli;
    cli.setEnv("TANVRIT_SERVER", m_fx.apiUrl().toString());
    CliOptions typing;
    typing.keepStdinOpen = true;
    auto login = cli.startOnTty({"auth", "login", "--email", m_admin->email}, typing);
    QVERIFY2(login->waitForOut("assword", 20000), login->result().describe());
    // the CLI turns echo off before it prompts: once the prompt is shown, the terminal no longer echoes
    bool known = false;
    QVERIFY(!login->childTerminalEchoes(&known));
    QVERIFY(known);
    login->write(m_admin->password.toUtf8() + '\r');
    QVERIFY2(login->waitForFinished(30000), login->result().describe());
    const CliResult r = login->result();
    QVERIFY2(r.exitCode == 0, r.describe());
    QVERIFY2(!r.out.contains(m_admin->password.toUtf8()), "the password was echoed");
    QCOMPARE(cli.run({"auth", "whoami", "-o", "name"}).out.trimmed(), m_admin->email.toUtf8());
}

void TestCliAccount::printTokenRefreshesAShortLivedToken()
{
    // access tokens that live 30 s always expire "within a minute": print-token refreshes first
    TestServer server({"--access-token-ttl", "30"});
    QVERIFY2(server.start(), server.output().right(3000).constData());
    TestTeam team(server);
    const auto person = team.addPerson(team.defaultWorkspace(), "member");
    QVERIFY(person);
    CliRunner cli;
    cli.setEnv("TANVRIT_SERVER", server.url().toString());
    CliOptions pw;
    pw.stdinData = person->password.toUtf8() + '\n';
    QVERIFY(cli.run({"auth", "login", "--email", person->email, "--password-stdin"}, pw).exitCode == 0);
    auto stored = [&] {
        const QJsonObject c = readConfig(cli);
        return c.value("contexts").toObject().value(c.value("currentContext").toString()).toObject();
    };
    const QString first = stored().value("accessToken").toString();
    const QString firstRefresh = stored().value("refreshToken").toString();
    QVERIFY(!first.isEmpty());
    const CliResult token = cli.run({"auth", "print-token"});
    QVERIFY2(token.exitCode == 0, token.describe());
    const QString printed = token.out.trimmed();
    // refreshed: the refresh token rotated (the access token itself may come out the same within a second)
    QVERIFY2(stored().value("refreshToken").toString() != firstRefresh, "print-token did not refresh the session");
    QCOMPARE(stored().value("accessToken").toString(), printed); // kept for the next command
    const auto me = server.request("GET", "/v0/auth/me", {}, {{"Authorization", "Bearer " + printed.toUtf8()}}, false);
    QVERIFY2(me.status == 200, me.describe());
    // and a command after it still signs in with the stored (rotated) session
    QCOMPARE(cli.run({"auth", "whoami"}).exitCode, 0);
}

void TestCliAccount::workspacesListCreateUseMembersInvite()
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

    // where a job goes: the context's workspace, TANVRIT_WORKSPACE over it, --workspace over both
    auto workspaceOf = [&](const QStringList &flags, const CliOptions &opts) {
        const CliResult r = cli.run(QStringList {"jobs", "run", "--detach"} + flags + QStringList {"--", "true"}, opts);
        const CliResult job = cli.run(QStringList {"jobs", "get", r.out.trimmed(), "-o", "json"} + flags, opts);
        return job.json().object().value("workspaceId").toString();
    };
    const QString home = m_admin->workspaceId;
    QCOMPARE(workspaceOf({}, {}), ws);
    CliOptions envWs;
    envWs.env.insert("TANVRIT_WORKSPACE", home);
    QCOMPARE(workspaceOf({}, envWs), home);
    QCOMPARE(workspaceOf({"--workspace", ws}, envWs), ws);
}

void TestCliAccount::configContexts()
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
    QCOMPARE(CliFixture::fileMode(cli.configPath()), 0600);
    QCOMPARE(readConfig(cli).value("contexts").toObject().value("prod").toObject().value("server").toString(), good);
}

void TestCliAccount::configDefaultLocationAndModes()
{
    CliRunner cli;
    CliOptions noPath;
    noPath.unset << "TANVRIT_CONFIG";
    const CliResult set = cli.run({"config", "set-context", "home", "--server", "http://127.0.0.1:9"}, noPath);
    QVERIFY2(set.exitCode == 0, set.describe());
    const QString dir = cli.home() + "/.config/tanvrit-compute";
    const QFileInfo file(dir + "/config.json");
    QVERIFY2(file.exists(), qPrintable(file.filePath()));
    QCOMPARE(CliFixture::fileMode(file.filePath()), 0600);
    QCOMPARE(CliFixture::fileMode(dir), 0700);
}

void TestCliAccount::environmentAndFlagPrecedence()
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

void TestCliAccount::completionScripts_data()
{
    QTest::addColumn<QString>("shell");
    QTest::newRow("bash") << "bash";
    QTest::newRow("zsh") << "zsh";
    QTest::newRow("fish") << "fish";
}

void TestCliAccount::completionScripts()
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

void TestCliAccount::completeJobIds()
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

void TestCliAccount::helpOnEveryCommand_data()
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

void TestCliAccount::helpOnEveryCommand()
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

QTEST_GUILESS_MAIN(TestCliAccount)
#include "tst_cliaccount.moc"

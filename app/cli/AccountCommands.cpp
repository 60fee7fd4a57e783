// auth login | logout | print-token | whoami and config set-context | use-context | get-contexts |
// current-context | delete-context: who the CLI is and where it connects, kept in the config file.
// (completion and __complete live in Completion.cpp.)
#include "Cli.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QUrl>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

using namespace CliOutput;

namespace {

// The context that `auth login` and friends write to: the one in use, else `default` (created and made current).
CliContextEntry &writableContext(Cli &cli, QString *name)
{
    CliConfig &cfg = cli.config();
    *name = cli.contextName().isEmpty() ? QStringLiteral("default") : cli.contextName();
    if (cfg.current.isEmpty())
        cfg.current = *name;
    return cfg.contexts[*name];
}

// One line from stdin without its line end; bounded.
QString readLine(bool *ok)
{
    QByteArray line;
    int ch;
    while ((ch = fgetc(stdin)) != EOF && ch != '\n') {
        if (line.size() >= 4096) {
            *ok = false;
            return {};
        }
        line.append(char(ch));
    }
    *ok = ch == '\n' || !line.isEmpty();
    if (line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}

// Prompts on stderr and reads a line from the terminal; without echo for secrets.
QString prompt(Cli &cli, const QString &text, bool secret, bool *ok)
{
    // echo goes off before the prompt appears, so nothing typed after it is shown (or flushed away)
    termios old {};
    const bool restore = secret && ::tcgetattr(0, &old) == 0;
    if (restore) {
        termios quiet = old;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(0, TCSANOW, &quiet);
    }
    cli.err(text);
    const QString line = readLine(ok);
    if (restore) {
        ::tcsetattr(0, TCSANOW, &old);
        cli.err(QStringLiteral("\n"));
    }
    return line;
}

// --- auth

int login(Cli &cli)
{
    if (!cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("auth login takes no arguments"));
    const bool stdinTty = ::isatty(0);
    const bool keyFromStdin = cli.isSet(QStringLiteral("api-key-stdin"));
    if (keyFromStdin && cli.isSet(QStringLiteral("password-stdin")))
        return cli.usageError(QStringLiteral("give --password-stdin or --api-key-stdin, not both"));
    QString contextName;
    bool ok = false;
    if (keyFromStdin) {
        const QString key = readLine(&ok).trimmed();
        if (!ok || key.isEmpty())
            return cli.usageError(QStringLiteral("--api-key-stdin: no key on stdin"));
        // check it before storing it
        ClientConnection c = cli.client().connection();
        c.apiKey = key;
        c.accessToken.clear();
        c.refreshToken.clear();
        c.workspace.clear(); // a key acts in its own workspace only
        cli.client().setConnection(c);
        const auto me = cli.await<WhoAmI>([&](ClientCallback<WhoAmI> cb) { cli.client().whoAmI(cb); });
        if (!me)
            return cli.fail(me.error());
        CliContextEntry &ctx = writableContext(cli, &contextName);
        if (cli.isSet(QStringLiteral("server")) || ctx.server.isEmpty())
            ctx.server = c.server;
        ctx.apiKey = key;
        ctx.accessToken.clear();
        ctx.refreshToken.clear();
        ctx.accessExpiresAtMs = 0;
        ctx.email = me.value().email;
        if (ctx.workspace != me.value().workspaceId)
            ctx.workspace.clear(); // another workspace would be a 404 for this key
        if (!cli.saveConfig())
            return ExitCode::Failure;
        cli.err(QStringLiteral("stored the API key%1 (%2 in %3) in context %4\n")
                    .arg(me.value().email.isEmpty() ? QString() : QStringLiteral(" of ") + me.value().email,
                        me.value().role, me.value().workspaceId, contextName));
        return ExitCode::Ok;
    }
    QString email = cli.value(QStringLiteral("email")).trimmed();
    if (email.isEmpty()) {
        if (!stdinTty || cli.isSet(QStringLiteral("password-stdin")))
            return cli.usageError(QStringLiteral("give --email (stdin is not a terminal to ask on)"));
        email = prompt(cli, QStringLiteral("Email: "), false, &ok).trimmed();
        if (!ok || email.isEmpty())
            return cli.usageError(QStringLiteral("no email given"));
    }
    QString password;
    if (cli.isSet(QStringLiteral("password-stdin"))) {
        password = readLine(&ok);
        if (!ok || password.isEmpty())
            return cli.usageError(QStringLiteral("--password-stdin: no password on stdin"));
    } else {
        if (!stdinTty)
            return cli.usageError(QStringLiteral("stdin is not a terminal: give the password with --password-stdin"));
        password = prompt(cli, QStringLiteral("Password: "), true, &ok);
        if (!ok || password.isEmpty())
            return cli.usageError(QStringLiteral("no password given"));
    }
    const auto s = cli.await<Session>([&](ClientCallback<Session> cb) { cli.client().login(email, password, cb); });
    if (!s)
        return cli.fail(s.error());
    CliContextEntry &ctx = writableContext(cli, &contextName);
    if (cli.isSet(QStringLiteral("server")) || ctx.server.isEmpty())
        ctx.server = cli.client().connection().server;
    ctx.apiKey.clear(); // the session is what this context signs in with now
    ctx.accessToken = s.value().accessToken;
    ctx.refreshToken = s.value().refreshToken;
    ctx.accessExpiresAtMs = s.value().accessExpiresAtMs;
    ctx.email = s.value().email.isEmpty() ? email : s.value().email;
    if (!cli.saveConfig())
        return ExitCode::Failure;
    if (cli.output() == OutputMode::Json || cli.output() == OutputMode::Jsonl)
        cli.printJson(s.value().json.value(QStringLiteral("user")).toObject());
    cli.err(QStringLiteral("signed in as %1 (context %2)%3\n")
                .arg(ctx.email, contextName,
                    qEnvironmentVariableIsSet("TANVRIT_API_KEY")
                        ? QStringLiteral("; note: TANVRIT_API_KEY is set and wins over the session")
                        : QString()));
    return ExitCode::Ok;
}

int logout(Cli &cli)
{
    CliContextEntry *ctx = cli.context();
    if (!ctx || (ctx->apiKey.isEmpty() && ctx->refreshToken.isEmpty() && ctx->accessToken.isEmpty())) {
        cli.err(QStringLiteral("no stored credentials%1\n")
                    .arg(cli.contextName().isEmpty() ? QString() : QStringLiteral(" in context ") + cli.contextName()));
        return ExitCode::Ok;
    }
    if (!ctx->refreshToken.isEmpty() || !ctx->accessToken.isEmpty()) {
        // revoke the stored session itself, whatever key the environment may carry
        ClientConnection c = cli.client().connection();
        c.apiKey.clear();
        c.accessToken = ctx->accessToken;
        c.refreshToken = ctx->refreshToken;
        c.accessExpiresAtMs = ctx->accessExpiresAtMs;
        c.maxRetries = 0;
        ComputeClient session(c);
        const auto r = cli.await<bool>([&](ClientCallback<bool> cb) { session.logout(cb); });
        if (!r)
            cli.err(QStringLiteral("warning: the server did not revoke the session (%1); forgetting it anyway\n")
                        .arg(r.error().describe()));
    }
    ctx->apiKey.clear();
    ctx->accessToken.clear();
    ctx->refreshToken.clear();
    ctx->accessExpiresAtMs = 0;
    ctx->email.clear();
    if (!cli.saveConfig())
        return ExitCode::Failure;
    cli.err(QStringLiteral("signed out (context %1)\n").arg(cli.contextName()));
    return ExitCode::Ok;
}

int printToken(Cli &cli)
{
    const ClientConnection &c = cli.client().connection();
    if (!c.apiKey.isEmpty())
        return cli.out(c.apiKey + QLatin1Char('\n')), ExitCode::Ok;
    if (c.accessToken.isEmpty() && c.refreshToken.isEmpty())
        return cli.failWith(ExitCode::Auth, QStringLiteral("unauthorized"),
            QStringLiteral("no credentials: run tanvrit-compute auth login, or set TANVRIT_API_KEY"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (c.accessToken.isEmpty() || c.accessExpiresAtMs <= 0 || c.accessExpiresAtMs - now < 60000) {
        // Cli::client() stores the rotated tokens in the context (sessionRefreshed)
        const auto s = cli.await<Session>([&](ClientCallback<Session> cb) { cli.client().refreshSession(cb); });
        if (!s)
            return cli.fail(s.error());
    }
    cli.out(cli.client().connection().accessToken + QLatin1Char('\n'));
    return ExitCode::Ok;
}

int whoAmI(Cli &cli)
{
    const auto r = cli.await<WhoAmI>([&](ClientCallback<WhoAmI> cb) { cli.client().whoAmI(cb); });
    if (!r)
        return cli.fail(r.error());
    const WhoAmI &w = r.value();
    if (cli.output() == OutputMode::Json || cli.output() == OutputMode::Jsonl)
        return cli.printJson(w.json), ExitCode::Ok;
    if (cli.output() == OutputMode::Name)
        return cli.out((w.email.isEmpty() ? w.userId : w.email) + QLatin1Char('\n')), ExitCode::Ok;
    Table t({QStringLiteral("EMAIL"), QStringLiteral("KIND"), QStringLiteral("ROLE"), QStringLiteral("WORKSPACE")});
    t.add({w.email.isEmpty() ? QStringLiteral("-") : w.email, w.kind, w.role, w.workspaceId});
    cli.out(t.render(cli.output() == OutputMode::Wide ? 0 : cli.terminalWidth(), cli.color()));
    return ExitCode::Ok;
}

// --- config

QString authOf(const CliContextEntry &e)
{
    if (!e.apiKey.isEmpty())
        return QStringLiteral("key ") + e.apiKey.left(12) + QStringLiteral("…");
    if (!e.refreshToken.isEmpty() || !e.accessToken.isEmpty())
        return QStringLiteral("session ") + (e.email.isEmpty() ? QStringLiteral("?") : e.email);
    return QStringLiteral("-");
}

int setContext(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("config set-context takes one context name"));
    const QString name = cli.positional().first();
    if (name.isEmpty() || name.size() > 64 || name.contains(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.@-]"))))
        return cli.usageError(QStringLiteral("a context name is 1–64 letters, digits, '_', '.', '@' or '-'"));
    CliConfig &cfg = cli.config();
    const bool isNew = !cfg.contexts.contains(name);
    CliContextEntry &e = cfg.contexts[name];
    if (cli.isSet(QStringLiteral("server"))) {
        const QString server = cli.value(QStringLiteral("server"));
        const QUrl u(server);
        if (!u.isValid() || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))
            || u.host().isEmpty())
            return cli.usageError(QStringLiteral("--server must be an http:// or https:// URL (got '%1')").arg(server));
        if (e.server != server) { // a session belongs to the server that issued it
            e.accessToken.clear();
            e.refreshToken.clear();
            e.accessExpiresAtMs = 0;
        }
        e.server = server;
    }
    if (cli.isSet(QStringLiteral("api-key")))
        e.apiKey = cli.value(QStringLiteral("api-key"));
    if (cli.isSet(QStringLiteral("workspace")))
        e.workspace = cli.value(QStringLiteral("workspace"));
    if (cli.isSet(QStringLiteral("ca")))
        e.ca = cli.value(QStringLiteral("ca"));
    if (cli.isSet(QStringLiteral("use")) || cfg.current.isEmpty())
        cfg.current = name;
    if (!cli.saveConfig())
        return ExitCode::Failure;
    cli.out(QStringLiteral("context %1 %2%3\n")
                .arg(name, isNew ? QStringLiteral("created") : QStringLiteral("updated"),
                    cfg.current == name ? QStringLiteral(" (current)") : QString()));
    return ExitCode::Ok;
}

int useContext(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("config use-context takes one context name"));
    const QString name = cli.positional().first();
    if (!cli.config().contexts.contains(name))
        return cli.failWith(ExitCode::NotFound, QStringLiteral("not_found"),
            QStringLiteral("no context named '%1' (see config get-contexts)").arg(name));
    cli.config().current = name;
    if (!cli.saveConfig())
        return ExitCode::Failure;
    cli.out(QStringLiteral("switched to context %1\n").arg(name));
    return ExitCode::Ok;
}

int getContexts(Cli &cli)
{
    const CliConfig &cfg = cli.config();
    if (cli.output() == OutputMode::Json || cli.output() == OutputMode::Jsonl) {
        // never the secrets themselves
        QJsonArray items;
        for (auto it = cfg.contexts.begin(); it != cfg.contexts.end(); ++it)
            items.append(QJsonObject {{QStringLiteral("name"), it.key()},
                {QStringLiteral("current"), it.key() == cfg.current}, {QStringLiteral("server"), it->server},
                {QStringLiteral("workspace"), it->workspace}, {QStringLiteral("ca"), it->ca},
                {QStringLiteral("auth"),
                    it->apiKey.isEmpty() ? (it->refreshToken.isEmpty() ? QString() : QStringLiteral("session"))
                                         : QStringLiteral("apiKey")},
                {QStringLiteral("email"), it->email}});
        QJsonObject whole {{QStringLiteral("currentContext"), cfg.current}, {QStringLiteral("contexts"), items}};
        if (cli.output() == OutputMode::Json)
            return cli.printJson(whole), ExitCode::Ok;
        for (const auto &i : items)
            cli.printJsonLine(i.toObject());
        return ExitCode::Ok;
    }
    if (cli.output() == OutputMode::Name) {
        QString s;
        for (auto it = cfg.contexts.begin(); it != cfg.contexts.end(); ++it)
            s += it.key() + QLatin1Char('\n');
        return cli.out(s), ExitCode::Ok;
    }
    Table t({QStringLiteral("CURRENT"), QStringLiteral("NAME"), QStringLiteral("SERVER"), QStringLiteral("WORKSPACE"),
        QStringLiteral("AUTH")});
    for (auto it = cfg.contexts.begin(); it != cfg.contexts.end(); ++it)
        t.add({it.key() == cfg.current ? QStringLiteral("*") : QString(), it.key(),
            it->server.isEmpty() ? QStringLiteral("(default)") : it->server,
            it->workspace.isEmpty() ? QStringLiteral("-") : it->workspace, authOf(*it)});
    cli.out(t.render(cli.output() == OutputMode::Wide ? 0 : cli.terminalWidth(), cli.color()));
    return ExitCode::Ok;
}

int currentContext(Cli &cli)
{
    if (cli.config().current.isEmpty())
        return cli.failWith(ExitCode::NotFound, QStringLiteral("not_found"),
            QStringLiteral("no current context (see config set-context --use)"));
    cli.out(cli.config().current + QLatin1Char('\n'));
    return ExitCode::Ok;
}

int deleteContext(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("config delete-context takes one context name"));
    const QString name = cli.positional().first();
    if (!cli.config().contexts.remove(name))
        return cli.failWith(ExitCode::NotFound, QStringLiteral("not_found"),
            QStringLiteral("no context named '%1' (see config get-contexts)").arg(name));
    if (cli.config().current == name)
        cli.config().current.clear();
    if (!cli.saveConfig())
        return ExitCode::Failure;
    cli.out(QStringLiteral("deleted context %1\n").arg(name));
    return ExitCode::Ok;
}
} // namespace

void addCompletionCommands(QList<CliCommand> &into); // Completion.cpp

void addAccountCommands(QList<CliCommand> &c)
{
    c.append({QStringLiteral("auth login"), QStringLiteral("Sign in and store the session in the current context"),
        QStringLiteral("[--email E] [--password-stdin | --api-key-stdin] [--server URL]"),
        QStringLiteral("tanvrit-compute auth login --server https://cp.example.com:8443\n"
                       "printf '%s\\n' \"$PASSWORD\" | tanvrit-compute auth login --email ada@example.com "
                       "--password-stdin\n"
                       "tanvrit-compute auth login --api-key-stdin < ci.key"),
        [](QCommandLineParser &p) {
            p.addOptions({Cli::option(QStringLiteral("email"), QStringLiteral("Your email (asked for on a terminal)."),
                              QStringLiteral("EMAIL")),
                Cli::option(
                    QStringLiteral("password-stdin"), QStringLiteral("Read the password from stdin (one line).")),
                Cli::option(QStringLiteral("api-key-stdin"),
                    QStringLiteral("Read an API key from stdin and store it instead of a session."))});
        },
        login});
    c.append({QStringLiteral("auth logout"), QStringLiteral("Revoke the session and forget the stored credentials"),
        QString(), QStringLiteral("tanvrit-compute auth logout\ntanvrit-compute --context prod auth logout"), nullptr,
        logout});
    c.append({QStringLiteral("auth print-token"),
        QStringLiteral("Print a token for other tools (the session's, refreshed; or the API key)"), QString(),
        QStringLiteral("curl -H \"Authorization: Bearer $(tanvrit-compute auth print-token)\" "
                       "https://cp.example.com:8443/v0/jobs"),
        nullptr, printToken});
    c.append({QStringLiteral("auth whoami"), QStringLiteral("Show who the credentials are and where they act"),
        QString(), QStringLiteral("tanvrit-compute auth whoami\ntanvrit-compute auth whoami -o json | jq -r .role"),
        nullptr, whoAmI});

    c.append({QStringLiteral("config set-context"), QStringLiteral("Create or change a context"),
        QStringLiteral("NAME [--server URL] [--api-key KEY] [--workspace ID] [--ca FILE] [--use]"),
        QStringLiteral("tanvrit-compute config set-context prod --server https://cp:8443 --ca /etc/cp-ca.pem --use\n"
                       "tanvrit-compute config set-context prod --workspace ws_01JD"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(QStringLiteral("use"), QStringLiteral("Make it the current context.")));
        },
        setContext, QStringLiteral("contexts")});
    c.append({QStringLiteral("config use-context"), QStringLiteral("Make a context the current one"),
        QStringLiteral("NAME"), QStringLiteral("tanvrit-compute config use-context prod"), nullptr, useContext,
        QStringLiteral("contexts")});
    c.append({QStringLiteral("config get-contexts"), QStringLiteral("List the contexts (* marks the current one)"),
        QString(), QStringLiteral("tanvrit-compute config get-contexts\ntanvrit-compute config get-contexts -o name"),
        nullptr, getContexts});
    c.append({QStringLiteral("config current-context"), QStringLiteral("Print the current context's name"), QString(),
        QStringLiteral("tanvrit-compute config current-context"), nullptr, currentContext});
    c.append({QStringLiteral("config delete-context"), QStringLiteral("Delete a context and its stored credentials"),
        QStringLiteral("NAME"), QStringLiteral("tanvrit-compute config delete-context old-lab"), nullptr, deleteContext,
        QStringLiteral("contexts")});
    addCompletionCommands(c);
}

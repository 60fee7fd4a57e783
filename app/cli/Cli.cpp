#include "Cli.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace {
constexpr const char *kDefaultServer = "http://127.0.0.1:8080";

void write(FILE *f, const QString &text)
{
    const QByteArray b = text.toUtf8();
    fwrite(b.constData(), 1, size_t(b.size()), f);
    fflush(f);
}

void globalOptions(QCommandLineParser &p)
{
    p.addOptions({
        {{QStringLiteral("o"), QStringLiteral("output")},
            QStringLiteral("Output: table (default), wide, json, jsonl or name."), QStringLiteral("FORMAT")},
        {QStringLiteral("server"),
            QStringLiteral("Control plane URL (env TANVRIT_SERVER; default %1).").arg(QLatin1String(kDefaultServer)),
            QStringLiteral("URL")},
        {QStringLiteral("api-key"),
            QStringLiteral(
                "API key (env TANVRIT_API_KEY; prefer the environment: arguments are visible to other users)."),
            QStringLiteral("KEY")},
        {QStringLiteral("context"), QStringLiteral("Context of the config file to use (env TANVRIT_CONTEXT)."),
            QStringLiteral("NAME")},
        {QStringLiteral("workspace"), QStringLiteral("Workspace to act in (env TANVRIT_WORKSPACE)."),
            QStringLiteral("ID")},
        {QStringLiteral("ca"),
            QStringLiteral("PEM file of the CA that signed the server's certificate (env TANVRIT_CA)."),
            QStringLiteral("FILE")},
        {QStringLiteral("no-color"), QStringLiteral("No colours (also when NO_COLOR is set).")},
        {QStringLiteral("request-timeout"), QStringLiteral("Seconds to wait for each answer (default 30)."),
            QStringLiteral("SECONDS")},
        {{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")},
    });
}

QString groupOf(const QString &path)
{
    return path.section(QLatin1Char(' '), 0, 0);
}

void printGroupHelp(const QString &group)
{
    QString s = QStringLiteral("Usage: tanvrit-compute %1 <command> [flags]\n\nCommands:\n").arg(group);
    for (const CliCommand &c : Cli::commands())
        if (groupOf(c.path) == group && !c.summary.isEmpty())
            s += QStringLiteral("  %1%2\n").arg(c.path.section(QLatin1Char(' '), 1).leftJustified(16), c.summary);
    s += QStringLiteral("\nExamples:\n");
    for (const CliCommand &c : Cli::commands())
        if (groupOf(c.path) == group && !c.summary.isEmpty() && !c.examples.isEmpty())
            s += QStringLiteral("  ") + c.examples.section(QLatin1Char('\n'), 0, 0) + QLatin1Char('\n');
    s += QStringLiteral("\nRun 'tanvrit-compute %1 <command> --help' for its flags and examples.\n").arg(group);
    write(stdout, s);
}

QString helpFor(const CliCommand &cmd, QCommandLineParser &p)
{
    QString options = p.helpText();
    const qsizetype at = options.indexOf(QLatin1String("Options:"));
    options = at >= 0 ? options.mid(at + 8) : QString();
    QString s = QStringLiteral("Usage: tanvrit-compute %1 %2\n\n%3\n\nFlags:%4")
                    .arg(cmd.path, cmd.usage, cmd.summary, options);
    if (!cmd.examples.isEmpty()) {
        s += QStringLiteral("\nExamples:\n");
        for (const QString &line : cmd.examples.split(QLatin1Char('\n')))
            s += QStringLiteral("  ") + line + QLatin1Char('\n');
    }
    return s;
}
} // namespace

const QList<CliCommand> &Cli::commands()
{
    static const QList<CliCommand> all = [] {
        QList<CliCommand> c;
        addJobsCommands(c);
        addAdminCommands(c);
        addScheduleCommands(c); // schedules (part 4)
        addAccountCommands(c);
        addArtifactCommands(c); // Part 1
        addSecretCommands(c); // part 2: secret vaults
        addWebhookCommands(c); // part 3: webhooks
        return c;
    }();
    return all;
}

void Cli::addGlobalOptions(QCommandLineParser &parser)
{
    globalOptions(parser);
}

bool Cli::isClientCommand(const QString &word)
{
    for (const CliCommand &c : commands())
        if (groupOf(c.path) == word)
            return true;
    return false;
}

int Cli::main(QStringList args)
{
    const QString group = args.value(0);
    const QString sub = args.value(1);
    for (const CliCommand &c : commands()) {
        // a three-word command (jobs artifacts list; Part 1)
        if (!args.value(2).isEmpty() && c.path == group + QLatin1Char(' ') + sub + QLatin1Char(' ') + args.value(2))
            return Cli().runCommand(c, args.mid(3));
        if (c.path == group) // a one-word command: completion, __complete
            return Cli().runCommand(c, args.mid(1));
        if (c.path == group + QLatin1Char(' ') + sub && !sub.isEmpty())
            return Cli().runCommand(c, args.mid(2));
    }
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub == QLatin1String("help")) {
        printGroupHelp(group);
        return ExitCode::Ok; // a bare group asks what it holds, as `kubectl config` does
    }
    write(stderr,
        QStringLiteral("error: usage: unknown command '%1 %2' (see tanvrit-compute %1 --help)\n").arg(group, sub));
    return ExitCode::Usage;
}

int Cli::runCommand(const CliCommand &cmd, const QStringList &args)
{
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (cmd.options)
        cmd.options(m_parser);
    addGlobalOptions(m_parser);
    if (!m_parser.parse(QStringList {QStringLiteral("tanvrit-compute")} + args))
        return usageError(m_parser.errorText() + QStringLiteral(" (see --help)"));
    if (m_parser.isSet(QStringLiteral("help"))) {
        out(helpFor(cmd, m_parser));
        return ExitCode::Ok;
    }
    QString error;
    if (!setUp(&error))
        return usageError(error);
    return cmd.run(*this);
}

bool Cli::setUp(QString *error)
{
    m_stdoutTty = ::isatty(1);
    m_stderrTty = ::isatty(2);
    m_color = m_stdoutTty && !qEnvironmentVariableIsSet("NO_COLOR") && !isSet(QStringLiteral("no-color"));
    const QString o = value(QStringLiteral("output"));
    static const QStringList modes = {QStringLiteral("table"), QStringLiteral("wide"), QStringLiteral("json"),
        QStringLiteral("jsonl"), QStringLiteral("name")};
    if (!o.isEmpty() && !modes.contains(o)) {
        *error = QStringLiteral("-o must be one of table, wide, json, jsonl, name (got '%1')").arg(o);
        return false;
    }
    m_output = o.isEmpty() ? OutputMode::Table : OutputMode(modes.indexOf(o));
    if (!m_config.load(CliConfig::defaultPath(), error))
        return false;

    auto pick = [this](const char *flag, const char *env, const QString &fromContext) {
        if (isSet(QLatin1String(flag)))
            return value(QLatin1String(flag));
        const QString e = qEnvironmentVariable(env);
        return e.isEmpty() ? fromContext : e;
    };
    m_contextName = pick("context", "TANVRIT_CONTEXT", m_config.current);
    if ((isSet(QStringLiteral("context")) || qEnvironmentVariableIsSet("TANVRIT_CONTEXT"))
        && !m_config.contexts.contains(m_contextName)) {
        *error = QStringLiteral("no context named '%1' in %2 (see config get-contexts)")
                     .arg(m_contextName, m_config.path());
        return false;
    }
    const CliContextEntry ctx = m_config.contexts.value(m_contextName);
    m_conn.server = pick("server", "TANVRIT_SERVER", ctx.server);
    if (m_conn.server.isEmpty())
        m_conn.server = QLatin1String(kDefaultServer);
    const QUrl u(m_conn.server);
    if (!u.isValid() || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))
        || u.host().isEmpty()) {
        *error = QStringLiteral("the server must be an http:// or https:// URL (got '%1')").arg(m_conn.server);
        return false;
    }
    m_conn.apiKey = pick("api-key", "TANVRIT_API_KEY", ctx.apiKey);
    if (m_conn.apiKey.isEmpty()) {
        m_conn.accessToken = ctx.accessToken;
        m_conn.refreshToken = ctx.refreshToken;
        m_conn.accessExpiresAtMs = ctx.accessExpiresAtMs;
    }
    m_conn.workspace = pick("workspace", "TANVRIT_WORKSPACE", ctx.workspace);
    m_conn.caFile = pick("ca", "TANVRIT_CA", ctx.ca);
    if (isSet(QStringLiteral("request-timeout"))) {
        bool ok = false;
        const double s = value(QStringLiteral("request-timeout")).toDouble(&ok);
        if (!ok || s <= 0 || s > 86400) {
            *error = QStringLiteral("--request-timeout must be a number of seconds above 0");
            return false;
        }
        m_conn.requestTimeoutMs = int(s * 1000);
    }
    return true;
}

QCommandLineOption Cli::option(const QString &names, const QString &help, const QString &valueName)
{
    return QCommandLineOption(names.split(QLatin1Char(',')), help, valueName);
}

void Cli::addRoleOption(QCommandLineParser &p, const QString &help)
{
    p.addOption(option(QStringLiteral("role"), help, QStringLiteral("ROLE")));
}

int Cli::terminalWidth() const
{
    bool ok = false;
    const int cols = qEnvironmentVariable("COLUMNS").toInt(&ok);
    if (ok && cols > 0)
        return cols;
    struct winsize ws
    {
    };
    if (m_stdoutTty && ::ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

ComputeClient &Cli::client()
{
    if (!m_client) {
        m_client = std::make_unique<ComputeClient>(m_conn);
        QObject::connect(m_client.get(), &ComputeClient::sessionRefreshed, [this](const Session &s) {
            // keep the rotated refresh token: the old one is spent
            if (CliContextEntry *c = context()) {
                c->accessToken = s.accessToken;
                c->refreshToken = s.refreshToken;
                c->accessExpiresAtMs = s.accessExpiresAtMs;
                saveConfig();
            }
        });
    }
    return *m_client;
}

bool Cli::hasCredentials() const
{
    return !m_conn.apiKey.isEmpty() || !m_conn.accessToken.isEmpty() || !m_conn.refreshToken.isEmpty();
}

CliContextEntry *Cli::context()
{
    auto it = m_config.contexts.find(m_contextName);
    return it == m_config.contexts.end() ? nullptr : &it.value();
}

bool Cli::saveConfig()
{
    QString error;
    if (m_config.save(&error))
        return true;
    err(QStringLiteral("warning: %1\n").arg(error));
    return false;
}

int Cli::exitCodeFor(const ClientError &e)
{
    switch (e.kind) {
    case ClientError::Kind::Unreachable:
    case ClientError::Kind::Tls:
        return ExitCode::Unreachable;
    case ClientError::Kind::Timeout:
        return ExitCode::Timeout;
    case ClientError::Kind::Protocol:
        return ExitCode::ServerError;
    case ClientError::Kind::Cancelled:
        return ExitCode::Interrupted;
    case ClientError::Kind::Http:
        break;
    }
    switch (e.status) {
    case 400:
    case 413:
    case 422:
        return ExitCode::Invalid;
    case 401:
        return ExitCode::Auth;
    case 403:
        return ExitCode::Forbidden;
    case 404:
        return ExitCode::NotFound;
    case 409:
        return ExitCode::Conflict;
    case 429:
        return ExitCode::RateLimited;
    default:
        return e.status >= 500 ? ExitCode::ServerError : ExitCode::Failure;
    }
}

int Cli::fail(const ClientError &e)
{
    QString text = e.describe();
    if (e.kind == ClientError::Kind::Unreachable || e.kind == ClientError::Kind::Tls)
        text += QStringLiteral(" (server %1)").arg(m_conn.server);
    if (e.isHttp(401) && !hasCredentials())
        text += QStringLiteral(" (no credentials: set TANVRIT_API_KEY, or run tanvrit-compute auth login)");
    err(QStringLiteral("error: %1\n").arg(text));
    return exitCodeFor(e);
}

int Cli::usageError(const QString &message)
{
    return failWith(ExitCode::Usage, QStringLiteral("usage"), message);
}

int Cli::failWith(int code, const QString &codeName, const QString &message)
{
    err(QStringLiteral("error: %1: %2\n").arg(codeName, message));
    return code;
}

void Cli::out(const QString &text)
{
    write(stdout, text);
}

void Cli::err(const QString &text)
{
    write(stderr, text);
}

void Cli::printJson(const QJsonObject &o)
{
    if (m_output == OutputMode::Jsonl)
        return printJsonLine(o);
    out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)));
}

void Cli::printJsonLine(const QJsonObject &o)
{
    out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) + QLatin1Char('\n'));
}

void Cli::printList(
    const QJsonObject &whole, const QJsonArray &items, const CliOutput::Table &table, const QString &idField)
{
    switch (m_output) {
    case OutputMode::Json:
        return printJson(whole);
    case OutputMode::Jsonl:
        for (const auto &v : items)
            printJsonLine(v.toObject());
        return;
    case OutputMode::Name: {
        QString s;
        for (const auto &v : items)
            s += v.toObject().value(idField).toString() + QLatin1Char('\n');
        return out(s);
    }
    case OutputMode::Table:
        return out(table.render(terminalWidth(), m_color));
    case OutputMode::Wide:
        return out(table.render(0, m_color));
    }
}

ClientResult<QString> Cli::pickOne(const QString &kind, const QString &prefix, const QStringList &matches)
{
    if (matches.size() == 1)
        return matches.first();
    ClientError e;
    e.status = 404;
    e.code = QStringLiteral("not_found");
    if (matches.isEmpty()) {
        e.message = QStringLiteral("no %1 matches \"%2\"").arg(kind, prefix);
    } else {
        const QStringList shown = matches.mid(0, 10);
        e.message = QStringLiteral("ambiguous id \"%1\": matches %2%3")
                        .arg(prefix, shown.join(QStringLiteral(", ")),
                            matches.size() > 10 ? QStringLiteral(", …") : QString());
    }
    return e;
}

ClientResult<QString> Cli::resolveJob(const QString &idOrPrefix)
{
    static const QRegularExpression full(QStringLiteral("^job_[0-9a-hjkmnp-tv-z]{26}$"));
    static const QRegularExpression prefix(QStringLiteral("^(job_)?[0-9A-Za-z]{1,26}$"));
    if (full.match(idOrPrefix).hasMatch())
        return idOrPrefix;
    if (!prefix.match(idOrPrefix).hasMatch())
        return pickOne(QStringLiteral("job"), idOrPrefix, {});
    JobFilter f;
    f.idPrefix = idOrPrefix;
    f.limit = 11;
    const auto page = await<JobPage>([&](ClientCallback<JobPage> cb) { client().jobs(f, cb); });
    if (!page)
        return page.error();
    QStringList ids;
    for (const JobView &j : page.value().jobs)
        ids << j.job.id;
    return pickOne(QStringLiteral("job"), idOrPrefix, ids);
}

ClientResult<QString> Cli::resolveAgent(const QString &idOrPrefix)
{
    const auto list = await<AgentList>([&](ClientCallback<AgentList> cb) { client().agents(cb); });
    if (!list)
        return list.error();
    QStringList ids;
    for (const AgentView &a : list.value().agents) {
        if (a.agent.id == idOrPrefix || a.agent.name == idOrPrefix)
            return a.agent.id;
        if (a.agent.id.startsWith(idOrPrefix, Qt::CaseInsensitive)
            || a.agent.id.mid(5).startsWith(idOrPrefix, Qt::CaseInsensitive))
            ids << a.agent.id;
    }
    return pickOne(QStringLiteral("agent"), idOrPrefix, ids);
}

ClientResult<QString> Cli::resolveKey(const QString &idOrPrefix)
{
    static const QRegularExpression full(QStringLiteral("^key_[0-9a-hjkmnp-tv-z]{26}$"));
    if (full.match(idOrPrefix).hasMatch()) // as is: the server answers 404 itself
        return idOrPrefix;
    const auto list = await<KeyList>([&](ClientCallback<KeyList> cb) { client().keys(true, cb); });
    if (!list)
        return list.error();
    QStringList ids;
    for (const KeyView &k : list.value().keys) {
        if (k.id == idOrPrefix)
            return k.id;
        if (k.id.startsWith(idOrPrefix, Qt::CaseInsensitive)
            || k.id.section(QLatin1Char('_'), 1).startsWith(idOrPrefix, Qt::CaseInsensitive))
            ids << k.id;
    }
    return pickOne(QStringLiteral("key"), idOrPrefix, ids);
}

qint64 Cli::parseDuration(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,9})(s|m|h|d)?$"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return -1;
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    return unit == QLatin1String("m") ? n * 60
        : unit == QLatin1String("h")  ? n * 3600
        : unit == QLatin1String("d")  ? n * 86400
                                      : n;
}

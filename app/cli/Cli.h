// The client side of `tanvrit-compute`: the command table, the global flags, the connection a command runs
// with (flag > environment > context > default), output modes, and the mapping of errors to exit codes.
// Each command is a function over a `Cli`; they talk to the control plane only through ComputeClient.
#pragma once

#include "CliConfig.h"
#include "CliOutput.h"
#include "ClientAwait.h"
#include "ComputeClient.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace ExitCode {
constexpr int Ok = 0;
constexpr int Failure = 1;
constexpr int Usage = 64;
constexpr int Invalid = 65;
constexpr int NotFound = 66;
constexpr int Auth = 67;
constexpr int Forbidden = 68;
constexpr int Conflict = 69;
constexpr int RateLimited = 70;
constexpr int ServerError = 71;
constexpr int Unreachable = 72;
constexpr int Timeout = 73;
constexpr int JobTimedOut = 124;
constexpr int JobCancelled = 125;
constexpr int JobAgentLost = 126;
constexpr int Interrupted = 130;
} // namespace ExitCode

enum class OutputMode { Table, Wide, Json, Jsonl, Name };

class Cli;

struct CliCommand
{
    QString path; // "jobs run"
    QString summary; // one line for the group's help
    QString usage; // after "tanvrit-compute jobs run ": "[flags] -- ARGV…"
    QString examples; // lines, shown under "Examples:"
    std::function<void(QCommandLineParser &)> options;
    std::function<int(Cli &)> run;
    QString completes; // what positional arguments are: "jobs", "agents", "keys", "contexts", "shells" or empty
};

class Cli
{
public:
    // The table of every client command (built once).
    static const QList<CliCommand> &commands();
    static bool isClientCommand(const QString &word);
    // The flags every client command takes (-o, --server, …); also read by the completion scripts.
    static void addGlobalOptions(QCommandLineParser &parser);
    // args: the words after the program name ("jobs", "run", …). Returns the exit code.
    static int main(QStringList args);

    QCommandLineParser &parser() { return m_parser; }
    QStringList positional() const { return m_parser.positionalArguments(); }
    QString value(const QString &name) const { return m_parser.value(name); }
    bool isSet(const QString &name) const { return m_parser.isSet(name); }

    OutputMode output() const { return m_output; }
    bool jsonOutput() const { return m_output == OutputMode::Json || m_output == OutputMode::Jsonl; }
    // A flag for a command's table: "f,follow" names a short and a long form.
    static QCommandLineOption option(const QString &names, const QString &help, const QString &valueName = {});
    static void addRoleOption(QCommandLineParser &p, const QString &help);
    bool color() const { return m_color; }
    bool stdoutTty() const { return m_stdoutTty; }
    bool stderrTty() const { return m_stderrTty; }
    int terminalWidth() const; // 0: do not cut (not a terminal)

    // The connection to use; credentials required unless `anonymous`.
    ComputeClient &client();
    bool hasCredentials() const;
    CliConfig &config() { return m_config; }
    QString contextName() const { return m_contextName; }
    CliContextEntry *context(); // the context in use, or null
    bool saveConfig();

    // Runs an asynchronous client call to its end (a local event loop) and returns its result.
    template <typename T> ClientResult<T> await(const std::function<void(ClientCallback<T>)> &call)
    {
        return awaitResult<T>(call);
    }

    // Prints `error: <code>: <message>` on stderr and returns the exit code for it.
    int fail(const ClientError &e);
    int usageError(const QString &message);
    int failWith(int code, const QString &codeName, const QString &message);
    static int exitCodeFor(const ClientError &e);

    // Output helpers
    void out(const QString &text); // stdout, as is
    void err(const QString &text); // stderr, as is
    void printJson(const QJsonObject &o); // -o json: indented; -o jsonl: compact
    void printJsonLine(const QJsonObject &o); // compact, one line
    // A list answer: json prints `whole`, jsonl each item, name the `idField` of each, else the table.
    void printList(const QJsonObject &whole, const QJsonArray &items, const CliOutput::Table &table,
        const QString &idField = QStringLiteral("id"));

    // Ids: a full id is taken as is; a prefix is resolved (NotFound when none or several match).
    ClientResult<QString> resolveJob(const QString &idOrPrefix);
    ClientResult<QString> resolveAgent(const QString &idOrPrefix);
    ClientResult<QString> resolveKey(const QString &idOrPrefix);
    static ClientResult<QString> pickOne(const QString &kind, const QString &prefix, const QStringList &matches);

    // Durations on the command line: "90", "90s", "5m", "2h", "1d" -> seconds; -1 when malformed.
    static qint64 parseDuration(const QString &text);

private:
    int runCommand(const CliCommand &cmd, const QStringList &args);
    bool setUp(QString *error);

    QCommandLineParser m_parser;
    CliConfig m_config;
    QString m_contextName;
    ClientConnection m_conn;
    std::unique_ptr<ComputeClient> m_client;
    OutputMode m_output = OutputMode::Table;
    bool m_color = false;
    bool m_stdoutTty = false;
    bool m_stderrTty = false;
};

// The command groups register themselves here (one function per file).
void addJobsCommands(QList<CliCommand> &into);
void addAdminCommands(QList<CliCommand> &into); // agents, keys, workspaces, audit
void addAccountCommands(QList<CliCommand> &into); // auth, config, completion
void addArtifactCommands(QList<CliCommand> &into); // jobs artifacts list | download (Part 1)
void addSecretCommands(QList<CliCommand> &into); // part 2: secrets vaults|list|set|delete
void addWebhookCommands(QList<CliCommand> &into); // part 3: webhooks
void addScheduleCommands(QList<CliCommand> &into); // schedules (part 4)

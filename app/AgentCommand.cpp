// Flags of `tanvrit-compute agent`, signals (SIGTERM/SIGINT through a signalfd: stop at once, exit 0) and start-up.
#include "AgentCommand.h"
#include "ConfigSources.h"
#include "AgentRuntime.h"
#include "Logging.h"
#include "ShutdownSignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <QSysInfo>

#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace {
QStringList splitList(const QString &s)
{
    QStringList out;
    for (const QString &part : s.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            out.append(part.trimmed());
    }
    return out;
}

bool parseLabels(const QString &s, QMap<QString, QString> &labels)
{
    for (const QString &pair : splitList(s)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return false;
        labels.insert(pair.left(eq).trimmed(), pair.mid(eq + 1).trimmed());
    }
    return true;
}

int fail(const char *message)
{
    fprintf(stderr, "agent: %s\n", qPrintable(ConfigSources::annotateCurrent(QString::fromUtf8(message))));
    return 2;
}

void wipe(char *s)
{
    if (s)
        std::memset(s, 'x', std::strlen(s));
}

// The key's bytes in main's argv are what /proc/<pid>/cmdline shows: overwritten in place.
void wipeKeyArguments(int argc, char **argv)
{
    for (int i = 1; argv && i < argc; ++i) {
        if (std::strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            wipe(argv[++i]);
        else if (std::strncmp(argv[i], "--key=", 6) == 0)
            wipe(argv[i] + 6);
    }
}

// TANVRIT_*KEY* variables and anything holding a workspace key (tnv_…): overwritten where they live (the
// initial block is what /proc/<pid>/environ shows) and unset, so neither this process nor a job sees them.
void forgetKeyVariables()
{
    QList<QByteArray> names;
    for (char **e = environ; e && *e; ++e) {
        char *eq = std::strchr(*e, '=');
        if (!eq)
            continue;
        const QByteArray name(*e, eq - *e);
        if ((name.startsWith("TANVRIT_") && name.contains("KEY")) || std::strncmp(eq + 1, "tnv_", 4) == 0) {
            wipe(eq + 1);
            names.append(name);
        }
    }
    for (const QByteArray &name : std::as_const(names))
        ::unsetenv(name.constData());
}
int parseConfig(const QStringList &args, AgentConfig &cfg);
int runConfigured(AgentConfig cfg);
} // namespace

int runAgent(QStringList args, int argc, char **argv)
{
    AgentConfig cfg;
    const int rc = parseConfig(args, cfg);
    // every copy of the key but cfg's is gone: main's argv, the environment, this argument list
    wipeKeyArguments(argc, argv);
    forgetKeyVariables();
    for (QString &a : args) {
        if (!cfg.registrationKey.isEmpty() && a.contains(cfg.registrationKey))
            a.fill(QLatin1Char('x'));
    }
    args.clear();
    if (rc >= 0)
        return rc;
    return runConfigured(std::move(cfg));
}

namespace {
// -1 when the agent should run; else the exit code (after --help, or for a bad flag).
int parseConfig(const QStringList &args, AgentConfig &cfg)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Run a Tanvrit Compute agent: register with a control plane, receive jobs (WebSocket push, long poll\n"
        "as fallback), run them as isolated processes and report logs and results.\n"
        "SIGTERM or SIGINT kills running jobs and exits 0 (the control plane requeues them)."));
    p.addHelpOption();
    // under systemd (StateDirectory=) the service's state directory, else <the user's data location>/agent
    const QString stateDir = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    const QString defaultWorkDir = stateDir.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/agent")
        : stateDir;
    const QList<QCommandLineOption> options = {
        {QStringLiteral("config"),
            QStringLiteral("Read options from this INI file (key = value, keys named like the flags). A flag wins over "
                           "the environment (TANVRIT_<NAME>), which wins over the file."),
            QStringLiteral("FILE")},
        {QStringLiteral("server"), QStringLiteral("Control plane URL, e.g. http://10.0.0.5:8080 (required)."),
            QStringLiteral("URL")},
        {QStringLiteral("key"),
            QStringLiteral("Workspace API key (admin or owner) used to register this node the first time, or again if "
                           "the server forgets it. Also read from TANVRIT_REGISTRATION_KEY. Not needed once "
                           "<work-dir>/agent.json holds the node's own key; forgotten (memory, environment, this "
                           "command line) once the node key works."),
            QStringLiteral("KEY")},
        {QStringLiteral("name"),
            QStringLiteral("Node name shown by the control plane (default: the name stored in <work-dir>/agent.json, "
                           "else the hostname). A name other than the stored one registers a new node (needs --key); "
                           "without a key the agent refuses to start."),
            QStringLiteral("NAME")},
        {QStringLiteral("labels"), QStringLiteral("Labels jobs can select on, k=v pairs separated by commas."),
            QStringLiteral("k=v,k2=v2")},
        {QStringLiteral("work-dir"),
            QStringLiteral("Where agent.json (the node identity, mode 0600) and the jobs' working directories live "
                           "(default: %1). Created 0700; one agent per work directory (agent.lock).")
                .arg(defaultWorkDir),
            QStringLiteral("DIR"), defaultWorkDir},
        {QStringLiteral("slots"), QStringLiteral("Most jobs run at once (0: one per CPU core)."), QStringLiteral("N"),
            QStringLiteral("0")},
        {QStringLiteral("heartbeat-interval"), QStringLiteral("Seconds between heartbeats (default: 30)."),
            QStringLiteral("SECONDS"), QStringLiteral("30")},
        {QStringLiteral("no-push"), QStringLiteral("Do not hold a WebSocket; receive jobs by long polling only.")},
        {QStringLiteral("capabilities"),
            QStringLiteral("Job types offered besides COMMAND, separated by commas, e.g. render,inference. CONTAINER "
                           "is offered when podman or the docker daemon answers at start, never by this flag."),
            QStringLiteral("LIST")},
        {QStringLiteral("keep-workdirs"),
            QStringLiteral("Hours a finished job's working directory is kept under <work-dir>/jobs before it is "
                           "removed (default: 24; 0 removes it as soon as the job ends). Directories a job named "
                           "with workingDir are left alone."),
            QStringLiteral("HOURS"), QStringLiteral("24")},
        {QStringLiteral("spool-max-mib"),
            QStringLiteral("Most log output held for the control plane while it cannot be reached, in MiB (default: "
                           "64). Kept in <work-dir>/outbox.spool with unreported results, so they survive a restart "
                           "of the agent; beyond it the oldest unsent lines are replaced by one \"[agent: N log "
                           "lines dropped …]\" line. Results are never dropped."),
            QStringLiteral("MIB"), QStringLiteral("64")},
        {QStringLiteral("job-user"),
            QStringLiteral("When the agent runs as root: the user jobs run as (default: nobody). Otherwise jobs run "
                           "as the agent's own user and this may only name it."),
            QStringLiteral("NAME")},
        {QStringLiteral("jobs-dir"),
            QStringLiteral("Where the jobs' working directories are made (default: <work-dir>/jobs, or %1/<hash of "
                           "the work dir> when jobs run as another user).")
                .arg(QString::fromLatin1(JobSandbox::kDefaultJobsBase)),
            QStringLiteral("DIR")},
        {QStringLiteral("job-pids-max"),
            QStringLiteral("Most processes and threads per job, enforced by its cgroup (0: no limit; default 4096)."),
            QStringLiteral("N"), QStringLiteral("4096")},
        {QStringLiteral("ca"),
            QStringLiteral("With an https:// --server: a PEM file of CA certificates trusted besides the system's, for "
                           "a control plane whose certificate a private CA signed. May be given more than once. The "
                           "server's certificate is always verified."),
            QStringLiteral("FILE")},
        {QStringLiteral("log-level"), QStringLiteral("debug, info, warn or error (default: info)."),
            QStringLiteral("LEVEL"), QStringLiteral("info")},
    };
    p.addOptions(ConfigSources::withDefaultsShown(options));
    ConfigSources sources(options, {QStringLiteral("ca")}); // fail() below names where a bad value was set
    QStringList resolved;
    if (QString why; !sources.resolve(args, &resolved, &why)) {
        fprintf(stderr, "agent: %s\n", qPrintable(why));
        return 2;
    }
    p.process(resolved);
    if (!sources.file().isEmpty())
        qInfo().noquote() << "agent: options read from" << sources.file();

    if (!Logging::install(p.value(QStringLiteral("log-level"))))
        return fail("--log-level must be debug, info, warn or error");
    cfg.serverUrl = QUrl(p.value(QStringLiteral("server")));
    if (!p.isSet(QStringLiteral("server")) || !cfg.serverUrl.isValid() || cfg.serverUrl.host().isEmpty()
        || (cfg.serverUrl.scheme() != QLatin1String("http") && cfg.serverUrl.scheme() != QLatin1String("https")))
        return fail("--server must be an http:// or https:// URL");
    for (const QString &caFile : p.values(QStringLiteral("ca"))) {
        QString error;
        if (!AgentTls::loadCaFile(caFile, &cfg.caCertificates, &error)) {
            fprintf(stderr, "agent: %s\n", qPrintable(error));
            return 2;
        }
    }
    cfg.registrationKey = p.isSet(QStringLiteral("key")) ? p.value(QStringLiteral("key"))
                                                         : qEnvironmentVariable("TANVRIT_REGISTRATION_KEY");
    cfg.name = p.value(QStringLiteral("name")).trimmed();
    if (p.isSet(QStringLiteral("name")) && cfg.name.isEmpty())
        return fail("--name must not be empty");
    if (!parseLabels(p.value(QStringLiteral("labels")), cfg.labels))
        return fail("--labels must look like k=v,k2=v2");
    cfg.workDir = QDir(p.value(QStringLiteral("work-dir"))).absolutePath();
    bool ok = false;
    cfg.slotCount = p.value(QStringLiteral("slots")).toInt(&ok);
    if (!ok || cfg.slotCount < 0)
        return fail("--slots must be a number, 0 or more");
    cfg.heartbeatIntervalSeconds = p.value(QStringLiteral("heartbeat-interval")).toInt(&ok);
    if (!ok || cfg.heartbeatIntervalSeconds < 1 || cfg.heartbeatIntervalSeconds > 3600)
        return fail("--heartbeat-interval must be a number of seconds between 1 and 3600");
    cfg.usePush = !p.isSet(QStringLiteral("no-push"));
    cfg.keepWorkdirsHours = p.value(QStringLiteral("keep-workdirs")).toInt(&ok);
    if (!ok || cfg.keepWorkdirsHours < 0 || cfg.keepWorkdirsHours > 24 * 365)
        return fail("--keep-workdirs must be a number of hours between 0 and 8760");
    const int spoolMib = p.value(QStringLiteral("spool-max-mib")).toInt(&ok);
    if (!ok || spoolMib < 1 || spoolMib > 65536)
        return fail("--spool-max-mib must be a number of MiB between 1 and 65536");
    cfg.logSpoolBytes = qint64(spoolMib) << 20;
    cfg.extraCapabilities = splitList(p.value(QStringLiteral("capabilities")));
    cfg.sandbox.jobUser = p.value(QStringLiteral("job-user")).trimmed();
    if (p.isSet(QStringLiteral("job-user")) && cfg.sandbox.jobUser.isEmpty())
        return fail("--job-user must not be empty");
    if (p.isSet(QStringLiteral("jobs-dir")))
        cfg.sandbox.jobsDir = QDir(p.value(QStringLiteral("jobs-dir"))).absolutePath();
    cfg.sandbox.pidsMax = p.value(QStringLiteral("job-pids-max")).toInt(&ok);
    if (!ok || cfg.sandbox.pidsMax < 0 || cfg.sandbox.pidsMax > 4194304)
        return fail("--job-pids-max must be a number between 0 and 4194304");
    return -1;
}

int runConfigured(AgentConfig cfg)
{
    ShutdownSignals shutdown; // before any thread starts

    AgentRuntime agent(std::move(cfg));
    QObject::connect(&agent, &AgentRuntime::fatalError, &agent, [](const QString &message) {
        qCritical().noquote() << "agent:" << message;
        QCoreApplication::exit(1);
    });
    QObject::connect(&agent, &AgentRuntime::drained, &agent,
        [] { qInfo().noquote() << "agent: idle and draining; stop it when convenient (SIGTERM)"; });

    QObject::connect(&shutdown, &ShutdownSignals::requested, &agent, [&] {
        qInfo().noquote() << "agent: shutdown signal received; killing running jobs";
        agent.stop();
        QCoreApplication::exit(0);
    });

    agent.start();
    const int rc = QCoreApplication::exec();
    agent.stop();
    return rc;
}
} // namespace

// Flags of `tanvrit-compute agent`, signals (SIGTERM/SIGINT through a signalfd: stop at once, exit 0) and start-up.
#include "AgentCommand.h"
#include "AgentRuntime.h"
#include "Logging.h"
#include "ShutdownSignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <QSysInfo>

#include <cstdio>
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
    fprintf(stderr, "agent: %s\n", message);
    return 2;
}
} // namespace

int runAgent(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Run a Tanvrit Compute agent: register with a control plane, receive jobs (WebSocket push, long poll\n"
        "as fallback), run them as isolated processes and report logs and results.\n"
        "SIGTERM or SIGINT kills running jobs and exits 0 (the control plane requeues them)."));
    p.addHelpOption();
    const QString defaultWorkDir
        = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/agent");
    p.addOptions({
        {QStringLiteral("server"), QStringLiteral("Control plane URL, e.g. http://10.0.0.5:8080 (required)."),
            QStringLiteral("URL")},
        {QStringLiteral("key"),
            QStringLiteral("Workspace API key (admin or owner) used to register this node the first time, or again if "
                           "the server forgets it. Also read from TANVRIT_REGISTRATION_KEY. Not needed once "
                           "<work-dir>/agent.json holds the node's own key."),
            QStringLiteral("KEY")},
        {QStringLiteral("name"), QStringLiteral("Node name shown by the control plane (default: the hostname)."),
            QStringLiteral("NAME"), QSysInfo::machineHostName()},
        {QStringLiteral("labels"), QStringLiteral("Labels jobs can select on, k=v pairs separated by commas."),
            QStringLiteral("k=v,k2=v2")},
        {QStringLiteral("work-dir"),
            QStringLiteral("Where agent.json (the node identity, mode 0600) and the jobs' working directories live "
                           "(default: %1).")
                .arg(defaultWorkDir),
            QStringLiteral("DIR"), defaultWorkDir},
        {QStringLiteral("slots"), QStringLiteral("Most jobs run at once (0: one per CPU core)."), QStringLiteral("N"),
            QStringLiteral("0")},
        {QStringLiteral("heartbeat-interval"), QStringLiteral("Seconds between heartbeats (default: 30)."),
            QStringLiteral("SECONDS"), QStringLiteral("30")},
        {QStringLiteral("no-push"), QStringLiteral("Do not hold a WebSocket; receive jobs by long polling only.")},
        {QStringLiteral("capabilities"),
            QStringLiteral("Job types offered besides COMMAND (and CONTAINER, when podman or docker is on PATH), "
                           "separated by commas, e.g. render,inference."),
            QStringLiteral("LIST")},
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
        {QStringLiteral("log-level"), QStringLiteral("debug, info, warn or error (default: info)."),
            QStringLiteral("LEVEL"), QStringLiteral("info")},
    });
    p.process(args);

    if (!Logging::install(p.value(QStringLiteral("log-level"))))
        return fail("--log-level must be debug, info, warn or error");
    AgentConfig cfg;
    cfg.serverUrl = QUrl(p.value(QStringLiteral("server")));
    if (!p.isSet(QStringLiteral("server")) || !cfg.serverUrl.isValid() || cfg.serverUrl.host().isEmpty()
        || (cfg.serverUrl.scheme() != QLatin1String("http") && cfg.serverUrl.scheme() != QLatin1String("https")))
        return fail("--server must be an http:// or https:// URL");
    cfg.registrationKey = p.isSet(QStringLiteral("key")) ? p.value(QStringLiteral("key"))
                                                         : qEnvironmentVariable("TANVRIT_REGISTRATION_KEY");
    cfg.name = p.value(QStringLiteral("name")).trimmed();
    if (cfg.name.isEmpty())
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
    cfg.extraCapabilities = splitList(p.value(QStringLiteral("capabilities")));
    cfg.sandbox.jobUser = p.value(QStringLiteral("job-user")).trimmed();
    if (p.isSet(QStringLiteral("job-user")) && cfg.sandbox.jobUser.isEmpty())
        return fail("--job-user must not be empty");
    if (p.isSet(QStringLiteral("jobs-dir")))
        cfg.sandbox.jobsDir = QDir(p.value(QStringLiteral("jobs-dir"))).absolutePath();
    cfg.sandbox.pidsMax = p.value(QStringLiteral("job-pids-max")).toInt(&ok);
    if (!ok || cfg.sandbox.pidsMax < 0 || cfg.sandbox.pidsMax > 4194304)
        return fail("--job-pids-max must be a number between 0 and 4194304");

    ShutdownSignals shutdown;   // before any thread starts

    AgentRuntime agent(cfg);
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

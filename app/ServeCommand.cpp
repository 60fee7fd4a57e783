// Flags, signals (SIGTERM/SIGINT through a signalfd, so shutdown runs on the event loop) and start-up.
#include "ServeCommand.h"
#include "ServeIdentityOptions.h"
#include "ServeWebhookOptions.h" // part 3: webhooks
#include "ConfigSources.h"
#include "ControlPlane.h"
#include "HeapTrimmer.h"
#include "LocalAgent.h"
#include "Logging.h"
#include "ServerTls.h"
#include "ShutdownSignals.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <cstdarg>
#include <cstdio>

#include <sys/resource.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace {
bool parseListen(const QString &s, QHostAddress &addr, quint16 &port)
{
    const int colon = s.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return false;
    QString host = s.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint p = s.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    if (host == QLatin1String("localhost"))
        addr = QHostAddress::LocalHost;
    else if (host.isEmpty() || host == QLatin1String("*"))
        addr = QHostAddress::Any;
    else if (!addr.setAddress(host))
        return false;
    port = quint16(p);
    return true;
}

// Every connection, open log segment and job pipe is a descriptor, and a login shell's soft limit
// (1,024 on Debian) is far below what the hard limit allows: take the hard limit. Returns the limit.
qint64 raiseDescriptorLimit(qint64 *before)
{
    rlimit rl {};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    *before = qint64(rl.rlim_cur);
    if (rl.rlim_cur < rl.rlim_max) {
        rlimit raised = rl;
        raised.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            rl = raised;
    }
    return rl.rlim_cur == RLIM_INFINITY ? std::numeric_limits<qint64>::max() : qint64(rl.rlim_cur);
}

// A bad option value, printed with where the option was set when that was not the command line.
void badOption(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char buf[1024];
    vsnprintf(buf, sizeof buf, format, ap);
    va_end(ap);
    const QString message = QString::fromLocal8Bit(buf).trimmed();
    fprintf(stderr, "%s\n", qPrintable(ConfigSources::annotateCurrent(message)));
}

bool parseSeconds(const QString &s, int &ms)
{
    bool ok = false;
    const double v = s.toDouble(&ok);
    if (!ok || !(v > 0 && v <= 86400))
        return false;
    ms = int(v * 1000);
    return ms > 0;
}
}

int runServe(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Run the Tanvrit Compute control plane (REST API, scheduler, store)."));
    p.addHelpOption();
    // under systemd (StateDirectory=) the service's state directory, else the user's data location
    const QString stateDir = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    const QString defaultData
        = stateDir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : stateDir;
    const QList<QCommandLineOption> options = {
        {QStringLiteral("config"),
            QStringLiteral("Read options from this INI file (key = value, keys named like the flags). A flag wins over "
                           "the environment (TANVRIT_<NAME>), which wins over the file."),
            QStringLiteral("FILE")},
        {QStringLiteral("listen"), QStringLiteral("Address to listen on, HOST:PORT (port 0 picks a free one)."),
            QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:8080")},
        {QStringLiteral("data-dir"),
            QStringLiteral("Where the database, logs and admin.key live (default: $STATE_DIRECTORY under systemd, else "
                           "~/.local/share/tanvrit-compute)."),
            QStringLiteral("DIR"), defaultData},
        {QStringLiteral("log-level"), QStringLiteral("debug, info, warn or error."), QStringLiteral("LEVEL"),
            QStringLiteral("info")},
        {QStringLiteral("max-body-bytes"), QStringLiteral("Largest request body accepted (413 beyond)."),
            QStringLiteral("BYTES"), QStringLiteral("1048576")},
        {QStringLiteral("shutdown-grace"), QStringLiteral("Seconds to let in-flight requests finish on SIGTERM."),
            QStringLiteral("SECONDS"), QStringLiteral("10")},
        {QStringLiteral("with-agent"), QStringLiteral("Also run an agent for this machine, on its own thread.")},
        {QStringLiteral("agent-slots"), QStringLiteral("Jobs the local agent runs at once (0: one per CPU)."),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("job-user"),
         QStringLiteral("With --with-agent as root: the user jobs run as (default: nobody)."), QStringLiteral("NAME")},
        {QStringLiteral("agent-jobs-dir"),
         QStringLiteral("With --with-agent: where the jobs' working directories are made (default: <data-dir>/agent/jobs, "
                        "or %1/<hash> when jobs run as another user).")
             .arg(QString::fromLatin1(JobSandbox::kDefaultJobsBase)),
         QStringLiteral("DIR")},
        {QStringLiteral("job-pids-max"), QStringLiteral("With --with-agent: most processes per job (0: no limit)."),
         QStringLiteral("N"), QStringLiteral("4096")},
        {QStringLiteral("agent-timeout"), QStringLiteral("Seconds without a heartbeat before an agent is LOST."),
            QStringLiteral("SECONDS"), QStringLiteral("90")},
        {QStringLiteral("log-max-bytes"),
            QStringLiteral("Per job attempt log cap; the oldest lines are dropped beyond it."), QStringLiteral("BYTES"),
            QStringLiteral("67108864")},
        {QStringLiteral("log-retention-days"),
            QStringLiteral("Delete finished jobs' logs after this many days (0: keep)."), QStringLiteral("DAYS"),
            QStringLiteral("30")},
        {QStringLiteral("event-retention-days"),
            QStringLiteral("Delete events (GET /v0/events history) older than this many days (0: keep)."),
            QStringLiteral("DAYS"), QStringLiteral("30")},
        {QStringLiteral("log-fsync"),
            QStringLiteral("fdatasync log lines before acknowledging them (power-loss durability).")},
        // part 2: secret vaults
        {QStringLiteral("secrets-key-file"),
            QStringLiteral("32-byte key (mode 0600) sealing secret values (default: <data-dir>/secrets.key, made at "
                           "first start)."),
            QStringLiteral("FILE")},
        {QStringLiteral("max-connections"),
            QStringLiteral(
                "Open connections at most; more are answered 503 (default 4096, at most half the descriptor limit)."),
            QStringLiteral("N")},
        {QStringLiteral("max-connections-per-ip"),
            QStringLiteral("Open connections from one client address at most (429 beyond)."), QStringLiteral("N"),
            QStringLiteral("256")},
        {QStringLiteral("header-timeout"), QStringLiteral("Seconds a client has to send a request's line and headers."),
            QStringLiteral("SECONDS"), QStringLiteral("10")},
        {QStringLiteral("idle-timeout"),
            QStringLiteral("Seconds a keep-alive connection may sit idle between requests."), QStringLiteral("SECONDS"),
            QStringLiteral("60")},
        {QStringLiteral("max-followers-per-key"),
            QStringLiteral("Live log and event streams one API key may hold at once (429 beyond)."),
            QStringLiteral("N"), QStringLiteral("64")},
        {QStringLiteral("tls-cert"),
            QStringLiteral(
                "Serve HTTPS (and WSS) with this PEM certificate (then any intermediates); needs --tls-key."),
            QStringLiteral("FILE")},
        {QStringLiteral("tls-key"), QStringLiteral("The PEM private key of --tls-cert (not encrypted)."),
            QStringLiteral("FILE")},
        // artifacts (Part 1)
        {QStringLiteral("artifact-max-file-bytes"), QStringLiteral("Largest artifact file a job may keep (413 beyond)."),
            QStringLiteral("BYTES"), QStringLiteral("8589934592")},
        {QStringLiteral("artifact-max-job-bytes"), QStringLiteral("Most artifact bytes one job may keep (413 beyond)."),
            QStringLiteral("BYTES"), QStringLiteral("34359738368")},
    };
    p.addOptions(ConfigSources::withDefaultsShown(options));
    p.addOptions(ConfigSources::withDefaultsShown(identityOptions()));
    p.addOptions(ConfigSources::withDefaultsShown(webhookOptions())); // part 3: webhooks
    ConfigSources sources(options + identityOptions() + webhookOptions(),
        {QStringLiteral("plan-rate"), QStringLiteral("webhook-allow")});
    QStringList resolved;
    if (QString why; !sources.resolve(args, &resolved, &why)) {
        fprintf(stderr, "serve: %s\n", qPrintable(why));
        return 2;
    }
    p.process(resolved);
    if (!sources.file().isEmpty())
        qInfo().noquote() << "serve: options read from" << sources.file();

    if (!Logging::install(p.value(QStringLiteral("log-level")))) {
        badOption("serve: --log-level must be debug, info, warn or error\n");
        return 2;
    }
    qint64 descriptorsBefore = 0;
    const qint64 descriptors = raiseDescriptorLimit(&descriptorsBefore);
    qInfo().noquote() << QStringLiteral("descriptor limit %1 (was %2)").arg(descriptors).arg(descriptorsBefore);
    ControlPlaneConfig cfg;
    cfg.dataDir = p.value(QStringLiteral("data-dir"));
    if (!parseListen(p.value(QStringLiteral("listen")), cfg.address, cfg.port)) {
        badOption("serve: --listen must look like HOST:PORT\n");
        return 2;
    }
    bool ok = false;
    cfg.server.maxBodyBytes = p.value(QStringLiteral("max-body-bytes")).toLongLong(&ok);
    if (!ok || cfg.server.maxBodyBytes < 1024) {
        badOption("serve: --max-body-bytes must be a number of at least 1024\n");
        return 2;
    }
    const int grace = p.value(QStringLiteral("shutdown-grace")).toInt(&ok);
    if (!ok || grace < 0) {
        badOption("serve: --shutdown-grace must be a non-negative number of seconds\n");
        return 2;
    }
    cfg.agentTimeoutSeconds = p.value(QStringLiteral("agent-timeout")).toInt(&ok);
    if (!ok || cfg.agentTimeoutSeconds < 1) {
        badOption("serve: --agent-timeout must be a positive number of seconds\n");
        return 2;
    }
    cfg.server.logMaxBytes = p.value(QStringLiteral("log-max-bytes")).toLongLong(&ok);
    if (!ok || cfg.server.logMaxBytes < 4096) {
        badOption("serve: --log-max-bytes must be at least 4096\n");
        return 2;
    }
    cfg.server.logRetentionDays = p.value(QStringLiteral("log-retention-days")).toInt(&ok);
    if (!ok || cfg.server.logRetentionDays < 0) {
        badOption("serve: --log-retention-days must be a non-negative number\n");
        return 2;
    }
    cfg.server.eventRetentionDays = p.value(QStringLiteral("event-retention-days")).toInt(&ok);
    if (!ok || cfg.server.eventRetentionDays < 0) {
        badOption("serve: --event-retention-days must be a non-negative number\n");
        return 2;
    }
    cfg.server.logFsync = p.isSet(QStringLiteral("log-fsync"));
    if (p.isSet(QStringLiteral("max-connections"))) {
        cfg.server.maxConnections = p.value(QStringLiteral("max-connections")).toInt(&ok);
        if (!ok || cfg.server.maxConnections < 1) {
            badOption("serve: --max-connections must be a positive number\n");
            return 2;
        }
    } else if (descriptors > 0) {
        // the rest of the descriptors go to log files, job pipes and the database
        cfg.server.maxConnections = int(std::clamp<qint64>(descriptors / 2, 16, 4096));
    }
    cfg.server.maxConnectionsPerAddress = p.value(QStringLiteral("max-connections-per-ip")).toInt(&ok);
    if (!ok || cfg.server.maxConnectionsPerAddress < 1) {
        badOption("serve: --max-connections-per-ip must be a positive number\n");
        return 2;
    }
    if (!parseSeconds(p.value(QStringLiteral("header-timeout")), cfg.server.headerTimeoutMs)
        || !parseSeconds(p.value(QStringLiteral("idle-timeout")), cfg.server.idleTimeoutMs)) {
        badOption("serve: --header-timeout and --idle-timeout must be a number of seconds above 0\n");
        return 2;
    }
    cfg.server.maxFollowersPerKey = p.value(QStringLiteral("max-followers-per-key")).toInt(&ok);
    if (!ok || cfg.server.maxFollowersPerKey < 1) {
        badOption("serve: --max-followers-per-key must be a positive number\n");
        return 2;
    }
    // artifacts (Part 1)
    cfg.server.artifactMaxFileBytes = p.value(QStringLiteral("artifact-max-file-bytes")).toLongLong(&ok);
    if (!ok || cfg.server.artifactMaxFileBytes < 0) {
        fprintf(stderr, "serve: --artifact-max-file-bytes must be a non-negative number\n");
        return 2;
    }
    cfg.server.artifactMaxJobBytes = p.value(QStringLiteral("artifact-max-job-bytes")).toLongLong(&ok);
    if (!ok || cfg.server.artifactMaxJobBytes < 0) {
        fprintf(stderr, "serve: --artifact-max-job-bytes must be a non-negative number\n");
        return 2;
    }
    if (QString why; !readIdentityOptions(p, cfg.identity, &why)) {
        badOption("serve: %s\n", qPrintable(why));
        return 2;
    }
    // part 2: secret vaults (the file itself is checked when the control plane starts)
    if (p.isSet(QStringLiteral("secrets-key-file"))) {
        cfg.server.secretsKeyFile = p.value(QStringLiteral("secrets-key-file"));
        if (cfg.server.secretsKeyFile.isEmpty()) {
            fprintf(stderr, "serve: --secrets-key-file must not be empty\n");
            return 2;
        }
    }
    // part 3: webhooks
    if (QString why; !readWebhookOptions(p, cfg.server.webhooks, &why)) {
        fprintf(stderr, "serve: %s\n", qPrintable(why));
        return 2;
    }
    if (p.isSet(QStringLiteral("tls-cert")) != p.isSet(QStringLiteral("tls-key"))) {
        badOption("serve: --tls-cert and --tls-key go together\n");
        return 2;
    }
    if (p.isSet(QStringLiteral("tls-cert"))) {
        QString tlsError;
        if (!ServerTls::load(
                p.value(QStringLiteral("tls-cert")), p.value(QStringLiteral("tls-key")), &cfg.server.tls, &tlsError)) {
            fprintf(stderr, "serve: %s\n", qPrintable(tlsError));
            return 2;
        }
    }
    const int agentSlots = p.value(QStringLiteral("agent-slots")).toInt(&ok);
    if (!ok || agentSlots < 0) {
        badOption("serve: --agent-slots must be a non-negative number\n");
        return 2;
    }
    JobSandbox::Options sandbox;
    sandbox.jobUser = p.value(QStringLiteral("job-user")).trimmed();
    if (p.isSet(QStringLiteral("job-user")) && sandbox.jobUser.isEmpty()) {
        badOption("serve: --job-user must not be empty\n");
        return 2;
    }
    if (p.isSet(QStringLiteral("agent-jobs-dir")))
        sandbox.jobsDir = QDir(p.value(QStringLiteral("agent-jobs-dir"))).absolutePath();
    sandbox.pidsMax = p.value(QStringLiteral("job-pids-max")).toInt(&ok);
    if (!ok || sandbox.pidsMax < 0 || sandbox.pidsMax > 4194304) {
        badOption("serve: --job-pids-max must be a number between 0 and 4194304\n");
        return 2;
    }

    if (!QDir().mkpath(cfg.dataDir)) {
        fprintf(stderr, "serve: cannot create the data directory %s\n", qPrintable(cfg.dataDir));
        return 1;
    }
    // a data dir made by an older version (0755, files 0644) is tightened: jobs and other users must
    // not read the database, the logs or admin.key
    const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    QFile::setPermissions(cfg.dataDir, ownerOnly | QFileDevice::ExeOwner);
    for (const char *name : {"tanvrit.db", "tanvrit.db-wal", "tanvrit.db-shm", "admin.key"})
        if (QFile::exists(cfg.dataDir + QLatin1Char('/') + QLatin1String(name)))
            QFile::setPermissions(cfg.dataDir + QLatin1Char('/') + QLatin1String(name), ownerOnly);

    ShutdownSignals shutdown; // before any thread starts

    ControlPlane plane;
    QString error;
    if (!plane.start(cfg, &error)) {
        qCritical().noquote() << "serve: could not start:" << error;
        return 1;
    }
    Logging::always(QStringLiteral("listening url=%1 data-dir=%2 admin-key=%3")
                        .arg(plane.url().toString(), cfg.dataDir, plane.adminKeyPath()));

    // under systemd (Type=notify): the store is open and the port is bound
    sd_notifyf(0, "READY=1\nSTATUS=listening on %s", qPrintable(plane.url().toString()));

    HeapTrimmer heapTrimmer;

    LocalAgent localAgent;
    if (p.isSet(QStringLiteral("with-agent")))
        localAgent.start(
            plane.url(), plane.adminKeyPath(), cfg.dataDir, agentSlots, sandbox, cfg.server.tls.localCertificate());

    QObject::connect(&shutdown, &ShutdownSignals::requested, &plane, [&] {
        qInfo().noquote() << "shutdown signal received; finishing in-flight requests";
        sd_notify(0, "STOPPING=1");
        localAgent.stop();
        plane.shutdown(grace * 1000, [] {
            qInfo().noquote() << "shutdown complete";
            QCoreApplication::exit(0);
        });
    });
    return QCoreApplication::exec();
}

// Start-up order: store (migrations) -> identity bootstrap -> events -> jobs -> HTTP.
#include "ControlPlane.h"
#include "AgentService.h"
#include "AuditService.h"
#include "AuthService.h"
#include "KeyService.h"
#include "OtpMailer.h"
#include "WorkspaceService.h"
#include "EventBus.h"
#include "HttpExchange.h"
#include "HttpServer.h"
#include "JobService.h"
#include "LogService.h"
#include "ArtifactService.h"
#include "Metrics.h"
#include "Scheduler.h"
#include "SecretService.h"
#include "ScheduleService.h" // schedules (part 4)
#include "Store.h"
#include "WebhookService.h" // part 3: webhooks

#include <QDebug>
#include <QDeadlineTimer>
#include <QDir>
#include <QLockFile>
#include <QTimer>

ControlPlane::ControlPlane(QObject *parent)
    : QObject(parent)
{
}

ControlPlane::~ControlPlane()
{
    delete m_http;
    if (m_services.audit)
        m_services.audit->flush(); // entries of the last event-loop turn go to the writer before it stops
    if (m_services.store)
        m_services.store->close();
    delete m_services.metrics;
    delete m_services.limiter;
}

QString ControlPlane::adminKeyPath() const
{
    return m_config.dataDir + QStringLiteral("/admin.key");
}

bool ControlPlane::start(const ControlPlaneConfig &config, QString *error)
{
    m_config = config;
    m_services.config = config.server;
    // two control planes on one database and log directory would corrupt each other's view of both
    QDir().mkpath(config.dataDir);
    m_dataLock = std::make_unique<QLockFile>(config.dataDir + QStringLiteral("/control-plane.lock"));
    if (!m_dataLock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_dataLock->getLockInfo(&pid, &host, &app);
        *error = QStringLiteral("another control plane (pid %1) already uses the data directory %2")
                     .arg(pid)
                     .arg(config.dataDir);
        return false;
    }
    m_services.store = new Store(this);
    if (!m_services.store->open(config.dataDir, error))
        return false;
    m_config.dataDir = m_services.store->dataDir();
    m_services.metrics = new Metrics;
    m_services.auth = new AuthService(*m_services.store, this);
    m_services.auth->setAccessTokenTtl(config.identity.accessTokenTtlSeconds);
    if (!m_services.auth->bootstrap(error, config.identity.resetAdminKey))
        return false;
    m_services.audit = new AuditService(*m_services.store, this);
    m_services.mailer = new OtpMailer(this);
    if (!m_services.mailer->configure(config.identity.smtpUrl, config.identity.smtpFrom, error))
        return false;
    m_services.accounts
        = new AccountService(*m_services.store, *m_services.auth, *m_services.mailer, config.identity.account, this);
    m_services.workspaces = new WorkspaceService(*m_services.store, *m_services.auth, this);
    m_services.keys = new KeyService(*m_services.store, *m_services.auth, this);
    m_services.limiter = new RateLimiter(config.identity.limits);
    m_services.events = new EventBus(*m_services.store, this);
    m_services.events->load();
    m_services.events->setRetentionDays(config.server.eventRetentionDays);
    m_services.jobs = new JobService(*m_services.store, *m_services.events, this);
    if (!m_services.jobs->load(error))
        return false;
    m_services.agents = new AgentService(
        *m_services.store, *m_services.auth, *m_services.jobs, *m_services.events, config.agentTimeoutSeconds, this);
    m_services.agents->load();
    m_services.scheduler = new Scheduler(*m_services.jobs, *m_services.agents, *m_services.metrics, this);
    m_services.scheduler->start();
    m_services.logs = new LogService(m_config.dataDir + QStringLiteral("/logs"),
        {config.server.logMaxBytes, config.server.logRetentionDays, config.server.logFsync}, *m_services.jobs, this);
    // artifacts (Part 1): kept as long as the job's logs
    m_services.artifacts = new ArtifactService(*m_services.store, *m_services.jobs,
        {config.server.artifactMaxFileBytes, config.server.artifactMaxJobBytes, 1000, config.server.logRetentionDays},
        this);
    if (!m_services.artifacts->load(error))
        return false;
    // part 2: secret vaults; a key that cannot be used stops the start (values would be unreadable)
    m_services.secrets = new SecretService(*m_services.store, this);
    if (!m_services.secrets->loadKey(m_config.dataDir, config.server.secretsKeyFile, error))
        return false;
    m_services.agents->setSecretResolver([secrets = m_services.secrets](const Job &j) {
        return secrets->resolve(j.workspaceId, j.spec.secrets);
    });
    // part 3: webhooks (durable outbox from the stored events, delivery on this thread)
    m_services.webhooks = new WebhookService(*m_services.store, *m_services.events, config.server.webhooks, this);
    if (!m_services.webhooks->start(m_config.dataDir, error))
        return false;
    { // schedules (part 4): the clock is the wall clock unless the documented test hook sets another
        const auto clock = ScheduleClock::fromEnvironment(error);
        if (!clock)
            return false;
        if (clock->isTestClock())
            qWarning().noquote() << "schedules:" << clock->describe() << "- a test hook, never for real use";
        m_services.schedules = new ScheduleService(*m_services.store, *m_services.jobs, *clock, this);
        if (!m_services.schedules->load(error))
            return false;
    }

    m_http = new HttpServer(m_services);
    const quint16 port = m_http->listenOn(config.address, config.port);
    if (port == 0) {
        *error = QStringLiteral("cannot listen on %1:%2").arg(config.address.toString()).arg(config.port);
        return false;
    }
    QUrl url;
    url.setScheme(config.server.usesTls() ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(config.address.toString());
    url.setPort(port);
    m_url = url;
    return true;
}

void ControlPlane::shutdown(int graceMs, std::function<void()> done)
{
    if (m_http)
        m_http->stopListening();
    HttpExchange::closeConnectionsAfterReply();
    if (m_services.agents)
        m_services.agents->releasePolls(); // parked long polls are not work in flight
    auto deadline = std::make_shared<QDeadlineTimer>(graceMs);
    auto timer = new QTimer(this);
    timer->setInterval(10);
    connect(timer, &QTimer::timeout, this, [this, timer, deadline, done] {
        if (HttpServer::inFlight() > 0 && !deadline->hasExpired())
            return;
        timer->stop();
        timer->deleteLater();
        if (m_services.audit)
            m_services.audit->flush();
        m_services.store->close(); // the writer commits what is queued before it stops
        done();
    });
    timer->start();
}

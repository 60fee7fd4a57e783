// What controllers reach: the core services of one control plane, and its configuration.
#pragma once

#include <QSslConfiguration>
#include <QString>

class Store;
class AuthService;
class JobService;
class EventBus;
class Metrics;
class AgentService;
class Scheduler;
class LogService;
class AccountService;
class WorkspaceService;
class KeyService;
class RateLimiter;
class AuditService;
class OtpMailer;
class ScheduleService; // schedules (part 4)

struct ServerConfig
{
    qint64 maxBodyBytes = 1024 * 1024;
    int pollWaitMs = 25000;
    bool metricsPublic = true;
    qint64 logMaxBytes = 64LL * 1024 * 1024;
    int logRetentionDays = 30;
    bool logFsync = false;
    int eventRetentionDays = 30;
    // connections (see GuardedTcpServer, RequestGuard)
    int maxConnections = 4096;
    int maxConnectionsPerAddress = 256;
    int headerTimeoutMs = 10000;
    int idleTimeoutMs = 60000;
    int maxFollowersPerKey = 64;
    qint64 maxWebSocketMessageBytes = 64 * 1024; // agents and log followers send (next to) nothing
    // HTTPS and WSS on the listening port when it holds a certificate (serve --tls-cert/--tls-key, ServerTls)
    QSslConfiguration tls;
    bool usesTls() const { return !tls.localCertificate().isNull(); }
};

struct Services
{
    Store *store = nullptr;
    AuthService *auth = nullptr;
    JobService *jobs = nullptr;
    EventBus *events = nullptr;
    Metrics *metrics = nullptr;
    AgentService *agents = nullptr;
    Scheduler *scheduler = nullptr;
    LogService *logs = nullptr;
    AccountService *accounts = nullptr;
    WorkspaceService *workspaces = nullptr;
    KeyService *keys = nullptr;
    RateLimiter *limiter = nullptr;
    AuditService *audit = nullptr;
    OtpMailer *mailer = nullptr;
    ScheduleService *schedules = nullptr; // schedules (part 4)
    ServerConfig config;
};

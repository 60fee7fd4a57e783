// What controllers reach: the core services of one control plane, and its configuration.
#pragma once

#include "WebhookConfig.h"

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
class ArtifactService; // artifacts (Part 1)
class SecretService; // part 2: secret vaults
class WebhookService; // part 3: webhooks
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
    // artifacts (Part 1): caps (serve --artifact-max-file-bytes, --artifact-max-job-bytes) and the
    // largest upload part a request may carry
    qint64 artifactMaxFileBytes = 8LL << 30;
    qint64 artifactMaxJobBytes = 32LL << 30;
    qint64 artifactPartBytes = 8LL << 20;
    // part 2 (secret vaults): the key sealing secret values; empty: <data-dir>/secrets.key, made at first start
    QString secretsKeyFile;
    // part 3: webhooks (serve --webhook-*)
    WebhookConfig webhooks;
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
    ArtifactService *artifacts = nullptr; // artifacts (Part 1)
    SecretService *secrets = nullptr; // part 2: secret vaults
    WebhookService *webhooks = nullptr; // part 3: webhooks
    ScheduleService *schedules = nullptr; // schedules (part 4)
    ServerConfig config;
};

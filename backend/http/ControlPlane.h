// One control plane: store, services and HTTP server wired together. Used by `serve` and, later,
// embedded by the console on its own thread.
#pragma once

#include "AccountService.h"
#include "RateLimiter.h"
#include "Services.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>
#include <functional>
#include <memory>

class HttpServer;
class QLockFile;

// Who may sign in and how much they may ask (serve --access-token-ttl, --registration, --smtp-url, …).
struct IdentityConfig
{
    int accessTokenTtlSeconds = 900;
    AccountConfig account;
    RateLimits limits;
    QString smtpUrl;     // empty: one-time codes go to the server log (a local install)
    QString smtpFrom = QStringLiteral("tanvrit-compute@localhost");
    bool resetAdminKey = false;
};

struct ControlPlaneConfig
{
    QString dataDir;
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8080;
    ServerConfig server;
    int agentTimeoutSeconds = 90;
    IdentityConfig identity;
};

class ControlPlane : public QObject
{
    Q_OBJECT
public:
    explicit ControlPlane(QObject *parent = nullptr);
    ~ControlPlane() override;

    bool start(const ControlPlaneConfig &config, QString *error);
    // Stops accepting, lets in-flight requests finish (up to graceMs), commits what is queued.
    void shutdown(int graceMs, std::function<void()> done);

    QUrl url() const { return m_url; }
    QString adminKeyPath() const;
    Services &services() { return m_services; }

private:
    ControlPlaneConfig m_config;
    Services m_services;
    HttpServer *m_http = nullptr;
    QUrl m_url;
    std::unique_ptr<QLockFile> m_dataLock; // one control plane per data dir (serve, or a console's embedded one)
};

// One control plane: store, services and HTTP server wired together. Used by `serve` and, later,
// embedded by the console on its own thread.
#pragma once

#include "Services.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>
#include <functional>

class HttpServer;

struct ControlPlaneConfig
{
    QString dataDir;
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8080;
    ServerConfig server;
    int agentTimeoutSeconds = 90;
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
};

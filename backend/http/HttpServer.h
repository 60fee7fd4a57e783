// The control plane's HTTP front: routing, the version header, body limits and authentication happen
// here once; controllers see an authenticated exchange.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QList>

class QWebSocket;

class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    explicit HttpServer(Services services, QObject *parent = nullptr);
    ~HttpServer() override;

    quint16 listenOn(const QHostAddress &address, quint16 port);
    void stopListening();
    static int inFlight();   // requests received and not yet answered (streams excluded)
    Router &router() { return m_router; }
    Services &services() { return m_services; }

Q_SIGNALS:
    void webSocketConnected(QWebSocket *socket);   // authenticated upgrade; receiver takes ownership

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void acceptWebSockets();
    // Authentication, rate limit, workspace and role: false once the refusal was answered.
    bool admitCaller(const ExchangePtr &ex, const Router::Route &route);
    void watchForAudit(const ExchangePtr &ex, const Router::Route &route);

    Services m_services;
    Router m_router;
    QList<QObject *> m_controllers;
};

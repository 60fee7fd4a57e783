// The agent plane: seed 000's /api/compute/nodes/* (envelope replies), /v0/agents…, and the agents'
// push channel (WebSocket /v0/agents/connect).
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class QWebSocket;

class NodesController : public QObject
{
    Q_OBJECT
public:
    NodesController(Services &s, Router &r, QObject *parent = nullptr);

    void acceptChannel(QWebSocket *socket);   // takes ownership

private:
    Services &m_s;
};

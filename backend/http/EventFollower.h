// One /v0/events subscriber: live events while it keeps up, catch-up from the ring or the store when
// its socket is full, so a slow reader never grows the server's memory.
#pragma once

#include "EventBus.h"
#include "FollowerQuota.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTcpSocket>

class EventFollower : public QObject
{
    Q_OBJECT
public:
    EventFollower(EventBus &bus, QString workspaceId, qint64 after, QStringList types, QTcpSocket *socket);
    void start();
    void holdTicket(FollowerQuota::Ticket ticket) { m_ticket = std::move(ticket); }

private:
    void onPublished(const StoredEvent &e);
    void catchUp();
    void write(const StoredEvent &e);

    EventBus &m_bus;
    QString m_workspace;
    qint64 m_last;
    QStringList m_types;
    QPointer<QTcpSocket> m_socket;
    bool m_behind = true;
    FollowerQuota::Ticket m_ticket;
};

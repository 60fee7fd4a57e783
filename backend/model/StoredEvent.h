// An event (job.created, agent.lost, …) as numbered, stored and published on /v0/events.
#pragma once

#include <QByteArray>
#include <QString>

struct StoredEvent
{
    qint64 seq = 0;
    QString workspaceId;
    QString type;
    qint64 at = 0;
    QByteArray doc; // the event's JSON
};

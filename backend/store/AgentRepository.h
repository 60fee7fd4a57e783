// SQL for agents (their registration record and last known state) and the durable event log.
#pragma once

#include "Agent.h"
#include "StoredEvent.h"

#include <QByteArray>
#include <QList>

class SqlSession;

namespace AgentRepository {
bool upsert(SqlSession &s, const Agent &a);
bool remove(SqlSession &s, const QString &id);
QList<Agent> loadAll(SqlSession &s);
}

namespace EventRepository {
bool insert(SqlSession &s, const StoredEvent &e);
QList<StoredEvent> after(SqlSession &s, qint64 seq, int limit);
qint64 maxSeq(SqlSession &s);
bool pruneBefore(SqlSession &s, qint64 seq);
// Deletes the oldest events stored before cutoffMs, at most `limit` of them (a walk of the primary key
// from its start: event times grow with their sequence numbers). Returns how many went, -1 on error.
int pruneOldest(SqlSession &s, qint64 cutoffMs, int limit);
}

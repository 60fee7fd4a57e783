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
}

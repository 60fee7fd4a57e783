// Small helpers the end-to-end suites share: a free TCP port for a server that must come back on the
// same address, job and log reads, and the output tails printed when a test fails.
#pragma once

#include "TestAgent.h"
#include "TestServer.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace E2e {

// A port nothing listens on right now (bound to 127.0.0.1:0, read, closed).
quint16 freePort();

QJsonObject getJob(TestServer &server, const QString &id);   // {} with "__status" on failure
QString stateOf(TestServer &server, const QString &id);
bool isTerminal(const QString &state);
QJsonObject findAgent(TestServer &server, const QString &agentId);   // from GET /v0/agents, {} if absent

// GET /v0/jobs/{id}/logs?<query>: the whole JSON reply ({} when not 200).
QJsonObject logBuffer(TestServer &server, const QString &id, const QString &query = {});
QStringList logTexts(const QJsonObject &buffer);
QList<qint64> logSeqs(const QJsonObject &buffer);

// States in a job's history, oldest first; count of one state.
QStringList historyStates(const QJsonObject &job);
int historyCount(const QJsonObject &job, const QString &state);

// 1..n
QList<qint64> range(qint64 from, qint64 to);

// The last bytes of what the server and agents printed, for failure messages.
QByteArray tails(TestServer *server, const std::vector<std::unique_ptr<TestAgent>> &agents, int bytes = 3000);

} // namespace E2e

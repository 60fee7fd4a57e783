// Delivery of assignments to agents and the agents' reports: an assignment is pushed on the agent's
// live channel or handed to its parked long poll, and re-sent until the agent reports it started;
// cancels travel the same way; started/result move the job on.
#pragma once

#include "AgentMessages.h"
#include "JobService.h"
#include "Principal.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <functional>

class AgentService;
struct AgentEntry;

class AssignmentDelivery : public QObject
{
    Q_OBJECT
public:
    AssignmentDelivery(AgentService &service, JobService &jobs, QObject *parent = nullptr);

    void deliver(const QString &agentId, const JobPtr &job); // after the ASSIGNED commit
    void poll(const Principal &node, int waitMs, std::function<void(const QJsonObject *payload)> done);
    void releasePolls(); // shutdown: answer every parked poll now, park no new one
    void started(
        const Principal &node, const QString &jobId, int attempt, std::function<void(Result<QJsonObject>)> done);
    void result(const Principal &node, const AgentReport &r, std::function<void(Result<QJsonObject>)> done);
    quint64 attachChannel(const QString &nodeId, std::function<bool(const QJsonObject &)> push);
    void detachChannel(const QString &nodeId, quint64 channel);
    void resendUnacknowledged(AgentEntry &a); // on the liveness tick: re-push what was not acknowledged

    static QJsonObject assignmentJson(const Job &job);
    // part 2: the values of a job's vault secrets, by env name (SecretService::resolve)
    using SecretResolver = std::function<Result<QMap<QString, QString>>(const Job &)>;
    void setSecretResolver(SecretResolver r) { m_secretResolver = std::move(r); }

private:
    void flushPoll(AgentEntry &a);
    bool assignmentFor(const Job &job, QJsonObject &out); // false: a vault secret cannot be resolved
    void sendControl(AgentEntry &a, const QJsonObject &msg);
    void onCancelRequested(const JobPtr &job);

    AgentService &m_service;
    JobService &m_jobs;
    QHash<QString, AgentEntry> &m_agents;
    bool m_noParking = false;
    SecretResolver m_secretResolver;
    QString m_lastSecretError;
};

// The agent plane's rules: the registry of agents (registration, heartbeats, drain, removal) and their
// liveness (LOST after the timeout). Assignments and agents' reports go through AssignmentDelivery;
// the methods for them here hand over, so callers see one agent plane.
#pragma once

#include "Agent.h"
#include "AgentMessages.h"
#include "ApiError.h"
#include "JobService.h"
#include "Principal.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>

class AssignmentDelivery;
class AuthService;
class EventBus;
class Store;

struct AgentEntry
{
    Agent info;
    int slotCount = 1;
    QSet<QString> jobs; // ids of unfinished jobs assigned to this agent
    QList<QString> undelivered; // assigned, not yet acknowledged by started/result
    QHash<QString, qint64> sentAt; // job id -> when last pushed/polled out
    std::function<bool(const QJsonObject &)> push; // live channel; returns false if it is gone
    quint64 channel = 0; // which attach `push` came from
    std::function<void(const QJsonArray &)> pollWaiter; // a parked long poll
    QTimer *pollTimer = nullptr;
    QList<QJsonObject> pendingControl; // cancel/kill notes for a node without a channel
    qint64 lastSeen = 0; // monotonic ms (AgentService's clock) of the last sign of life
    // heard from since this control plane started: one known only from the store may be gone for good, so it
    // keeps its running jobs for a full timeout but gets no new ones until it shows up
    bool heardSinceStart = false;
    bool rotateKeyRequested = false; // an admin asked it to rotate its node key (told by push and heartbeat)
};

class AgentService : public QObject
{
    Q_OBJECT
public:
    AgentService(Store &store, AuthService &auth, JobService &jobs, EventBus &events, int timeoutSeconds,
        QObject *parent = nullptr);

    bool load();

    void registerAgent(const Principal &p, const RegisterRequest &r, std::function<void(Result<QJsonObject>)> done);
    Result<QJsonObject> heartbeat(const Principal &node, const QJsonObject &body);
    // Shutdown: answers every parked long poll NO_DATA now and parks no new one (they would hold the
    // shutdown for up to 25 s).
    void releasePolls();
    void poll(const Principal &node, int waitMs, std::function<void(const QJsonObject *payload)> done);
    // Answers once the job's RUNNING is stored.
    void started(
        const Principal &node, const QString &jobId, int attempt, std::function<void(Result<QJsonObject>)> done);
    void result(const Principal &node, const AgentReport &r, std::function<void(Result<QJsonObject>)> done);
    // Stops new work; with a deadline, jobs still on the agent then are cancelled ("drain deadline").
    Result<QJsonObject> drain(const Principal &p, const QString &agentId, std::optional<int> deadlineSeconds = {});
    void remove(const Principal &p, const QString &agentId, std::function<void(Status)> done);
    void rotateKey(const Principal &node, std::function<void(Result<QJsonObject>)> done);
    // An admin asks an agent to rotate its node key: the agent is told (push channel, next heartbeat)
    // and rotates it itself with rotateKey, so the new key only ever travels to the agent.
    Result<QJsonObject> requestKeyRotation(const Principal &p, const QString &agentId);

    Result<QJsonObject> get(const Principal &p, const QString &agentId) const;
    QJsonArray list(const Principal &p) const;
    int onlineCount() const;

    // Live channel (WebSocket) of a node. `push` returns false once the channel is gone.
    // A node's push socket; attach returns its channel number. Detach names it, so the close of an old
    // socket noticed after the agent reconnected leaves the new channel alone.
    quint64 attachChannel(const QString &nodeId, std::function<bool(const QJsonObject &)> push);
    void detachChannel(const QString &nodeId, quint64 channel);
    void touch(const QString &nodeId); // any sign of life
    AgentEntry *entryOf(const Principal &node); // the caller's own entry, or nullptr

    // For the scheduler.
    QHash<QString, AgentEntry> &entries() { return m_agents; }
    bool isSchedulable(const AgentEntry &a) const { return a.info.state == AgentState::Online && a.heardSinceStart; }
    void deliver(const QString &agentId, const JobPtr &job); // after the ASSIGNED commit
    int timeoutSeconds() const { return m_timeoutSeconds; }

    static QJsonObject assignmentJson(const Job &job);
    void setSecretResolver(std::function<Result<QMap<QString, QString>>(const Job &)> r); // part 2

Q_SIGNALS:
    void capacityChanged(); // an agent appeared, came back, or finished a job
    // An agent registered, came back, was lost, drains or was removed: why a job waits may change.
    void agentsChanged();

private:
    AgentEntry *nodeEntry(const Principal &node);
    void checkLiveness();
    void markLost(AgentEntry &a, const QString &reason);
    void announceDrained(const AgentEntry &a); // agent.drained: draining and no job left
    void enforceDrainDeadline(AgentEntry &a, qint64 nowWallMs);
    void storeAgent(const Agent &a);
    void onJobChanged(const JobPtr &job, JobState from);

    Store &m_store;
    AuthService &m_auth;
    JobService &m_jobs;
    EventBus &m_events;
    int m_timeoutSeconds;
    QHash<QString, AgentEntry> m_agents;
    QTimer m_liveness;
    AssignmentDelivery *m_delivery = nullptr;
    QElapsedTimer m_clock; // liveness runs on a monotonic clock: wall-clock steps make nobody LOST
    qint64 m_lastCheck = 0;
};

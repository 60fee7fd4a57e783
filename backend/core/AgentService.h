// The agent plane's rules: registration, heartbeats, liveness (LOST after the timeout), drain, removal,
// delivery of assignments (pushed on a live channel or handed to a long poll) and agents' reports.
#pragma once

#include "Agent.h"
#include "ApiError.h"
#include "JobService.h"
#include "Principal.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>

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
    qint64 lastSeen = 0;
};

struct RegisterRequest
{
    QString name;
    QString hostname;
    QString version;
    QMap<QString, QString> labels;
    QStringList capabilities;
    double cpu = 0;
    double memGib = 0;
    int slotCount = 0;
    QList<GpuDevice> gpus;
    QString isolation; // none, cgroup-v1, cgroup-v2
    static Result<RegisterRequest> fromJson(const QJsonObject &o);
};

struct AgentReport // nodes/result
{
    QString jobId;
    int attempt = 0;
    JobState state = JobState::Failed;
    std::optional<int> exitCode;
    qint64 runtimeMs = -1;
    double cpuSeconds = -1;
    qint64 peakMemoryBytes = -1;
    QString error;
    QString message; // detail of a coded error (the limit behind "oom_killed")
    static Result<AgentReport> fromJson(const QJsonObject &o);
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
    Result<QJsonObject> started(const Principal &node, const QString &jobId, int attempt);
    void result(const Principal &node, const AgentReport &r, std::function<void(Result<QJsonObject>)> done);
    Result<QJsonObject> drain(const Principal &p, const QString &agentId);
    void remove(const Principal &p, const QString &agentId, std::function<void(Status)> done);
    void rotateKey(const Principal &node, std::function<void(Result<QJsonObject>)> done);

    Result<QJsonObject> get(const Principal &p, const QString &agentId) const;
    QJsonArray list(const Principal &p) const;
    int onlineCount() const;

    // Live channel (WebSocket) of a node. `push` returns false once the channel is gone.
    // A node's push socket; attach returns its channel number. Detach names it, so the close of an old
    // socket noticed after the agent reconnected leaves the new channel alone.
    quint64 attachChannel(const QString &nodeId, std::function<bool(const QJsonObject &)> push);
    void detachChannel(const QString &nodeId, quint64 channel);
    void touch(const QString &nodeId); // any sign of life

    // For the scheduler.
    QHash<QString, AgentEntry> &entries() { return m_agents; }
    bool isSchedulable(const AgentEntry &a) const { return a.info.state == AgentState::Online; }
    void deliver(const QString &agentId, const JobPtr &job); // after the ASSIGNED commit
    int timeoutSeconds() const { return m_timeoutSeconds; }

    static QJsonObject assignmentJson(const Job &job);

Q_SIGNALS:
    void capacityChanged(); // an agent appeared, came back, or finished a job
    // An agent registered, came back, was lost, drains or was removed: why a job waits may change.
    void agentsChanged();

private:
    AgentEntry *nodeEntry(const Principal &node);
    void checkLiveness();
    void markLost(AgentEntry &a, const QString &reason);
    bool m_noParking = false;
    void announceDrained(const AgentEntry &a); // agent.drained: draining and no job left
    void releaseJob(const QString &agentId, const QString &jobId);
    void sendControl(AgentEntry &a, const QJsonObject &msg);
    void storeAgent(const Agent &a);
    void flushPoll(AgentEntry &a);
    void onCancelRequested(const JobPtr &job);
    void onJobChanged(const JobPtr &job, JobState from);

    Store &m_store;
    AuthService &m_auth;
    JobService &m_jobs;
    EventBus &m_events;
    int m_timeoutSeconds;
    QHash<QString, AgentEntry> m_agents;
    QTimer m_liveness;
};

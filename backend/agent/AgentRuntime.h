// The agent: keeps an identity with a control plane, receives assignments (WebSocket push, long poll
// while it is down), runs them as JobProcesses and reports through the AgentOutbox (docs/agent-protocol.md).
#pragma once

#include "Agent.h"
#include "AgentOutbox.h"
#include "GpuAllocator.h"
#include "JobProcess.h"
#include "JobSandbox.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QQueue>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;
class QWebSocket;

struct AgentConfig
{
    QUrl serverUrl;
    QString registrationKey; // workspace key, used only to register (first start, or key refused)
    QString name;
    QMap<QString, QString> labels;
    QString workDir; // agent.json and the per-job directories (jobs/) live here
    int slotCount = 0; // most jobs at once; 0 -> QThread::idealThreadCount() ("slots" is a Qt macro)
    int heartbeatIntervalSeconds = 30;
    bool usePush = true; // hold the WebSocket; false: long-poll only
    int graceMs = 10000; // SIGTERM -> SIGKILL on cancel and timeout
    QStringList extraCapabilities; // job types offered besides COMMAND (and CONTAINER with podman/docker)
    JobSandbox::Options sandbox; // job user, jobs directory, pids limit (--job-user, --jobs-dir, --job-pids-max)
};

// Lives on one thread and never blocks it. Call its methods on that thread.
class AgentRuntime : public QObject
{
    Q_OBJECT

public:
    explicit AgentRuntime(AgentConfig c, QObject *parent = nullptr);
    ~AgentRuntime() override;

    void start(); // loads or registers the identity, connects the push channel, heartbeats, polls
    void drain(); // finishes running jobs, asks for no new ones; drained() once nothing is left
    void stop(); // kills running jobs at once (nothing reported), stops all traffic

    QString nodeId() const;
    int runningCount() const;
    bool pushConnected() const;
    int slotCount() const { return m_slots; }
    QStringList capabilities() const { return m_capabilities; }

Q_SIGNALS:
    void registered(const QString &nodeId); // the server knows this node (new, or stored key accepted)
    void pushConnectedChanged(bool connected);
    void jobStarted(const QString &jobId);
    void jobFinished(const QString &jobId, const QString &state);
    void drained();
    void fatalError(const QString &message);

private:
    struct RunningJob
    {
        QString jobId;
        int attempt = 1;
        JobProcess *process = nullptr;
        bool killed = false; // taken away by the server: output and result are dropped
    };
    using Done = AgentOutbox::Done;

    // Transport.
    QNetworkReply *post(const QString &call, const QByteArray &jsonBody, Done done, int timeoutMs = 15000,
        bool withRegistrationKey = false);
    QNetworkReply *post(const QString &call, const QJsonObject &body, Done done, int timeoutMs = 15000,
        bool withRegistrationKey = false);
    QUrl endpoint(const QString &path, bool webSocket = false) const;

    // Identity.
    void begin();
    bool loadIdentity();
    bool saveIdentity();
    void registerNode();
    void sendRegistration(const QList<GpuDevice> &gpus);
    void onIdentityRefused();
    void goOnline();
    void confirmIdentity();

    // Push channel.
    void connectPush();
    void onPushConnected();
    void onPushClosed();
    void onPushMessage(const QString &text);
    void schedulePushReconnect();

    // Poll and heartbeat.
    void maybePoll();
    void sendHeartbeat();
    void onServerDrain();
    void postDrain();
    void detectGpusAsync(std::function<void(const QList<GpuDevice> &)> done);

    // Jobs.
    void handleAssignments(const QJsonArray &assignments);
    void startQueued();
    void startJob(const QJsonObject &a);
    bool buildSpec(const QJsonObject &a, const QString &type, const QList<int> &devices, JobProcess::Spec &spec,
        QString *error) const;
    void onJobFinished(const QString &key, const JobOutcome &outcome);
    void failUnstarted(const QString &jobId, int attempt, JobState state, const QString &error);
    void cancelJob(const QString &jobId, int attempt);
    void killJob(const QString &jobId, int attempt, const QString &why);
    void killAll(const QString &why);
    QList<QString> keysOf(const QString &jobId, int attempt) const;
    bool unqueue(const QString &key); // false if it was not waiting for a slot
    bool isKnown(const QString &key) const;
    void rememberDone(const QString &key);
    int freeSlots() const;
    void checkDrained();

    AgentConfig m_config;
    int m_slots = 1;
    QStringList m_capabilities;
    QString m_containerEngine; // podman or docker, empty when neither is on PATH
    QList<GpuDevice> m_gpus;
    GpuAllocator m_gpuAllocator;
    JobSandbox m_sandbox; // settled in begin(): job user, jobs dir, cgroups
    bool m_gpuDetectRunning = false;

    QNetworkAccessManager *m_nam = nullptr;
    AgentOutbox *m_outbox = nullptr;

    QString m_nodeId;
    QString m_nodeKey;
    quint64 m_epoch = 0; // bumped whenever the identity changes
    bool m_confirmed = false;
    bool m_registering = false;
    Backoff m_registerBackoff;

    QWebSocket *m_socket = nullptr;
    bool m_pushConnected = false;
    bool m_pushFailing = false; // the last attempt failed (logged once per outage)
    Backoff m_pushBackoff;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_pingTimer = nullptr;
    QElapsedTimer m_pushUpFor;
    QElapsedTimer m_pushActivity; // since the last message or pong

    QNetworkReply *m_pollReply = nullptr; // the newest poll in flight
    int m_pollMax = 0; // the max it asked for
    QTimer *m_pollRetryTimer = nullptr;
    Backoff m_pollBackoff;
    int m_pollWaitSeconds = 25;

    QTimer *m_heartbeatTimer = nullptr;
    bool m_heartbeatInFlight = false;
    bool m_heartbeatAcked = false; // the server has heard this process (else: restarted)

    QHash<QString, RunningJob> m_running; // key (jobId#attempt) -> a live process
    QList<QJsonObject> m_queue; // assigned while every slot was busy
    QSet<QString> m_queuedKeys;
    QSet<QString> m_doneKeys; // recently finished or dropped, bounded
    QQueue<QString> m_doneOrder;

    QElapsedTimer m_clock;
    bool m_serverReachable = true; // for logging the change only
    bool m_started = false;
    bool m_stopped = false;
    bool m_draining = false;
    bool m_localDrain = false; // drain() was called (the server's drain may be lifted)
    qint64 m_drainSinceMs = -1;
    bool m_drainPosting = false;
    bool m_drainAcked = false;
    Backoff m_drainBackoff;
    bool m_drainedEmitted = false;
};

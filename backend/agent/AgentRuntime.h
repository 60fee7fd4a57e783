// The agent: keeps an identity with a control plane (AgentIdentityStore), receives assignments (PushChannel,
// long poll while it is down), runs them (AgentJobs) and reports through the AgentOutbox (docs/agent-protocol.md).
#pragma once

#include "Agent.h"
#include "AgentIdentity.h"
#include "AgentJobs.h"
#include "AgentOutbox.h"
#include "AgentTls.h"
#include "JobSandbox.h"
#include "JobSpecBuilder.h"
#include "WorkDirLock.h"

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
class PushChannel;
class WorkDirReaper;
class QTimer;

struct AgentConfig
{
    QUrl serverUrl;
    // Workspace key, used only to register (first start, or a stored key refused before it ever worked);
    // forgotten once the node key works. registrationKeyFile: read when needed instead (serve --with-agent).
    QString registrationKey;
    QString registrationKeyFile;
    QString name; // empty: the name stored in agent.json, else the hostname
    QMap<QString, QString> labels;
    QString workDir; // agent.json and the per-job directories (jobs/) live here
    int slotCount = 0; // most jobs at once; 0 -> QThread::idealThreadCount() ("slots" is a Qt macro)
    int heartbeatIntervalSeconds = 30;
    bool usePush = true; // hold the WebSocket; false: long-poll only
    int graceMs = 10000; // SIGTERM -> SIGKILL on cancel and timeout
    // Most log text held for the server (memory and <work-dir>/outbox.spool); 0: AgentOutbox's default.
    qint64 logSpoolBytes = 0;
    int keepWorkdirsHours = 24; // finished jobs' working directories are removed after this long (0: at once)
    JobSandbox::Options sandbox; // job user, jobs directory, pids limit (--job-user, --jobs-dir, --job-pids-max)
    QStringList extraCapabilities; // job types offered besides COMMAND (and CONTAINER with podman/docker)
    QList<QSslCertificate> caCertificates; // trusted besides the system CAs (agent --ca)
    QSslCertificate pinnedCertificate; // trusted as the server's own certificate (serve --with-agent)
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
    using Done = AgentOutbox::Done;

    // Transport.
    QNetworkReply *post(const QString &call, const QByteArray &jsonBody, Done done, int timeoutMs = 15000,
        bool withRegistrationKey = false);
    QNetworkReply *post(const QString &call, const QJsonObject &body, Done done, int timeoutMs = 15000,
        bool withRegistrationKey = false);
    QUrl endpoint(const QString &path, bool webSocket = false) const;

    // Identity.
    void begin();
    void resumeOrRegister();
    bool hasRegistrationKey() const;
    QString registrationKey() const;
    void forgetRegistrationKey();
    void registerNode();
    void sendRegistration(const QList<GpuDevice> &gpus);
    void onIdentityRefused();
    void goOnline();
    void confirmIdentity();

    QString registrationName() const;

    // Push channel.
    void onPushMessage(const QJsonObject &message);

    // Poll and heartbeat.
    void maybePoll();
    void sendHeartbeat();
    void onServerDrain();
    void postDrain();
    // The server asked (push or heartbeat) for a new node key: fetch it, keep it in agent.json.
    void rotateNodeKey();
    void detectGpusAsync(std::function<void(const QList<GpuDevice> &)> done);

    void killJob(const QString &jobId, int attempt, const QString &why);
    void checkDrained();

    AgentConfig m_config;
    int m_slots = 1;
    QStringList m_capabilities;
    JobSpecBuilder m_specBuilder;
    JobSandbox m_sandbox; // settled in begin(): job user, jobs dir, cgroups
    AgentIdentityStore m_identityStore {m_config.workDir};
    WorkDirLock m_lock;
    QList<GpuDevice> m_gpus;
    bool m_gpuDetectRunning = false;

    AgentTls m_tls;
    bool m_tlsRefused = false; // the server's certificate did not verify (logged once until it does)
    QNetworkAccessManager *m_nam = nullptr;
    AgentOutbox *m_outbox = nullptr;

    QString m_nodeId;
    QString m_nodeKey;
    quint64 m_epoch = 0; // bumped whenever the identity changes
    bool m_confirmed = false;
    bool m_registering = false;
    Backoff m_registerBackoff;

    PushChannel *m_push = nullptr;

    QNetworkReply *m_pollReply = nullptr; // the newest poll in flight
    int m_pollMax = 0; // the max it asked for
    QTimer *m_pollRetryTimer = nullptr;
    Backoff m_pollBackoff;
    int m_pollWaitSeconds = 25;

    QTimer *m_heartbeatTimer = nullptr;
    bool m_heartbeatInFlight = false;
    bool m_heartbeatAcked = false; // the server has heard this process (else: restarted)
    bool m_rotatingKey = false;

    AgentJobs *m_jobs = nullptr;
    WorkDirReaper *m_reaper = nullptr;

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

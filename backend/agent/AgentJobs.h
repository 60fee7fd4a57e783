// The jobs one agent holds: waiting for a slot, running as JobProcesses, or recently done (so an
// assignment the server re-sends is never run twice). What they print and how they end goes to the outbox.
#pragma once

#include "AgentOutbox.h"
#include "GpuAllocator.h"
#include "GpuInventory.h"
#include "JobProcess.h"
#include "JobSpecBuilder.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QQueue>
#include <QSet>
#include <QString>
#include <QStringList>

class AgentJobs : public QObject
{
    Q_OBJECT

public:
    AgentJobs(AgentOutbox *outbox, const JobSpecBuilder *specBuilder, QObject *parent = nullptr);

    void setSlotCount(int slotCount) { m_slots = slotCount; }
    void setCapabilities(const QStringList &capabilities) { m_capabilities = capabilities; }
    void setGpus(const QList<GpuDevice> &gpus);

    // Queues what it does not know yet and starts as many as there are free slots.
    void assign(const QJsonArray &assignments, bool draining);
    void cancel(const QString &jobId, int attempt); // attempt 0: every attempt of the job held here
    void kill(const QString &jobId, int attempt, const QString &why); // taken away: nothing more is reported
    void killAll(const QString &why);
    int stopAll(); // kills every process at once (SIGKILL, nothing reported); how many ran

    int runningCount() const { return int(m_running.size()); }
    bool isEmpty() const { return m_running.isEmpty() && m_queue.isEmpty(); }
    int freeSlots() const;
    QList<QPair<QString, int>> held() const; // running (not taken away) and queued: (jobId, attempt)
    QString gpuHolder(int deviceIndex) const; // id of the job holding the GPU, or empty
    QSet<QString> runningDirs() const; // working directories of the jobs running now

Q_SIGNALS:
    void jobStarted(const QString &jobId);
    void jobFinished(const QString &jobId, const QString &state);
    void slotFreed(); // a running job ended: the caller may ask for more work
    void jobDirEnded(const QString &dir); // a job that ran in a directory the agent made for it has ended

private:
    struct RunningJob
    {
        QString jobId;
        int attempt = 1;
        JobProcess *process = nullptr;
        bool killed = false; // taken away by the server: output and result are dropped
        bool ownDir = false; // its working directory was made for it (not one it named)
    };

    void startQueued();
    void start(const QJsonObject &a);
    void onFinished(const QString &key, const JobOutcome &outcome);
    void failUnstarted(const QString &jobId, int attempt, JobState state, const QString &error);
    QList<QString> keysOf(const QString &jobId, int attempt) const;
    bool unqueue(const QString &key); // false if it was not waiting for a slot
    bool isKnown(const QString &key) const;
    void rememberDone(const QString &key);

    AgentOutbox *m_outbox;
    const JobSpecBuilder *m_specBuilder;
    int m_slots = 1;
    QStringList m_capabilities;
    int m_gpuCount = 0;
    GpuAllocator m_gpuAllocator;
    QHash<QString, RunningJob> m_running; // key (jobId#attempt) -> a live process
    QList<QJsonObject> m_queue; // assigned while every slot was busy
    QSet<QString> m_queuedKeys;
    QSet<QString> m_doneKeys; // recently finished or dropped, bounded
    QQueue<QString> m_doneOrder;
};

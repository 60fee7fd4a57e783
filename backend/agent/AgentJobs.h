// The jobs one agent holds: waiting for a slot, running as JobProcesses, or recently done (so an
// assignment the server re-sends is never run twice). What they print and how they end goes to the outbox.
#pragma once

#include "AgentOutbox.h"
#include "ArtifactUploader.h"
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
    // artifacts (Part 1): how a finished job's artifacts reach the control plane (none set: not collected)
    void setArtifactUploads(ArtifactUploader::Context ctx) { m_uploads = std::move(ctx); }

    // Queues what it does not know yet and starts as many as there are free slots.
    void assign(const QJsonArray &assignments, bool draining);
    void cancel(const QString &jobId, int attempt); // attempt 0: every attempt of the job held here
    void kill(const QString &jobId, int attempt, const QString &why); // taken away: nothing more is reported
    void killAll(const QString &why);
    int stopAll(); // kills every process at once (SIGKILL, nothing reported); how many ran

    int runningCount() const { return int(m_running.size()); }
    bool isEmpty() const { return m_running.isEmpty() && m_queue.isEmpty() && m_finishing.isEmpty(); }
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
        QStringList artifacts; // artifacts (Part 1): the globs to collect when it ends
        qint64 lastSeq = 0; // the last log line's seq (artifact lines follow it)
    };
    // artifacts (Part 1): a job whose process ended and whose artifacts are being uploaded; its result
    // is reported once they are (AgentJobsArtifacts.cpp)
    struct Finishing
    {
        QString jobId;
        int attempt = 1;
        QString dir;
        bool ownDir = false;
        qint64 nextSeq = 1;
        QJsonObject result;
        ArtifactUploader *uploader = nullptr;
    };
    bool uploadArtifacts(const RunningJob &job, const QJsonObject &result);
    void appendArtifactLine(Finishing &f, bool isError, const QString &text);
    void artifactsDone(const QString &key);
    bool abortFinishing(const QString &key); // taken away while uploading: nothing more is reported

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
    ArtifactUploader::Context m_uploads; // artifacts (Part 1)
    QHash<QString, Finishing> m_finishing;
};

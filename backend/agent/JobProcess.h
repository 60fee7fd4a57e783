// Runs one job attempt as an isolated process tree (own process group and cgroup, clean environment,
// the job user, piped output) and reports its log lines and outcome (DESIGN.md §4, §7).
#pragma once

#include "CgroupTree.h"
#include "JobState.h"
#include "JobUser.h"
#include "LogLine.h"
#include "SecretRedactor.h"

#include <QElapsedTimer>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <sys/types.h>

#include <memory>
#include <optional>

class QSocketNotifier;
class QTimer;

struct JobOutcome
{
    JobState state = JobState::Failed;
    std::optional<int> exitCode; // exit status, or 128 + signal number
    qint64 runtimeMs = 0; // spawn to exit
    double cpuSeconds = 0; // user + system time: of the cgroup, else of the child and its reaped descendants
    qint64 peakMemoryBytes = -1; // the cgroup's peak, else the largest reaped RSS; -1 unknown
    QString error; // empty on success; a code such as "oom_killed", or a sentence
    QString message; // detail for a coded error (the limit an OOM kill hit)
};
Q_DECLARE_METATYPE(JobOutcome)

class JobProcess : public QObject
{
    Q_OBJECT

public:
    struct Spec
    {
        QString jobId;
        int attempt = 1;
        QString command; // if non-empty: /bin/sh -c command
        QStringList argv; // else argv[0] is executed directly (PATH lookup), no shell
        QMap<QString, QString> env; // the job's own variables, on top of the clean environment (docs: README)
        QString workingDir; // inside workRoot, created if missing; empty -> a fresh dir under workRoot
        QString workRoot; // base dir for per-job working dirs (empty -> system temp dir)
        // Runs the job as this user (set*id when it is not the agent's own); nullopt: the agent's user.
        // Directories made for the job belong to it, mode 0700.
        std::optional<JobUser> user;
        std::shared_ptr<CgroupTree> cgroups; // the agent's subtree; null: no cgroup, limits not enforced
        CgroupLimits limits;
        QStringList passEnv; // names of the agent's variables passed on (a container engine's DOCKER_HOST…)
        int timeoutSeconds = 0; // 0 = none
        int graceMs = 10000; // SIGTERM -> SIGKILL grace
        QStringList redact; // secret values: replaced by *** in every emitted line
        qint64 firstSeq = 1; // sequence number of the first line
        // Run (detached) when the job is stopped or killed: a container engine's client does not
        // take the container down with it, so a CONTAINER job adds `<engine> rm -f <name>` here.
        QStringList stopArgv;
        QStringList killArgv; // the same at SIGKILL time (grace over, or agent shutting down)
    };

    explicit JobProcess(Spec spec, QObject *parent = nullptr);
    ~JobProcess() override; // kills the whole group if still running

    // Returns false and sets *error if the process could not be spawned; finished() is then
    // never emitted (the caller reports the failure itself). Call at most once.
    bool start(QString *error);
    // SIGTERM to the process group, SIGKILL after graceMs; outcome CANCELLED. No-op once the
    // job has exited or is already being stopped (a timeout in progress keeps TIMED_OUT).
    void cancel();
    qint64 pid() const; // 0 before start
    QString workingDir() const; // the directory the job runs in (known after start)
    bool isRunning() const; // started and finished() not yet emitted

Q_SIGNALS:
    void linesReady(const QList<LogLine> &lines); // batched: every ~5 ms or 1000 lines, and at exit
    void finished(const JobOutcome &outcome); // exactly once, after all lines were emitted

private:
    enum class Stop { None, Timeout, Cancel };
    struct Stream
    {
        int fd = -1;
        bool isStderr = false;
        QSocketNotifier *notifier = nullptr;
        QByteArray buffer; // bytes after the last newline
        std::optional<LogLine> held; // part 2: its end may begin a secret the next line ends
        qint64 heldAtMs = 0;
    };

    bool prepareWorkingDir(QString *error);
    QList<QByteArray> buildEnvironment() const;
    void finishCgroup();
    void lockWorkingDir();
    void onPidfdReadable();
    void onChildExited(int status, double cpuSeconds);
    void readStream(Stream &s);
    void closeStream(Stream &s);
    void appendLine(QByteArrayView bytes, bool isStderr, qint64 tsMs);
    void flushLines();
    void emitBatches(qsizetype minLines);
    // part 2 (JobProcessRedaction.cpp): a line is numbered and queued once no later line may change it
    void queueLine(Stream &s, LogLine line);
    bool releaseHeld(bool all); // true while a line is still held
    void scheduleFlush();
    void requestStop(Stop reason);
    void onGraceExpired();
    void beginDrain();
    void maybeFinish();
    void killGroup(int sig) const;
    void runDetached(const QStringList &argv) const;
    void cleanupChild();

    Spec m_spec;
    QString m_workingDir;
    int m_dirFd = -1; // the working directory, open from prepareWorkingDir to the end
    bool m_freshDir = false; // made for this run (not a named, shared workingDir)
    bool m_switchUser = false;
    std::unique_ptr<JobCgroup> m_cgroup;
    pid_t m_pid = 0;
    int m_pidfd = -1;
    QSocketNotifier *m_pidNotifier = nullptr;
    QTimer *m_pollTimer = nullptr; // fallback reaper when pidfd_open is unavailable
    Stream m_out;
    Stream m_err;
    QTimer *m_timeoutTimer = nullptr;
    QTimer *m_graceTimer = nullptr;
    QTimer *m_flushTimer = nullptr;
    QTimer *m_drainTimer = nullptr;
    QElapsedTimer m_clock;
    QList<LogLine> m_pending;
    SecretRedactor m_redactor; // part 2: m_spec.redact, with its line pieces and base64 forms
    qint64 m_nextSeq = 1;
    Stop m_stop = Stop::None;
    bool m_started = false;
    bool m_exited = false;
    bool m_draining = false;
    bool m_finished = false;
    JobOutcome m_outcome;
};

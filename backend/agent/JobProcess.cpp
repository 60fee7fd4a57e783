// Runs one job attempt: spawned (JobSpawn) into its own process group and cgroup as the job user with a
// clean environment, pipes read with socket notifiers, reaped through a pidfd + wait4 (no SIGCHLD
// handler), SIGTERM/grace/SIGKILL of the group and the cgroup on stop.
#include "JobProcess.h"
#include "JobSpawn.h"
#include "JobWorkspace.h"

#include <QDateTime>
#include <QDebug>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <vector>

namespace {

constexpr int kDrainDeadlineMs = 2000; // for writers that escaped the process group
constexpr int kPollFallbackMs = 10; // only when pidfd_open is unavailable
std::atomic<quint64> g_cgroupSerial {0};

int openPidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    Q_UNUSED(pid);
    errno = ENOSYS;
    return -1;
#endif
}

void closeFd(int &fd)
{
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

double seconds(const timeval &tv)
{
    return double(tv.tv_sec) + double(tv.tv_usec) / 1e6;
}

} // namespace

JobProcess::JobProcess(Spec spec, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_nextSeq(m_spec.firstSeq)
{
    m_spec.redact.removeAll(QString());
    m_redactor.setSecrets(m_spec.redact);
    m_err.isStderr = true;
}

JobProcess::~JobProcess()
{
    if (m_started && !m_exited) {
        killGroup(SIGKILL);
        runDetached(m_spec.killArgv);
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) { }
    } else if (m_started && !m_finished) {
        killGroup(SIGKILL); // leftovers still holding the pipes while we drained
    }
    cleanupChild();
    closeStream(m_out);
    closeStream(m_err);
    if (m_cgroup && m_spec.cgroups)
        m_spec.cgroups->retire(std::move(m_cgroup)); // kills what is left, removes it now or later
    m_cgroup.reset();
    lockWorkingDir();
}

qint64 JobProcess::pid() const
{
    return m_pid;
}

QString JobProcess::workingDir() const
{
    return m_workingDir;
}

bool JobProcess::isRunning() const
{
    return m_started && !m_finished;
}

bool JobProcess::prepareWorkingDir(QString *error)
{
    JobWorkspace::Dir dir;
    if (!JobWorkspace::prepare(m_spec, m_switchUser, dir, error))
        return false;
    m_workingDir = dir.path;
    m_dirFd = dir.fd;
    m_freshDir = dir.fresh;
    return true;
}

QList<QByteArray> JobProcess::buildEnvironment() const
{
    return JobWorkspace::environment(m_spec, m_workingDir);
}

bool JobProcess::start(QString *error)
{
    QString scratch;
    if (!error)
        error = &scratch;
    if (m_started) {
        *error = tr("job process already started");
        return false;
    }

    // Program and arguments.
    QList<QByteArray> args;
    QByteArray program;
    if (!m_spec.command.isEmpty()) {
        program = QByteArrayLiteral("/bin/sh");
        args = {program, QByteArrayLiteral("-c"), m_spec.command.toUtf8()};
    } else if (!m_spec.argv.isEmpty() && !m_spec.argv.first().isEmpty()) {
        for (const QString &a : std::as_const(m_spec.argv))
            args.append(a.toUtf8());
        program = args.first();
    } else {
        *error = tr("nothing to run: empty command and argv");
        return false;
    }
    std::vector<char *> argvPtrs;
    argvPtrs.reserve(args.size() + 1);
    for (QByteArray &a : args)
        argvPtrs.push_back(a.data());
    argvPtrs.push_back(nullptr);

    m_switchUser = m_spec.user && m_spec.user->needsSwitch();
    if (!prepareWorkingDir(error))
        return false;
    const auto undo = [this] {
        if (m_cgroup) {
            m_cgroup->remove();
            m_cgroup.reset();
        }
        closeFd(m_dirFd);
        if (m_freshDir)
            QDir(m_workingDir).removeRecursively(); // the fresh directory and its tmp/, still empty
        m_workingDir.clear();
    };

    QList<QByteArray> envStore = buildEnvironment();
    std::vector<char *> envPtrs;
    envPtrs.reserve(envStore.size() + 1);
    QByteArray path = JobWorkspace::kDefaultPath;
    for (QByteArray &e : envStore) {
        envPtrs.push_back(e.data());
        if (e.startsWith("PATH="))
            path = e.mid(5);
    }
    envPtrs.push_back(nullptr);

    // The program's candidates in the job's PATH, tried in the child as the job user (like execvp).
    QList<QByteArray> candidates;
    if (program.contains('/')) {
        candidates.append(program);
    } else {
        for (const QByteArray &dir : path.split(':'))
            candidates.append((dir.isEmpty() ? QByteArrayLiteral(".") : dir) + '/' + program);
    }

    if (m_spec.cgroups) {
        const QString name = QStringLiteral("%1-%2-%3")
                                 .arg(JobWorkspace::safeName(m_spec.jobId))
                                 .arg(m_spec.attempt)
                                 .arg(g_cgroupSerial.fetch_add(1) + 1);
        m_cgroup = m_spec.cgroups->makeJob(name, m_spec.limits);
        if (!m_cgroup->create(error)) {
            m_cgroup.reset();
            undo();
            return false;
        }
    }

    int outPipe[2];
    int errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0) {
        *error = tr("cannot create pipe: %1").arg(errnoText(errno));
        undo();
        return false;
    }
    if (::pipe2(errPipe, O_CLOEXEC) != 0) {
        *error = tr("cannot create pipe: %1").arg(errnoText(errno));
        ::close(outPipe[0]);
        ::close(outPipe[1]);
        undo();
        return false;
    }
    // Only our read ends are non-blocking; the child's write ends stay blocking.
    ::fcntl(outPipe[0], F_SETFL, ::fcntl(outPipe[0], F_GETFL) | O_NONBLOCK);
    ::fcntl(errPipe[0], F_SETFL, ::fcntl(errPipe[0], F_GETFL) | O_NONBLOCK);

    SpawnPlan plan;
    for (const QByteArray &c : std::as_const(candidates))
        plan.programs.push_back(c.constData());
    plan.argv = argvPtrs.data();
    plan.envp = envPtrs.data();
    plan.stdoutFd = outPipe[1];
    plan.stderrFd = errPipe[1];
    plan.dirFd = m_dirFd;
    if (m_cgroup) {
        for (const QByteArray &f : m_cgroup->procsFiles())
            plan.cgroupProcs.push_back(f.constData());
    }
    if (m_switchUser) {
        plan.switchUser = true;
        plan.uid = m_spec.user->uid;
        plan.gid = m_spec.user->gid;
        plan.groups.assign(m_spec.user->groups.cbegin(), m_spec.user->groups.cend());
    }
    int spawnErr = 0;
    const char *stage = nullptr;
    const pid_t pid = spawnJob(plan, &spawnErr, &stage);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    if (pid < 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        const QString stageName = QString::fromLatin1(stage ? stage : "spawn");
        *error = stageName == QLatin1String("exec")
            ? tr("cannot start %1: %2").arg(QString::fromUtf8(program), errnoText(spawnErr))
            : tr("cannot start %1 (%2): %3").arg(QString::fromUtf8(program), stageName, errnoText(spawnErr));
        undo();
        return false;
    }

    m_clock.start();
    m_started = true;
    m_pid = pid;

    for (Stream *s : {&m_out, &m_err}) {
        s->fd = s == &m_out ? outPipe[0] : errPipe[0];
        s->notifier = new QSocketNotifier(s->fd, QSocketNotifier::Read, this);
        connect(s->notifier, &QSocketNotifier::activated, this, [this, s] { readStream(*s); });
    }

    m_flushTimer = new QTimer(this);
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setTimerType(Qt::PreciseTimer);
    connect(m_flushTimer, &QTimer::timeout, this, &JobProcess::flushLines);

    m_pidfd = openPidfd(pid);
    if (m_pidfd >= 0) {
        m_pidNotifier = new QSocketNotifier(m_pidfd, QSocketNotifier::Read, this);
        connect(m_pidNotifier, &QSocketNotifier::activated, this, &JobProcess::onPidfdReadable);
    } else {
        m_pollTimer = new QTimer(this);
        connect(m_pollTimer, &QTimer::timeout, this, &JobProcess::onPidfdReadable);
        m_pollTimer->start(kPollFallbackMs);
    }

    if (m_spec.timeoutSeconds > 0) {
        m_timeoutTimer = new QTimer(this);
        m_timeoutTimer->setSingleShot(true);
        connect(m_timeoutTimer, &QTimer::timeout, this, [this] { requestStop(Stop::Timeout); });
        m_timeoutTimer->start(int(qMin<qint64>(qint64(m_spec.timeoutSeconds) * 1000, INT_MAX)));
    }
    return true;
}

void JobProcess::cancel()
{
    requestStop(Stop::Cancel);
}

void JobProcess::requestStop(Stop reason)
{
    if (!m_started || m_exited || m_stop != Stop::None)
        return;
    onPidfdReadable(); // an exit not yet noticed wins over the stop
    if (m_exited)
        return;
    m_stop = reason;
    if (m_timeoutTimer)
        m_timeoutTimer->stop();
    killGroup(SIGTERM);
    runDetached(m_spec.stopArgv);
    m_graceTimer = new QTimer(this);
    m_graceTimer->setSingleShot(true);
    connect(m_graceTimer, &QTimer::timeout, this, &JobProcess::onGraceExpired);
    m_graceTimer->start(qMax(0, m_spec.graceMs));
}

void JobProcess::onGraceExpired()
{
    killGroup(SIGKILL);
    if (!m_exited)
        runDetached(m_spec.killArgv);
    if (m_exited)
        beginDrain();
    // else: the pidfd fires once the SIGKILL lands and onChildExited drains.
}

void JobProcess::runDetached(const QStringList &argv) const
{
    if (!argv.isEmpty())
        QProcess::startDetached(argv.first(), argv.mid(1));
}

void JobProcess::killGroup(int sig) const
{
    if (m_pid <= 0)
        return;
    ::kill(-m_pid, sig);
    // A child that moved itself out of its group is still ours to stop.
    if (!m_exited && ::getpgid(m_pid) != m_pid)
        ::kill(m_pid, sig);
    // So is every descendant that left the group or the session (setsid): the cgroup holds them all.
    if (m_cgroup) {
        if (sig == SIGKILL)
            m_cgroup->killAll();
        else
            m_cgroup->signalAll(sig);
    }
}

void JobProcess::onPidfdReadable()
{
    if (m_exited)
        return;
    int status = 0;
    rusage ru {};
    pid_t r;
    do {
        r = ::wait4(m_pid, &status, WNOHANG, &ru);
    } while (r < 0 && errno == EINTR);
    if (r == 0)
        return; // not yet (spurious wake-up or fallback poll)
    if (r < 0) {
        // Someone else reaped it (a foreign SIGCHLD handler); the status is gone.
        onChildExited(-1, 0);
        return;
    }
    m_outcome.peakMemoryBytes = qint64(ru.ru_maxrss) * 1024; // the cgroup's figure replaces it when there is one
    onChildExited(status, seconds(ru.ru_utime) + seconds(ru.ru_stime));
}

void JobProcess::onChildExited(int status, double cpuSeconds)
{
    m_exited = true;
    cleanupChild();
    if (m_timeoutTimer)
        m_timeoutTimer->stop();

    m_outcome.runtimeMs = m_clock.elapsed();
    m_outcome.cpuSeconds = cpuSeconds;
    if (status >= 0 && WIFEXITED(status))
        m_outcome.exitCode = WEXITSTATUS(status);
    else if (status >= 0 && WIFSIGNALED(status))
        m_outcome.exitCode = 128 + WTERMSIG(status);

    switch (m_stop) {
    case Stop::Timeout:
        m_outcome.state = JobState::TimedOut;
        m_outcome.error = tr("timed out after %1 s").arg(m_spec.timeoutSeconds);
        break;
    case Stop::Cancel:
        m_outcome.state = JobState::Cancelled;
        m_outcome.error = tr("cancelled");
        break;
    case Stop::None:
        if (status < 0) {
            m_outcome.state = JobState::Failed;
            m_outcome.error = tr("exit status unavailable (reaped elsewhere)");
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            m_outcome.state = JobState::Succeeded;
        } else if (WIFEXITED(status)) {
            m_outcome.state = JobState::Failed;
            m_outcome.error = tr("exited with code %1").arg(WEXITSTATUS(status));
            if (WEXITSTATUS(status) == 127)
                m_outcome.error += tr(" (command not found or not executable?)");
        } else {
            m_outcome.state = JobState::Failed;
            m_outcome.error = tr("killed by signal %1").arg(WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        }
        break;
    }

    // While stopping, descendants that still hold our pipes keep the rest of their grace;
    // the grace timer or the pipes' EOF (readStream) then drains.
    if (m_graceTimer && m_graceTimer->isActive() && (m_out.fd >= 0 || m_err.fd >= 0))
        return;
    if (m_graceTimer)
        m_graceTimer->stop();
    killGroup(SIGKILL); // background leftovers must not keep the pipes open
    beginDrain();
}

void JobProcess::cleanupChild()
{
    if (m_pidNotifier) {
        m_pidNotifier->setEnabled(false);
        m_pidNotifier->deleteLater();
        m_pidNotifier = nullptr;
    }
    closeFd(m_pidfd);
    if (m_pollTimer) {
        m_pollTimer->stop();
        m_pollTimer->deleteLater();
        m_pollTimer = nullptr;
    }
}

void JobProcess::beginDrain()
{
    if (m_draining || m_finished)
        return;
    m_draining = true;
    m_drainTimer = new QTimer(this);
    m_drainTimer->setSingleShot(true);
    connect(m_drainTimer, &QTimer::timeout, this, [this] {
        // Writers outside our group still hold the pipes: keep what we have and stop.
        for (Stream *s : {&m_out, &m_err}) {
            if (s->fd >= 0) {
                readStream(*s);
                if (s->fd >= 0) {
                    const qint64 ts = QDateTime::currentMSecsSinceEpoch();
                    if (!s->buffer.isEmpty())
                        appendLine(s->buffer, s->isStderr, ts);
                    s->buffer.clear();
                    closeStream(*s);
                }
            }
        }
        maybeFinish();
    });
    m_drainTimer->start(kDrainDeadlineMs);
    for (Stream *s : {&m_out, &m_err}) {
        if (s->fd >= 0)
            readStream(*s);
    }
    maybeFinish();
}

void JobProcess::maybeFinish()
{
    if (m_finished || !m_exited || !m_draining || m_out.fd >= 0 || m_err.fd >= 0)
        return;
    m_finished = true;
    if (m_drainTimer)
        m_drainTimer->stop();
    finishCgroup();
    lockWorkingDir();
    flushLines();
    Q_EMIT finished(m_outcome);
}

// Usage and the OOM verdict come from the cgroup (descendants that were never reaped included).
void JobProcess::finishCgroup()
{
    if (!m_cgroup)
        return;
    const CgroupUsage u = m_cgroup->usage(); // the members were killed when the main process ended
    if (u.cpuSeconds >= 0)
        m_outcome.cpuSeconds = u.cpuSeconds;
    if (u.peakMemoryBytes >= 0)
        m_outcome.peakMemoryBytes = u.peakMemoryBytes;
    // Any OOM kill fails the job, even when its script went on to exit 0 (the limit was too small
    // for it, and part of its work is gone); cancel and timeout keep their own outcome.
    if (u.oomKills > 0 && m_stop == Stop::None) {
        const qint64 limit = m_cgroup->limits().memoryBytes;
        m_outcome.state = JobState::Failed;
        m_outcome.error = QStringLiteral("oom_killed");
        m_outcome.message = tr("out of memory: the job reached its memory limit of %1 MiB (resources.memGib %2) "
                               "and the kernel killed it")
                                .arg(double(limit) / (1024 * 1024), 0, 'f', limit % (1024 * 1024) ? 1 : 0)
                                .arg(double(limit) / (1024.0 * 1024 * 1024));
    }
    if (m_spec.cgroups)
        m_spec.cgroups->retire(std::move(m_cgroup));
    m_cgroup.reset();
}

void JobProcess::lockWorkingDir()
{
    if (m_freshDir && m_switchUser)
        JobWorkspace::giveBack(m_dirFd, m_workingDir);
    closeFd(m_dirFd);
}

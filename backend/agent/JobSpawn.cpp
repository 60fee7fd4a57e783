// The child side of a job spawn runs on a small separate stack while the parent thread waits
// (CLONE_VFORK): only async-signal-safe calls, raw set*id syscalls (glibc's would signal every
// thread of the agent to change their ids too, since the child shares its memory).
#include "JobSpawn.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <sys/wait.h>

namespace {

constexpr size_t kStackBytes = 64 * 1024;

struct ChildArgs
{
    const SpawnPlan *plan = nullptr;
    const sigset_t *jobMask = nullptr;
    volatile int err = 0; // shared memory: read by the parent once the child exec'd or exited
    const char *volatile stage = nullptr;
};

[[noreturn]] void fail(ChildArgs *a, const char *stage)
{
    a->err = errno ? errno : EINVAL;
    a->stage = stage;
    _exit(127);
}

bool writeAll(int fd, const char *s, size_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= size_t(w);
    }
    return true;
}

int childMain(void *arg)
{
    auto *a = static_cast<ChildArgs *>(arg);
    const SpawnPlan &p = *a->plan;

    // Handlers belong to the agent; the job starts with every disposition at its default. The
    // handler table is this child's own copy (no CLONE_SIGHAND), and every signal is blocked.
    struct sigaction dfl
    {
    };
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            ::sigaction(sig, &dfl, nullptr); // glibc's internal signals answer EINVAL: fine
    }
    if (::setpgid(0, 0) != 0)
        fail(a, "setpgid");
    for (const char *procs : p.cgroupProcs) {
        const int fd = ::open(procs, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || !writeAll(fd, "0", 1))
            fail(a, "cgroup");
        ::close(fd);
    }
    const int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devNull < 0 || ::dup2(devNull, STDIN_FILENO) < 0 || ::dup2(p.stdoutFd, STDOUT_FILENO) < 0
        || ::dup2(p.stderrFd, STDERR_FILENO) < 0)
        fail(a, "stdio");
    if (p.switchUser) {
        if (::syscall(SYS_setgroups, p.groups.size(), p.groups.data()) != 0)
            fail(a, "setgroups");
        if (::syscall(SYS_setresgid, p.gid, p.gid, p.gid) != 0)
            fail(a, "setresgid");
        if (::syscall(SYS_setresuid, p.uid, p.uid, p.uid) != 0)
            fail(a, "setresuid");
        // No way back up through setuid binaries or file capabilities.
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            fail(a, "no_new_privs");
    }
    if (::fchdir(p.dirFd) != 0)
        fail(a, "chdir");
#ifdef SYS_close_range
    ::syscall(SYS_close_range, 3U, ~0U, 0U); // nothing of the agent's stays open (ENOSYS: O_CLOEXEC still holds)
#endif
    ::sigprocmask(SIG_SETMASK, a->jobMask, nullptr);
    int firstErr = 0;
    for (const char *program : p.programs) {
        ::execve(program, p.argv, p.envp);
        // Like execvp: a permission problem is more telling than "not found" further down PATH.
        if (errno == EACCES || firstErr == 0 || firstErr == ENOENT || firstErr == ENOTDIR)
            firstErr = errno == ENOTDIR ? ENOENT : errno;
        if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
            break;
    }
    errno = firstErr ? firstErr : ENOENT;
    fail(a, "exec");
}

} // namespace

pid_t spawnJob(const SpawnPlan &plan, int *err, const char **stage)
{
    *err = 0;
    *stage = nullptr;
    if (plan.programs.empty()) {
        *err = ENOENT;
        *stage = "exec";
        return -1;
    }
    std::unique_ptr<char[]> stack(new char[kStackBytes]);
    sigset_t all;
    sigset_t old;
    sigset_t jobMask;
    ::sigfillset(&all);
    ::sigemptyset(&jobMask);
    ChildArgs args;
    args.plan = &plan;
    args.jobMask = &jobMask;
    // Blocked until the child has reset its handlers: none of the agent's may run on the child's stack.
    ::pthread_sigmask(SIG_SETMASK, &all, &old);
    char *top = stack.get() + kStackBytes;
    top = reinterpret_cast<char *>(reinterpret_cast<uintptr_t>(top) & ~uintptr_t(15));
    const pid_t pid = ::clone(childMain, top, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
    const int cloneErr = errno;
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) {
        *err = cloneErr;
        *stage = "clone";
        return -1;
    }
    if (args.err != 0) {
        *err = args.err;
        *stage = args.stage;
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
        return -1;
    }
    return pid;
}

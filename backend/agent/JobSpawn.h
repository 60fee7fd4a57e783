// Starts a job's process with clone(CLONE_VM|CLONE_VFORK) + execve: like posix_spawn, but the child
// can also join cgroups and switch to the job user before exec. Everything is computed beforehand.
#pragma once

#include <sys/types.h>

#include <vector>

struct SpawnPlan
{
    std::vector<const char *> programs; // execve candidates in PATH order (one when the name has a '/')
    char *const *argv = nullptr;
    char *const *envp = nullptr;
    int stdoutFd = -1;
    int stderrFd = -1;
    int dirFd = -1; // working directory (fchdir: no second path walk)
    std::vector<const char *> cgroupProcs; // cgroup.procs files to write "0" into, before dropping privileges
    bool switchUser = false;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

// Returns the child's pid, or -1 with *err (an errno) and *stage ("cgroup", "user", "exec"…) set.
pid_t spawnJob(const SpawnPlan &plan, int *err, const char **stage);

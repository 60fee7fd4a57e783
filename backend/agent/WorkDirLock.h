// One agent per work directory: an exclusive lock on <work-dir>/agent.lock, held (with the agent's pid
// written in it) for the life of the process. The work directory itself is created private (0700).
#pragma once

#include <QString>

class WorkDirLock
{
public:
    WorkDirLock() = default;
    ~WorkDirLock();
    WorkDirLock(const WorkDirLock &) = delete;
    WorkDirLock &operator=(const WorkDirLock &) = delete;

    // Creates workDir (0700) if missing and takes the lock. false with *error when another process
    // holds it (the message names that agent's pid) or the directory cannot be made or opened.
    bool acquire(const QString &workDir, QString *error);
    void release();
    bool isHeld() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

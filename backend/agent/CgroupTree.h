// The agent's own cgroup subtree, `<agent's cgroup>/tanvrit/<key>` in the v2 hierarchy when its
// memory, cpu and pids controllers can be delegated, else in the v1 memory, cpu(acct) and pids ones.
#pragma once

#include "JobCgroup.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

class CgroupTree
{
public:
    // Creates (or reuses) the subtree for `key` (unique per agent); nullptr and *why when no
    // usable hierarchy can be written (not root, read-only mounts, controllers missing).
    static std::shared_ptr<CgroupTree> open(const QString &key, QString *why);
    ~CgroupTree(); // removes what it can (pending children, then its own directories)
    CgroupTree(const CgroupTree &) = delete;
    CgroupTree &operator=(const CgroupTree &) = delete;

    JobCgroup::Version version() const { return m_version; }
    QString isolation() const; // "cgroup-v1" or "cgroup-v2", as shown in the node listing
    QStringList paths() const; // the subtree's directories, one per hierarchy

    // A job's child cgroup `name` (one path component), not yet created.
    std::unique_ptr<JobCgroup> makeJob(const QString &name, const CgroupLimits &limits) const;
    // Takes a finished job's cgroup: removed now, or retried later while its last processes exit.
    void retire(std::unique_ptr<JobCgroup> cgroup);
    // Kills and removes children left by an earlier run of this agent (it crashed or was SIGKILLed).
    int sweep();

private:
    CgroupTree(JobCgroup::Version version, QList<JobCgroup::Dir> dirs);
    static std::shared_ptr<CgroupTree> openV2(const QString &key, QString *why);
    static std::shared_ptr<CgroupTree> openV1(const QString &key, QString *why);
    void retryPending();

    JobCgroup::Version m_version;
    QList<JobCgroup::Dir> m_dirs;
    std::vector<std::unique_ptr<JobCgroup>> m_pending; // retired but still busy
};

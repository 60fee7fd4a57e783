// The agent's policy for every job it runs, settled once at start: the job user, where job
// directories live, the cgroup subtree and the limits; applied to each job's JobProcess::Spec.
#pragma once

#include "CgroupTree.h"
#include "JobProcess.h"
#include "JobUser.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>

class JobSandbox
{
public:
    struct Options
    {
        QString jobUser; // empty: "nobody" when the agent is root; the agent's own user otherwise
        QString jobsDir; // empty: see JobSandbox::setUp
        int pidsMax = 4096; // per job; 0: no limit
    };
    static constexpr char kDefaultJobsBase[] = "/var/lib/tanvrit-compute/jobs";

    // Resolves the job user, creates the jobs directory and the agent's cgroup subtree (keyed by
    // a hash of workDir). False and *error on a configuration that cannot be honoured.
    bool setUp(const Options &options, const QString &workDir, QString *error);

    QString isolation() const; // "none", "cgroup-v1" or "cgroup-v2" (the node listing's isolation)
    QString jobsDir() const { return m_jobsDir; }
    const JobUser &user() const { return m_user; }
    std::shared_ptr<CgroupTree> cgroups() const { return m_cgroups; }

    // Sets workRoot, user, cgroup and limits from the job's resources {cpu, memGib}. asEngine:
    // a container engine's client, which runs as the agent's user and sees its engine variables.
    void apply(JobProcess::Spec &spec, const QJsonObject &resources, bool asEngine) const;
    // The same limits for a container engine's `run` (the container is not in our cgroup).
    QStringList containerLimitArgs(const QJsonObject &resources) const;

    static QString keyFor(const QString &workDir); // short hash naming this agent's directories
    static CgroupLimits limitsFor(const QJsonObject &resources, int pidsMax);

private:
    bool prepareJobsDir(QString *error);

    Options m_options;
    JobUser m_user;
    JobUser m_agentUser;
    QString m_jobsDir;
    std::shared_ptr<CgroupTree> m_cgroups;
};

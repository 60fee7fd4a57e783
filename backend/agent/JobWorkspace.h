// What a job is given to run in: its working directory and its environment (README, "Job isolation").
#pragma once

#include "JobProcess.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

class JobWorkspace
{
    Q_DECLARE_TR_FUNCTIONS(JobWorkspace)

public:
    static constexpr char kDefaultPath[] = "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin";

    struct Dir
    {
        QString path;
        int fd = -1; // open for the job's whole run
        bool fresh = false; // made for this run (not a workingDir the job named)
    };
    // Made with mkdirat/openat(O_NOFOLLOW) below spec.workRoot, owned by the job user when switchUser.
    static bool prepare(const JobProcess::Spec &spec, bool switchUser, Dir &out, QString *error);
    static QList<QByteArray> environment(const JobProcess::Spec &spec, const QString &workingDir);
    // A finished run's fresh directory goes back to the agent's user: a later job running as the same
    // job user cannot enter it, even knowing its name.
    static void giveBack(int dirFd, const QString &path);
    static QString safeName(const QString &s); // a job id as a file name part
};

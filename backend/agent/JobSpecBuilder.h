// Turns an assignment (the JSON the control plane sends) into what JobProcess runs: the command or argv,
// environment, working directory, and for CONTAINER jobs the engine's command line.
#pragma once

#include "JobProcess.h"

class JobSandbox;

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>

class JobSpecBuilder
{
    Q_DECLARE_TR_FUNCTIONS(JobSpecBuilder)

public:
    static const QString kCommand;
    static const QString kContainer;

    JobSpecBuilder() = default;
    JobSpecBuilder(QString workRoot, int graceMs);

    // podman or docker; empty: CONTAINER jobs are refused.
    void setContainerEngine(const QString &engine) { m_containerEngine = engine; }
    QString containerEngine() const { return m_containerEngine; }
    // The agent has GPUs: jobs see only the ones they were given (none when they asked for none).
    void setHasGpus(bool hasGpus) { m_hasGpus = hasGpus; }
    // The agent's job user, jobs directory, cgroups and limits, applied to every spec (none: jobs run
    // as the agent in workRoot, unconfined).
    void setSandbox(const JobSandbox *sandbox) { m_sandbox = sandbox; }

    // false with *error (the job's FAILED message) when the assignment cannot run here.
    bool build(const QJsonObject &assignment, const QString &type, const QList<int> &devices, JobProcess::Spec &spec,
        QString *error) const;

private:
    bool buildContainer(const QJsonObject &a, const QList<int> &devices, JobProcess::Spec &spec, QString *error) const;

    QString m_workRoot;
    int m_graceMs = 10000;
    QString m_containerEngine;
    bool m_hasGpus = false;
    const JobSandbox *m_sandbox = nullptr;
};

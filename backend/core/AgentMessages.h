// What agents send, parsed and validated: registration (nodes/register) and results (nodes/result).
#pragma once

#include "Agent.h"
#include "ApiError.h"
#include "JobState.h"

#include <QJsonObject>
#include <QMap>
#include <QStringList>
#include <optional>

struct RegisterRequest
{
    QString name;
    QString hostname;
    QString version;
    QMap<QString, QString> labels;
    QStringList capabilities;
    double cpu = 0;
    double memGib = 0;
    int slotCount = 0;
    QList<GpuDevice> gpus;
    QString isolation; // none, cgroup-v1, cgroup-v2
    static Result<RegisterRequest> fromJson(const QJsonObject &o);
};

// An agent's job isolation as it reports it; anything unknown counts as none.
QString isolationName(const QJsonValue &v);

struct AgentReport // nodes/result
{
    QString jobId;
    int attempt = 0;
    JobState state = JobState::Failed;
    std::optional<int> exitCode;
    qint64 runtimeMs = -1;
    double cpuSeconds = -1;
    qint64 peakMemoryBytes = -1;
    QString error;
    QString message; // detail of a coded error (the limit behind "oom_killed")
    static Result<AgentReport> fromJson(const QJsonObject &o);
};

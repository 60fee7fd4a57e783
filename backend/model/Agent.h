// An agent (node): what it offers (labels, job types, resources, GPUs) and its live state.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

struct GpuDevice
{
    int index = 0;
    QString uuid;
    QString model;
    qint64 memoryTotalMiB = 0;
    qint64 memoryUsedMiB = 0;
    int utilizationPercent = 0;
    QString jobId;                // the job holding it, as the agent last reported (empty: free)

    QJsonObject toJson() const;
    static GpuDevice fromJson(const QJsonObject &o);
};

enum class AgentState { Online, Draining, Lost };

struct Agent
{
    QString id;
    QString workspaceId;
    QString name;
    AgentState state = AgentState::Online;
    QMap<QString, QString> labels;
    QStringList capabilities;     // job types offered: COMMAND, CONTAINER, render…
    double cpu = 0;               // totals
    double memGib = 0;
    int slotCount = 1;            // jobs it runs at once
    QList<GpuDevice> gpus;
    double load = 0;              // 1-minute load average
    double freeCpu = 0;           // as last reported
    double freeMemGib = 0;
    QStringList runningJobs;      // as last reported
    qint64 registeredAt = 0;
    qint64 lastHeartbeat = 0;
    QString version;
    QString hostname;
    bool pushConnected = false;   // holds a WebSocket
    QString isolation = QStringLiteral("none"); // how its jobs are contained: none, cgroup-v1, cgroup-v2
    qint64 drainDeadline = 0;     // ms since the epoch: a draining agent's jobs still running then are cancelled

    QJsonObject toJson() const;
    static Agent fromJson(const QJsonObject &o);
    static QString stateName(AgentState s);
};

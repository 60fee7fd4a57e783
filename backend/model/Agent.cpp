// JSON mapping of agents and GPUs.
#include "Agent.h"
#include "Job.h"
#include "Wire.h"

#include <QJsonArray>

QJsonObject GpuDevice::toJson() const
{
    QJsonObject o {{QStringLiteral("index"), index}, {QStringLiteral("uuid"), uuid}, {QStringLiteral("model"), model},
        {QStringLiteral("memoryTotalMiB"), memoryTotalMiB}, {QStringLiteral("memoryUsedMiB"), memoryUsedMiB},
        {QStringLiteral("utilizationPercent"), utilizationPercent}};
    if (!jobId.isEmpty())
        o.insert(QStringLiteral("jobId"), jobId);
    return o;
}

GpuDevice GpuDevice::fromJson(const QJsonObject &o)
{
    GpuDevice g;
    g.index = o.value(QStringLiteral("index")).toInt();
    g.uuid = o.value(QStringLiteral("uuid")).toString();
    g.model = o.value(QStringLiteral("model")).toString();
    g.memoryTotalMiB
        = Wire::toInteger(o.value(QStringLiteral("memoryTotalMiB")), 0, Wire::kMaxExactInteger).value_or(0);
    g.memoryUsedMiB = Wire::toInteger(o.value(QStringLiteral("memoryUsedMiB")), 0, Wire::kMaxExactInteger).value_or(0);
    g.utilizationPercent = o.value(QStringLiteral("utilizationPercent")).toInt();
    const QString job = o.value(QStringLiteral("jobId")).toString();
    if (Wire::isId(job, QLatin1StringView("job")))
        g.jobId = job;
    return g;
}

QString Agent::stateName(AgentState s)
{
    switch (s) {
    case AgentState::Online:
        return QStringLiteral("ONLINE");
    case AgentState::Draining:
        return QStringLiteral("DRAINING");
    case AgentState::Lost:
        return QStringLiteral("LOST");
    }
    return {};
}

QJsonObject Agent::toJson() const
{
    QJsonObject labelsObj;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        labelsObj.insert(it.key(), it.value());
    QJsonArray gpuArr;
    for (const auto &g : gpus)
        gpuArr.append(g.toJson());
    return {{QStringLiteral("id"), id},
            {QStringLiteral("workspaceId"), workspaceId},
            {QStringLiteral("name"), name},
            {QStringLiteral("state"), stateName(state)},
            {QStringLiteral("labels"), labelsObj},
            {QStringLiteral("capabilities"), QJsonArray::fromStringList(capabilities)},
            {QStringLiteral("resources"), QJsonObject{{QStringLiteral("cpu"), cpu},
                                                      {QStringLiteral("memGib"), memGib},
                                                      {QStringLiteral("slots"), slotCount},
                                                      {QStringLiteral("gpus"), gpuArr.size()}}},
            {QStringLiteral("free"), QJsonObject{{QStringLiteral("cpu"), freeCpu},
                                                 {QStringLiteral("memGib"), freeMemGib}}},
            {QStringLiteral("gpus"), gpuArr},
            {QStringLiteral("load"), load},
            {QStringLiteral("runningJobs"), QJsonArray::fromStringList(runningJobs)},
            {QStringLiteral("registeredAt"), isoTime(registeredAt)},
            {QStringLiteral("lastHeartbeat"), isoTime(lastHeartbeat)},
            {QStringLiteral("version"), version},
            {QStringLiteral("hostname"), hostname},
            {QStringLiteral("pushConnected"), pushConnected},
            {QStringLiteral("isolation"), isolation},
            {QStringLiteral("drainDeadline"), drainDeadline > 0 ? QJsonValue(isoTime(drainDeadline)) : QJsonValue()}};
}

Agent Agent::fromJson(const QJsonObject &o)
{
    Agent a;
    a.id = o.value(QStringLiteral("id")).toString();
    a.workspaceId = o.value(QStringLiteral("workspaceId")).toString();
    a.name = o.value(QStringLiteral("name")).toString();
    const QString st = o.value(QStringLiteral("state")).toString();
    a.state = st == QLatin1String("DRAINING") ? AgentState::Draining
        : st == QLatin1String("LOST")         ? AgentState::Lost
                                              : AgentState::Online;
    const QJsonObject l = o.value(QStringLiteral("labels")).toObject();
    for (auto it = l.begin(); it != l.end(); ++it)
        a.labels.insert(it.key(), it.value().toString());
    for (const auto &c : o.value(QStringLiteral("capabilities")).toArray())
        a.capabilities << c.toString();
    const QJsonObject r = o.value(QStringLiteral("resources")).toObject();
    a.cpu = r.value(QStringLiteral("cpu")).toDouble();
    a.memGib = r.value(QStringLiteral("memGib")).toDouble();
    a.slotCount = r.value(QStringLiteral("slots")).toInt(1);
    for (const auto &g : o.value(QStringLiteral("gpus")).toArray())
        a.gpus << GpuDevice::fromJson(g.toObject());
    a.load = o.value(QStringLiteral("load")).toDouble();
    a.registeredAt = parseTime(o.value(QStringLiteral("registeredAt")).toString()).value_or(0);
    a.lastHeartbeat = parseTime(o.value(QStringLiteral("lastHeartbeat")).toString()).value_or(0);
    a.version = o.value(QStringLiteral("version")).toString();
    a.hostname = o.value(QStringLiteral("hostname")).toString();
    a.isolation = o.value(QStringLiteral("isolation")).toString(QStringLiteral("none"));
    a.drainDeadline = parseTime(o.value(QStringLiteral("drainDeadline")).toString()).value_or(0);
    return a;
}

// Parsed and validated messages from agents: registration (nodes/register) and results (nodes/result).
#include "AgentMessages.h"

#include <QJsonArray>
#include <QRegularExpression>

QString isolationName(const QJsonValue &v)
{
    const QString s = v.toString();
    return s == QLatin1String("cgroup-v1") || s == QLatin1String("cgroup-v2") ? s : QStringLiteral("none");
}

Result<RegisterRequest> RegisterRequest::fromJson(const QJsonObject &o)
{
    static const QRegularExpression keyRe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.\\-/]{0,62}$"));
    static const QRegularExpression typeRe(QStringLiteral("^[A-Za-z][A-Za-z0-9_\\-]{0,63}$"));
    QJsonObject fields;
    RegisterRequest r;
    r.name = o.value(QStringLiteral("name")).toString().trimmed();
    if (r.name.isEmpty() || r.name.size() > 128)
        fields.insert(QStringLiteral("name"), QStringLiteral("required, at most 128 characters"));
    r.hostname = o.value(QStringLiteral("hostname")).toString().left(255);
    r.version = o.value(QStringLiteral("version")).toString().left(64);
    const QJsonObject labels = o.value(QStringLiteral("labels")).toObject();
    if (labels.size() > 64)
        fields.insert(QStringLiteral("labels"), QStringLiteral("at most 64 labels"));
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (!keyRe.match(it.key()).hasMatch() || !it.value().isString() || it.value().toString().size() > 256)
            fields.insert(QStringLiteral("labels.") + it.key(), QStringLiteral("invalid label"));
        else
            r.labels.insert(it.key(), it.value().toString());
    }
    for (const auto &c : o.value(QStringLiteral("capabilities")).toArray()) {
        if (!typeRe.match(c.toString()).hasMatch())
            fields.insert(QStringLiteral("capabilities"), QStringLiteral("job type names only"));
        else if (!r.capabilities.contains(c.toString()))
            r.capabilities << c.toString();
    }
    if (r.capabilities.isEmpty())
        r.capabilities << QStringLiteral("COMMAND");
    const QJsonObject res = o.value(QStringLiteral("resources")).toObject();
    r.cpu = res.value(QStringLiteral("cpu")).toDouble();
    r.memGib = res.value(QStringLiteral("memGib")).toDouble();
    r.slotCount = res.value(QStringLiteral("slots")).toInt(0);
    if (r.cpu < 0 || r.cpu > 100000 || r.memGib < 0 || r.memGib > 1e7 || r.slotCount < 0 || r.slotCount > 100000)
        fields.insert(QStringLiteral("resources"), QStringLiteral("out of range"));
    if (r.slotCount == 0)
        r.slotCount = std::max(1, int(r.cpu));
    const QJsonArray gpus = o.value(QStringLiteral("gpus")).toArray();
    if (gpus.size() > 64)
        fields.insert(QStringLiteral("gpus"), QStringLiteral("at most 64 GPUs"));
    for (const auto &g : gpus)
        r.gpus << GpuDevice::fromJson(g.toObject());
    r.isolation = isolationName(o.value(QStringLiteral("isolation")));
    if (!fields.isEmpty())
        return ApiError::validation(fields);
    return r;
}

Result<AgentReport> AgentReport::fromJson(const QJsonObject &o)
{
    AgentReport r;
    r.jobId = o.value(QStringLiteral("jobId")).toString();
    r.attempt = o.value(QStringLiteral("attempt")).toInt();
    const auto st = JobStates::parse(o.value(QStringLiteral("state")).toString());
    QJsonObject fields;
    if (r.jobId.isEmpty())
        fields.insert(QStringLiteral("jobId"), QStringLiteral("required"));
    if (r.attempt < 1)
        fields.insert(QStringLiteral("attempt"), QStringLiteral("required, from 1"));
    if (!st || !JobStates::isTerminal(*st))
        fields.insert(QStringLiteral("state"), QStringLiteral("one of SUCCEEDED, FAILED, TIMED_OUT, CANCELLED"));
    if (!fields.isEmpty())
        return ApiError::validation(fields);
    r.state = *st;
    if (o.value(QStringLiteral("exitCode")).isDouble())
        r.exitCode = o.value(QStringLiteral("exitCode")).toInt();
    r.runtimeMs = qint64(o.value(QStringLiteral("runtimeMs")).toDouble(-1));
    r.cpuSeconds = o.value(QStringLiteral("cpuSeconds")).toDouble(-1);
    const double peak = o.value(QStringLiteral("peakMemoryBytes")).toDouble(-1);
    r.peakMemoryBytes = peak >= 0 && peak < 9e15 ? qint64(peak) : -1;
    r.error = o.value(QStringLiteral("error")).toString().left(2000);
    r.message = o.value(QStringLiteral("message")).toString().left(2000);
    return r;
}

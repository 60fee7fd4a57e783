// Bounds follow the agent protocol (docs/agent-protocol.md); the services apply the rules.
#include "NodeBodies.h"
#include "Wire.h"

#include <QJsonArray>

namespace {
constexpr qint64 kMaxAttempt = 1000000;
constexpr int kMaxGpus = 64;
constexpr qint64 kMaxDrainDeadlineSeconds = 30LL * 24 * 3600;
const QLatin1StringView kJob("job");
const QLatin1StringView kNode("node");

Status verdict(const Wire::Fields &f)
{
    if (f.ok())
        return Ok {};
    return ApiError::validation(f.errors());
}

void checkGpus(Wire::Fields &f, const QJsonObject &body)
{
    if (!f.array(QStringLiteral("gpus"), kMaxGpus))
        return;
    for (const QJsonValue &g : body.value(QStringLiteral("gpus")).toArray())
        if (!g.isObject())
            return f.add(QStringLiteral("gpus"), QStringLiteral("must be an array of objects"));
}
}

Status NodeBodies::registration(const QJsonObject &body)
{
    Wire::Fields f(body);
    f.string(QStringLiteral("name"), 128);
    f.string(QStringLiteral("hostname"), 255);
    f.string(QStringLiteral("version"), 64);
    f.object(QStringLiteral("labels"));
    f.array(QStringLiteral("capabilities"), 64);
    if (f.object(QStringLiteral("resources"))) {
        const QJsonObject r = body.value(QStringLiteral("resources")).toObject();
        Wire::Fields rf(r, QStringLiteral("resources."));
        rf.number(QStringLiteral("cpu"), 0, 100000);
        rf.number(QStringLiteral("memGib"), 0, 1e7);
        rf.integer(QStringLiteral("slots"), 0, 100000);
        f.merge(rf);
    }
    checkGpus(f, body);
    return verdict(f);
}

Status NodeBodies::heartbeat(const QJsonObject &body)
{
    Wire::Fields f(body);
    f.number(QStringLiteral("load"), 0, 1e9);
    f.number(QStringLiteral("freeCpu"), -1e9, 1e9);
    f.number(QStringLiteral("freeMemGib"), -1e9, 1e9);
    f.boolean(QStringLiteral("restarted"));
    checkGpus(f, body);
    if (f.array(QStringLiteral("runningJobs"), 100000)) {
        for (const QJsonValue &v : body.value(QStringLiteral("runningJobs")).toArray()) {
            if (!v.isObject()) {
                f.add(QStringLiteral("runningJobs"), QStringLiteral("must be an array of {jobId, attempt}"));
                break;
            }
            Wire::Fields jf(v.toObject(), QStringLiteral("runningJobs[]."));
            jf.id(QStringLiteral("jobId"), kJob, true);
            jf.integer(QStringLiteral("attempt"), 1, kMaxAttempt, true);
            if (!jf.ok()) {
                f.merge(jf);
                break;
            }
        }
    }
    return verdict(f);
}

Status NodeBodies::poll(const QJsonObject &body)
{
    Wire::Fields f(body);
    f.number(QStringLiteral("waitSeconds"), 0, 3600);
    f.integer(QStringLiteral("max"), 0, 100000);
    return verdict(f);
}

Status NodeBodies::started(const QJsonObject &body)
{
    Wire::Fields f(body);
    f.id(QStringLiteral("jobId"), kJob, true);
    f.integer(QStringLiteral("attempt"), 1, kMaxAttempt, true);
    return verdict(f);
}

Status NodeBodies::result(const QJsonObject &body)
{
    Wire::Fields f(body);
    f.id(QStringLiteral("jobId"), kJob, true);
    f.integer(QStringLiteral("attempt"), 1, kMaxAttempt, true);
    f.string(QStringLiteral("state"), 32, true);
    f.integer(QStringLiteral("exitCode"), -2147483648LL, 2147483647LL);
    f.integer(QStringLiteral("runtimeMs"), -1, Wire::kMaxExactInteger);
    f.number(QStringLiteral("cpuSeconds"), -1, 1e12);
    f.string(QStringLiteral("error"), 1 << 20);
    return verdict(f);
}

Status NodeBodies::logs(const QJsonObject &body)
{
    // Each line's numbers are checked where the lines are read (LogAppendRequest), in the same pass.
    Wire::Fields f(body);
    f.id(QStringLiteral("jobId"), kJob, true);
    f.integer(QStringLiteral("attempt"), 1, kMaxAttempt, true);
    f.array(QStringLiteral("lines"), 100000, true);
    return verdict(f);
}

Status NodeBodies::drain(const QJsonObject &body)
{
    Wire::Fields f(body);
    if (!body.value(QStringLiteral("nodeId")).toString().isEmpty() || !body.value(QStringLiteral("nodeId")).isString())
        f.id(QStringLiteral("nodeId"), kNode);
    f.integer(QStringLiteral("deadlineSeconds"), 0, kMaxDrainDeadlineSeconds);
    return verdict(f);
}

Status NodeBodies::drainV0(const QJsonObject &body)
{
    Wire::Fields f(body);
    f.integer(QStringLiteral("deadlineSeconds"), 0, kMaxDrainDeadlineSeconds);
    return verdict(f);
}

Status NodeBodies::jobReference(const QJsonObject &body)
{
    Wire::Fields f(body);
    const QString key = body.contains(QStringLiteral("jobId")) ? QStringLiteral("jobId") : QStringLiteral("id");
    f.id(key, kJob, true);
    return verdict(f);
}

// libFuzzer harness: one JSON body through every mapping of a request body — job specs, the agent
// plane's bodies (shape checks, then the services' parsers), RPC job references — under ASan and
// UBSan (a float-to-int conversion out of range is a finding). A body the shape check accepts must
// parse without surprise in the service's mapping too.
#include "AgentService.h"
#include "Job.h"
#include "LogService.h"
#include "NodeBodies.h"

#include <QJsonDocument>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument doc
        = QJsonDocument::fromJson(QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!doc.isObject())
        return 0;
    const QJsonObject body = doc.object();

    if (auto spec = JobSpec::fromJson(body)) {
        // what was accepted round-trips through the store's form
        QJsonObject stored;
        spec.value().writeJson(stored);
        const JobSpec back = JobSpec::readJson(stored);
        if (back.command != spec.value().command || back.timeoutSeconds != spec.value().timeoutSeconds
            || back.priority != spec.value().priority || back.image != spec.value().image)
            abort();
        if (spec.value().type == QLatin1String("CONTAINER") && spec.value().image.startsWith(QLatin1Char('-')))
            abort();
    }
    Job::fromJson(body);
    Agent::fromJson(body);
    GpuDevice::fromJson(body);

    if (NodeBodies::registration(body))
        RegisterRequest::fromJson(body);
    NodeBodies::heartbeat(body);
    NodeBodies::poll(body);
    NodeBodies::started(body);
    NodeBodies::drain(body);
    NodeBodies::jobReference(body);
    if (NodeBodies::result(body))
        AgentReport::fromJson(body);
    if (NodeBodies::logs(body))
        LogAppendRequest::fromJson(body);
    return 0;
}

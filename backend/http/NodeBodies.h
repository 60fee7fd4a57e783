// Shape checks of the agent plane's request bodies, made before the services see them: ids have the
// shape this server issues, numbers are finite and in range (so no conversion is undefined), arrays
// are bounded. Members the checks do not know are left alone: agents may send newer fields.
#pragma once

#include "ApiError.h"

#include <QJsonObject>

namespace NodeBodies {
Status registration(const QJsonObject &body);
Status heartbeat(const QJsonObject &body);
Status poll(const QJsonObject &body);
Status started(const QJsonObject &body);
Status result(const QJsonObject &body);
Status logs(const QJsonObject &body);
Status drain(const QJsonObject &body);
Status drainV0(const QJsonObject &body); // POST /v0/agents/{id}:drain: {deadlineSeconds?}
// RPC job calls name their job as "jobId" (or "id"); empty when neither is a job id.
Status jobReference(const QJsonObject &body);
}

// A job's artifacts are looked up through JobService, so a job of another workspace stays a 404.
#include "ArtifactsController.h"
#include "JobService.h"
#include "Wire.h"

#include <QJsonArray>

namespace {
const QString kNotStored = QStringLiteral("artifacts are not stored on this server yet");
}

ArtifactsController::ArtifactsController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    r.add("GET", QStringLiteral("/v0/jobs/{id}/artifacts"), {}, [this](const ExchangePtr &ex) {
        const QString id = ex->param(QStringLiteral("id"));
        if (!Wire::isId(id, QLatin1StringView("job")))
            return ex->replyError(ApiError::notFound(QStringLiteral("no job '%1': not a job id").arg(id.left(64))));
        const auto job = m_s.jobs->jobJson(ex->principal(), id);
        if (!job)
            return ex->replyError(job.error());
        ex->replyJson(200, {{QStringLiteral("jobId"), id}, {QStringLiteral("artifacts"), QJsonArray()}});
    });
    RouteOptions presign;
    presign.surface = Surface::Rpc;
    presign.need = Permission::ReadJobs;
    auto noData = [](const ExchangePtr &ex) { ex->replyRpc(QJsonValue(), kNotStored, QStringLiteral("NO_DATA")); };
    r.add("POST", QStringLiteral("/api/compute/jobs/artifacts/presign-upload"), presign, noData);
    r.add("POST", QStringLiteral("/api/compute/jobs/artifacts/presign-download"), presign, noData);
    // The URL is the credential: with nothing presigned yet, no URL is valid.
    RouteOptions direct;
    direct.surface = Surface::Rpc;
    direct.auth = false;
    auto unsigned_ = [](const ExchangePtr &ex) {
        ex->replyError(ApiError::make(ErrorCode::Unauthorized,
            QStringLiteral("this artifact URL carries no valid signature (%1)").arg(kNotStored)));
    };
    r.add("PUT", QStringLiteral("/api/compute/artifacts/upload/{jobId}/{id}"), direct, unsigned_);
    r.add("GET", QStringLiteral("/api/compute/artifacts/download/{jobId}/{id}"), direct, unsigned_);
}

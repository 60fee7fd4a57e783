// Managing schedules needs ManageIntegrations (admins, owners); reading them, their runs and a preview only
// ReadJobs. Services are reached at the request, never at registration (the router's fuzzer has none).
#include "SchedulesController.h"
#include "JobService.h"
#include "JobsController.h"
#include "ScheduleService.h"
#include "Wire.h"

#include <QJsonDocument>

namespace {
bool isScheduleId(const ExchangePtr &ex, const QString &id)
{
    if (Wire::isId(id, QLatin1StringView("sch")))
        return true;
    ex->replyError(ApiError::notFound(QStringLiteral("no schedule '%1': not a schedule id").arg(id.left(64))));
    return false;
}

RouteOptions managing(const char *action)
{
    RouteOptions o {Surface::V0, true, Permission::ManageIntegrations};
    o.action = action;
    return o;
}
}

SchedulesController::SchedulesController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    r.add("POST", QStringLiteral("/v0/schedules"), managing("schedule.create"), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (!ex->jsonBody(body))
            return;
        m_s.schedules->create(ex->principal(), body, [this, ex](Result<QJsonObject> res) {
            if (res)
                ex->setAuditSubject(res.value().value(QStringLiteral("id")).toString());
            answer(ex, 201, res);
        });
    });
    r.add("GET", QStringLiteral("/v0/schedules"), {},
        [this](const ExchangePtr &ex) { ex->replyJson(200, m_s.schedules->list(ex->principal())); });
    RouteOptions previewing {Surface::V0, true, Permission::ReadJobs};
    previewing.audit = false; // changes nothing
    r.add("POST", QStringLiteral("/v0/schedules:preview"), previewing, [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (ex->jsonBody(body))
            answer(ex, 200, m_s.schedules->preview(body));
    });
    r.add("GET", QStringLiteral("/v0/schedules/{id}"), {}, [this](const ExchangePtr &ex) {
        const QString id = ex->param(QStringLiteral("id"));
        if (isScheduleId(ex, id))
            answer(ex, 200, m_s.schedules->get(ex->principal(), id));
    });
    r.add("PATCH", QStringLiteral("/v0/schedules/{id}"), managing("schedule.update"), [this](const ExchangePtr &ex) {
        const QString id = ex->param(QStringLiteral("id"));
        QJsonObject body;
        if (isScheduleId(ex, id) && ex->jsonBody(body))
            m_s.schedules->update(
                ex->principal(), id, body, [this, ex](Result<QJsonObject> res) { answer(ex, 200, res); });
    });
    r.add("DELETE", QStringLiteral("/v0/schedules/{id}"), managing("schedule.delete"), [this](const ExchangePtr &ex) {
        const QString id = ex->param(QStringLiteral("id"));
        if (isScheduleId(ex, id))
            m_s.schedules->remove(ex->principal(), id, [this, ex](Result<QJsonObject> res) { answer(ex, 200, res); });
    });
    for (const bool pause : {true, false}) {
        r.add("POST", pause ? QStringLiteral("/v0/schedules/{id}:pause") : QStringLiteral("/v0/schedules/{id}:resume"),
            managing(pause ? "schedule.pause" : "schedule.resume"), [this, pause](const ExchangePtr &ex) {
                const QString id = ex->param(QStringLiteral("id"));
                if (isScheduleId(ex, id))
                    m_s.schedules->setPaused(
                        ex->principal(), id, pause, [this, ex](Result<QJsonObject> res) { answer(ex, 200, res); });
            });
    }
    r.add("GET", QStringLiteral("/v0/schedules/{id}/runs"), {}, [this](const ExchangePtr &ex) {
        const QString id = ex->param(QStringLiteral("id"));
        if (isScheduleId(ex, id))
            runs(ex, id);
    });
}

void SchedulesController::answer(const ExchangePtr &ex, int status, const Result<QJsonObject> &r)
{
    if (!r)
        return ex->replyError(r.error());
    ex->replyJson(status, r.value());
}

void SchedulesController::runs(const ExchangePtr &ex, const QString &id)
{
    if (const auto s = m_s.schedules->get(ex->principal(), id); !s)
        return ex->replyError(s.error());
    // the job list filtered by the schedule's label: newest first, paged like GET /v0/jobs
    QHash<QString, QStringList> params;
    for (const auto &[k, v] : ex->query().queryItems(QUrl::FullyDecoded)) {
        if (k == QLatin1String("label"))
            return ex->replyError(ApiError::invalid(QStringLiteral("a schedule's runs take no label filter")));
        params[k].append(v);
    }
    params[QStringLiteral("label")] = QStringList {QStringLiteral("tanvrit/schedule:") + id};
    const auto q = JobsController::parseQuery(params);
    if (!q)
        return ex->replyError(q.error());
    const auto json = m_s.jobs->listJson(ex->principal(), q.value());
    if (!json)
        return ex->replyError(json.error());
    ex->reply(200, json.value());
}

// The schedule calls of ComputeClient (/v0/schedules…): one per endpoint, a path, a body, the parse.
#include "ComputeClient.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace {
QString schedulePath(const QString &id, const QString &tail = {})
{
    return QStringLiteral("/v0/schedules/") + QString::fromLatin1(QUrl::toPercentEncoding(id)) + tail;
}

ApiRequest jsonRequest(const QByteArray &method, const QString &path, const QJsonObject &body = {})
{
    ApiRequest r;
    r.method = method;
    r.path = path;
    if (!body.isEmpty())
        r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return r;
}

std::function<void(ClientResult<QJsonObject>)> asSchedule(ClientCallback<ScheduleView> done)
{
    return [done = std::move(done)](ClientResult<QJsonObject> r) {
        if (!r)
            return done(r.error());
        done(ScheduleView::fromJson(r.value()));
    };
}
}

void ComputeClient::schedules(ClientCallback<ScheduleList> done)
{
    call(jsonRequest("GET", QStringLiteral("/v0/schedules")), [done = std::move(done)](ClientResult<QJsonObject> r) {
        if (!r)
            return done(r.error());
        ScheduleList l;
        for (const auto &v : r.value().value(QStringLiteral("schedules")).toArray())
            l.schedules << ScheduleView::fromJson(v.toObject());
        l.json = r.value();
        done(l);
    });
}

void ComputeClient::schedule(const QString &id, ClientCallback<ScheduleView> done)
{
    call(jsonRequest("GET", schedulePath(id)), asSchedule(std::move(done)));
}

void ComputeClient::createSchedule(const QJsonObject &body, ClientCallback<ScheduleView> done)
{
    call(jsonRequest("POST", QStringLiteral("/v0/schedules"), body), asSchedule(std::move(done)));
}

void ComputeClient::updateSchedule(const QString &id, const QJsonObject &changes, ClientCallback<ScheduleView> done)
{
    call(jsonRequest("PATCH", schedulePath(id), changes), asSchedule(std::move(done)));
}

void ComputeClient::setSchedulePaused(const QString &id, bool paused, ClientCallback<ScheduleView> done)
{
    ApiRequest r = jsonRequest("POST", schedulePath(id, paused ? QStringLiteral(":pause") : QStringLiteral(":resume")));
    r.retrySafe = true; // pausing twice is pausing
    call(r, asSchedule(std::move(done)));
}

void ComputeClient::deleteSchedule(const QString &id, ClientCallback<bool> done)
{
    call(jsonRequest("DELETE", schedulePath(id)), [done = std::move(done)](ClientResult<QJsonObject> r) {
        if (!r)
            return done(r.error());
        done(true);
    });
}

void ComputeClient::previewSchedule(const QString &cron, const QString &timeZone, ClientCallback<SchedulePreview> done)
{
    QJsonObject body {{QStringLiteral("cron"), cron}};
    if (!timeZone.isEmpty())
        body.insert(QStringLiteral("timeZone"), timeZone);
    ApiRequest r = jsonRequest("POST", QStringLiteral("/v0/schedules:preview"), body);
    r.retrySafe = true; // changes nothing
    call(r, [done = std::move(done)](ClientResult<QJsonObject> res) {
        if (!res)
            return done(res.error());
        SchedulePreview p;
        p.cron = res.value().value(QStringLiteral("cron")).toString();
        p.timeZone = res.value().value(QStringLiteral("timeZone")).toString();
        for (const auto &v : res.value().value(QStringLiteral("nextRuns")).toArray())
            p.nextRuns << v.toString();
        p.json = res.value();
        done(p);
    });
}

void ComputeClient::scheduleRuns(const QString &id, int limit, ClientCallback<JobPage> done)
{
    ApiRequest r = jsonRequest("GET", schedulePath(id, QStringLiteral("/runs")));
    r.query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    call(r, [done = std::move(done)](ClientResult<QJsonObject> res) {
        if (!res)
            return done(res.error());
        JobPage page;
        for (const auto &v : res.value().value(QStringLiteral("jobs")).toArray())
            page.jobs << JobView::fromJson(v.toObject());
        page.nextCursor = res.value().value(QStringLiteral("nextCursor")).toString();
        page.json = res.value();
        done(page);
    });
}

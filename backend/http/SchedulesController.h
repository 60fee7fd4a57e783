// Schedules on the /v0 surface: /v0/schedules… (create, list, get, change, pause, resume, delete, preview,
// runs). Thin: parse, call ScheduleService (or JobService for the runs), render.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class SchedulesController : public QObject
{
    Q_OBJECT
public:
    SchedulesController(Services &s, Router &r, QObject *parent = nullptr);

private:
    void answer(const ExchangePtr &ex, int status, const Result<QJsonObject> &r);
    void runs(const ExchangePtr &ex, const QString &id);
    Services &m_s;
};

// GET /v0/stats: the dashboard's figures of the caller's workspace.
#pragma once

#include "Router.h"
#include "Services.h"
#include "StatsService.h"

#include <QObject>

class StatsController : public QObject
{
    Q_OBJECT
public:
    StatsController(Services &s, Router &r, QObject *parent = nullptr);

private:
    StatsService m_stats;
};

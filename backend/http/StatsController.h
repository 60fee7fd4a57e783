// GET /v0/stats: the dashboard's figures of the caller's workspace.
#pragma once

#include "Router.h"
#include "Services.h"
#include "StatsService.h"

#include <QObject>
#include <memory>

class StatsController : public QObject
{
    Q_OBJECT
public:
    StatsController(Services &s, Router &r, QObject *parent = nullptr);

private:
    Services &m_s;
    std::unique_ptr<StatsService> m_stats; // made at the first request: the services exist by then (the
                                           // router's fuzzer builds the routes over empty ones)
};

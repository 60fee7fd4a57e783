// Thin: the figures are StatsService's.
#include "StatsController.h"

#include <QDateTime>

StatsController::StatsController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_stats(*s.store, *s.jobs, *s.agents)
{
    r.add("GET", QStringLiteral("/v0/stats"), {}, [this](const ExchangePtr &ex) {
        ex->replyJson(200, m_stats.stats(ex->principal(), QDateTime::currentMSecsSinceEpoch()));
    });
}

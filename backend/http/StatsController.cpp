// Thin: the figures are StatsService's.
#include "StatsController.h"

#include <QDateTime>

StatsController::StatsController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    r.add("GET", QStringLiteral("/v0/stats"), {}, [this](const ExchangePtr &ex) {
        if (!m_stats)
            m_stats = std::make_unique<StatsService>(*m_s.store, *m_s.jobs, *m_s.agents);
        ex->replyJson(200, m_stats->stats(ex->principal(), QDateTime::currentMSecsSinceEpoch()));
    });
}

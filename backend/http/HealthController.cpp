// Probes and Prometheus metrics.
#include "HealthController.h"
#include "AgentService.h"
#include "JobService.h"
#include "Metrics.h"
#include "Store.h"

HealthController::HealthController(Services &s, Router &r, QObject *parent) : QObject(parent), m_s(s)
{
    const RouteOptions open{Surface::Plain, false};
    r.add("GET", QStringLiteral("/health"), open, [](const ExchangePtr &ex) {
        ex->replyJson(200, {{QStringLiteral("status"), QStringLiteral("healthy")}});
    });
    r.add("GET", QStringLiteral("/version"), open, [](const ExchangePtr &ex) {
        ex->replyJson(200, {{QStringLiteral("name"), QStringLiteral("tanvrit-compute")},
                            {QStringLiteral("version"), QStringLiteral(TANVRIT_VERSION)},
                            {QStringLiteral("apiVersion"), QStringLiteral("v0")}});
    });
    r.add("GET", QStringLiteral("/v0/health/ready"), open, [this](const ExchangePtr &ex) {
        const bool storeOk = m_s.store->ping();
        ex->replyJson(storeOk ? 200 : 503,
                      {{QStringLiteral("status"), storeOk ? QStringLiteral("ready") : QStringLiteral("degraded")},
                       {QStringLiteral("checks"), QJsonObject{{QStringLiteral("store"),
                                                               storeOk ? QStringLiteral("ok") : QStringLiteral("unavailable")}}}});
    });
    r.add("GET", QStringLiteral("/metrics"), open, [this](const ExchangePtr &ex) { metrics(ex); });
}

void HealthController::metrics(const ExchangePtr &ex)
{
    QByteArray out;
    out += "# HELP tanvrit_jobs Jobs by state.\n# TYPE tanvrit_jobs gauge\n";
    const auto counts = m_s.jobs->stateCounts();
    for (JobState st : {JobState::Queued, JobState::Assigned, JobState::Running, JobState::Cancelling,
                        JobState::Succeeded, JobState::Failed, JobState::TimedOut, JobState::Cancelled})
        out += "tanvrit_jobs{state=\"" + JobStates::name(st).toLatin1() + "\"} " + QByteArray::number(counts.value(st))
            + '\n';
    out += "# HELP tanvrit_queue_depth Jobs waiting for an agent.\n# TYPE tanvrit_queue_depth gauge\n";
    out += "tanvrit_queue_depth " + QByteArray::number(m_s.jobs->queueDepth()) + '\n';
    out += "# HELP tanvrit_agents_online Agents not LOST.\n# TYPE tanvrit_agents_online gauge\n";
    out += "tanvrit_agents_online " + QByteArray::number(m_s.agents->onlineCount()) + '\n';
    m_s.metrics->renderDispatch(out);
    m_s.metrics->renderHttp(out);
    ex->reply(200, out, "text/plain; version=0.0.4");
}

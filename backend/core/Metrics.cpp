// Prometheus exposition: counters per (method, route, status), latency histograms per route.
#include "Metrics.h"

#include <QList>

void Histogram::observe(double s)
{
    size_t i = 0;
    while (i < kBounds.size() && s > kBounds[i])
        ++i;
    ++m_counts[i];
    m_sum += s;
    ++m_total;
}

void Histogram::render(QByteArray &out, const QByteArray &name, const QByteArray &labels) const
{
    const QByteArray sep = labels.isEmpty() ? QByteArray() : labels + ',';
    quint64 cumulative = 0;
    for (size_t i = 0; i < kBounds.size(); ++i) {
        cumulative += m_counts[i];
        out += name + "_bucket{" + sep + "le=\"" + QByteArray::number(kBounds[i]) + "\"} "
            + QByteArray::number(cumulative) + '\n';
    }
    out += name + "_bucket{" + sep + "le=\"+Inf\"} " + QByteArray::number(m_total) + '\n';
    const QByteArray braces = labels.isEmpty() ? QByteArray() : '{' + labels + '}';
    out += name + "_sum" + braces + ' ' + QByteArray::number(m_sum, 'g', 10) + '\n';
    out += name + "_count" + braces + ' ' + QByteArray::number(m_total) + '\n';
}

void Metrics::recordHttp(const QByteArray &method, const QByteArray &route, int status, double seconds)
{
    ++m_requests[method + '\t' + route + '\t' + QByteArray::number(status)];
    m_latency[route].observe(seconds);
}

void Metrics::renderHttp(QByteArray &out) const
{
    out += "# HELP tanvrit_http_requests_total HTTP requests by method, route and status.\n"
           "# TYPE tanvrit_http_requests_total counter\n";
    QList<QByteArray> keys = m_requests.keys();
    std::sort(keys.begin(), keys.end());
    for (const QByteArray &k : keys) {
        const QList<QByteArray> parts = k.split('\t');
        out += "tanvrit_http_requests_total{method=\"" + parts[0] + "\",route=\"" + parts[1] + "\",status=\""
            + parts[2] + "\"} " + QByteArray::number(m_requests.value(k)) + '\n';
    }
    out += "# HELP tanvrit_http_request_duration_seconds HTTP request latency by route.\n"
           "# TYPE tanvrit_http_request_duration_seconds histogram\n";
    QList<QByteArray> routes = m_latency.keys();
    std::sort(routes.begin(), routes.end());
    for (const QByteArray &r : routes)
        m_latency.value(r).render(out, "tanvrit_http_request_duration_seconds", "route=\"" + r + '"');
}

void Metrics::renderDispatch(QByteArray &out) const
{
    out += "# HELP tanvrit_dispatch_latency_seconds Time from a job becoming QUEUED to its assignment.\n"
           "# TYPE tanvrit_dispatch_latency_seconds histogram\n";
    m_dispatch.render(out, "tanvrit_dispatch_latency_seconds");
}

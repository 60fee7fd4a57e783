// Counters and histograms for /metrics (Prometheus text format). Owned by the main thread.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <array>

class Histogram
{
public:
    static constexpr std::array<double, 14> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,   5,    10};
    void observe(double seconds);
    void render(QByteArray &out, const QByteArray &name, const QByteArray &labels = {}) const;

private:
    std::array<quint64, kBounds.size() + 1> m_counts{};
    double m_sum = 0;
    quint64 m_total = 0;
};

class Metrics
{
public:
    void recordHttp(const QByteArray &method, const QByteArray &route, int status, double seconds);
    void recordDispatch(double seconds) { m_dispatch.observe(seconds); }
    void renderHttp(QByteArray &out) const;
    void renderDispatch(QByteArray &out) const;

private:
    QHash<QByteArray, quint64> m_requests;   // "method\troute\tstatus" -> count
    QHash<QByteArray, Histogram> m_latency;  // route -> latency
    Histogram m_dispatch;
};

// Request budgets: per person (their API keys count as them) a burst per minute and a sustained rate
// per hour; per workspace its plan's requests per second with a burst; per agent a ceiling its own
// cadence never reaches. Token buckets, so a quiet caller regains its budget smoothly.
#pragma once

#include "ApiError.h"
#include "Principal.h"

#include <QHash>
#include <QString>

struct PlanRate
{
    double perSecond = 0; // 0: unlimited
    double burst = 0;
};

struct RateLimits
{
    double userPerMinute = 1000;
    double userPerHour = 30000;
    double nodePerMinute = 600000;
    double anonymousPerMinute = 120; // per client address, on the sign-in endpoints
    QHash<QString, PlanRate> plans {{QStringLiteral("payg"), {100, 200}}, {QStringLiteral("team"), {1000, 2000}}};
    // "plan=RPS/BURST" — e.g. "team=1000/2000"; false on a malformed value.
    bool setPlan(const QString &spec);
};

class RateLimiter
{
public:
    explicit RateLimiter(RateLimits limits = {})
        : m_limits(std::move(limits))
    {
    }
    void setLimits(RateLimits limits) { m_limits = std::move(limits); }
    const RateLimits &limits() const { return m_limits; }

    // Spends one request of `p`'s budgets, or says (429, retryAfter) when one is empty.
    Status admit(const Principal &p, qint64 nowMs);
    Status admitAnonymous(const QString &address, qint64 nowMs);
    qsizetype tracked() const { return m_buckets.size(); }

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 atMs = 0;
    };
    // Takes a token from bucket `key` (capacity, refill per second); 0 or the seconds until one is back.
    double take(const QString &key, double capacity, double perSecond, qint64 nowMs);
    void prune(qint64 nowMs);

    RateLimits m_limits;
    QHash<QString, Bucket> m_buckets;
    qint64 m_prunedAt = 0;
};

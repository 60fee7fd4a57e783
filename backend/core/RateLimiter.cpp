// Buckets are created full and dropped once they are full again (an idle caller costs nothing).
#include "RateLimiter.h"

#include <cmath>

namespace {
constexpr qsizetype kMaxBuckets = 200000;

ApiError limited(double seconds, const QString &what)
{
    const int retryAfter = std::max(1, int(std::ceil(seconds)));
    return ApiError::make(ErrorCode::RateLimited,
        QStringLiteral("rate limit reached (%1); try again in %2 s").arg(what).arg(retryAfter),
        {{QStringLiteral("retryAfter"), retryAfter}});
}
}

bool RateLimits::setPlan(const QString &spec)
{
    const int eq = spec.indexOf(QLatin1Char('='));
    const int slash = spec.indexOf(QLatin1Char('/'), eq);
    if (eq <= 0 || slash < 0)
        return false;
    bool ok1 = false, ok2 = false;
    const double rps = spec.mid(eq + 1, slash - eq - 1).toDouble(&ok1);
    const double burst = spec.mid(slash + 1).toDouble(&ok2);
    if (!ok1 || !ok2 || rps < 0 || burst < 0)
        return false;
    plans.insert(spec.left(eq), {rps, burst});
    return true;
}

double RateLimiter::take(const QString &key, double capacity, double perSecond, qint64 nowMs)
{
    if (capacity <= 0 || perSecond <= 0)
        return 0;
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= kMaxBuckets)
            prune(nowMs);
        it = m_buckets.insert(key, {capacity, nowMs});
    }
    Bucket &b = *it;
    b.tokens = std::min(capacity, b.tokens + (nowMs - b.atMs) / 1000.0 * perSecond);
    b.atMs = nowMs;
    if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
    }
    return (1 - b.tokens) / perSecond;
}

void RateLimiter::prune(qint64 nowMs)
{
    // A bucket idle for an hour has refilled (every limit here refills within the hour): forget it.
    for (auto it = m_buckets.begin(); it != m_buckets.end();)
        it = nowMs - it->atMs > 3600 * 1000 ? m_buckets.erase(it) : std::next(it);
    if (m_buckets.size() >= kMaxBuckets)
        m_buckets.clear();
    m_prunedAt = nowMs;
}

Status RateLimiter::admit(const Principal &p, qint64 nowMs)
{
    if (nowMs - m_prunedAt > 10 * 60 * 1000)
        prune(nowMs);
    const QString who = p.rateSubject();
    if (p.isNode()) {
        if (const double wait = take(who, m_limits.nodePerMinute, m_limits.nodePerMinute / 60, nowMs); wait > 0)
            return limited(wait, QStringLiteral("%1 requests per minute per agent").arg(m_limits.nodePerMinute));
        return Ok {};
    }
    if (const double wait
        = take(who + QStringLiteral("/m"), m_limits.userPerMinute, m_limits.userPerMinute / 60, nowMs);
        wait > 0)
        return limited(wait, QStringLiteral("%1 requests per minute").arg(m_limits.userPerMinute));
    if (const double wait = take(who + QStringLiteral("/h"), m_limits.userPerHour, m_limits.userPerHour / 3600, nowMs);
        wait > 0)
        return limited(wait, QStringLiteral("%1 requests per hour").arg(m_limits.userPerHour));
    const auto plan = m_limits.plans.constFind(p.plan);
    if (plan != m_limits.plans.constEnd() && !p.workspaceId.isEmpty()) {
        if (const double wait = take(QStringLiteral("ws:") + p.workspaceId, plan->burst, plan->perSecond, nowMs);
            wait > 0)
            return limited(
                wait, QStringLiteral("the %1 plan's %2 requests per second").arg(p.plan).arg(plan->perSecond));
    }
    return Ok {};
}

Status RateLimiter::admitAnonymous(const QString &address, qint64 nowMs)
{
    if (const double wait
        = take(QStringLiteral("addr:") + address, m_limits.anonymousPerMinute, m_limits.anonymousPerMinute / 60, nowMs);
        wait > 0)
        return limited(
            wait, QStringLiteral("%1 sign-in requests per minute per address").arg(m_limits.anonymousPerMinute));
    return Ok {};
}

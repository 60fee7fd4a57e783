// Fixed windows per key; stale counters are dropped when the table grows, so it stays bounded.
#include "LoginThrottle.h"

#include <cmath>

namespace {
constexpr qsizetype kMaxTracked = 100000;
}

qint64 LoginThrottle::lockedUntil(const QString &key, qint64 nowMs) const
{
    const auto it = m_counters.constFind(key);
    return it != m_counters.constEnd() && it->lockedUntil > nowMs ? it->lockedUntil : 0;
}

Status LoginThrottle::check(const QString &address, const QString &account, qint64 nowMs) const
{
    const qint64 until = std::max(lockedUntil(QStringLiteral("addr:") + address, nowMs),
        account.isEmpty() ? 0 : lockedUntil(QStringLiteral("acct:") + account, nowMs));
    if (until == 0)
        return Ok {};
    const int retryAfter = int(std::ceil((until - nowMs) / 1000.0));
    return ApiError::make(ErrorCode::RateLimited,
        QStringLiteral("too many failed sign-ins; try again in %1 s").arg(retryAfter),
        {{QStringLiteral("retryAfter"), retryAfter}});
}

void LoginThrottle::count(const QString &key, int limit, qint64 nowMs)
{
    if (m_counters.size() >= kMaxTracked) {
        for (auto it = m_counters.begin(); it != m_counters.end();)
            it = (it->lockedUntil <= nowMs && nowMs - it->windowStart > m_limits.windowMs) ? m_counters.erase(it)
                                                                                           : std::next(it);
        if (m_counters.size() >= kMaxTracked)
            m_counters.clear();
    }
    Counter &c = m_counters[key];
    if (nowMs - c.windowStart > m_limits.windowMs) {
        c.windowStart = nowMs;
        c.failures = 0;
    }
    if (++c.failures >= limit)
        c.lockedUntil = nowMs + m_limits.lockMs;
}

void LoginThrottle::failed(const QString &address, const QString &account, qint64 nowMs)
{
    count(QStringLiteral("addr:") + address, m_limits.perAddress, nowMs);
    if (!account.isEmpty())
        count(QStringLiteral("acct:") + account, m_limits.perAccount, nowMs);
}

void LoginThrottle::succeeded(const QString &account)
{
    m_counters.remove(QStringLiteral("acct:") + account);
}

// Insertion order is time order (keys are cached when their submit commits), so expiry and eviction
// both pop from the front; a front entry whose key was re-inserted later is skipped by its time.
#include "IdempotencyCache.h"

#include <algorithm>

IdempotencyCache::IdempotencyCache(qsizetype maxEntries, qint64 windowMs)
    : m_max(std::max<qsizetype>(1, maxEntries))
    , m_windowMs(windowMs)
{
}

QString IdempotencyCache::mapKey(const QString &workspaceId, const QString &key)
{
    return workspaceId + QLatin1Char('\n') + key;
}

std::optional<QString> IdempotencyCache::find(const QString &workspaceId, const QString &key, qint64 nowMs) const
{
    const auto it = m_entries.constFind(mapKey(workspaceId, key));
    if (it == m_entries.constEnd() || nowMs - it->at >= m_windowMs)
        return std::nullopt;
    return it->jobId;
}

void IdempotencyCache::insert(const QString &workspaceId, const QString &key, const QString &jobId, qint64 createdAt)
{
    const QString k = mapKey(workspaceId, key);
    m_entries.insert(k, {jobId, createdAt});
    m_order.emplace_back(createdAt, k);
    while (m_entries.size() > m_max)
        dropOldest();
}

void IdempotencyCache::dropOldest()
{
    while (!m_order.empty()) {
        auto [at, k] = std::move(m_order.front());
        m_order.pop_front();
        const auto it = m_entries.constFind(k);
        if (it != m_entries.constEnd() && it->at == at) {
            m_entries.erase(it);
            return;
        }
    }
}

void IdempotencyCache::expire(qint64 nowMs)
{
    while (!m_order.empty()) {
        const auto &[at, k] = m_order.front();
        const auto it = m_entries.constFind(k);
        const bool live = it != m_entries.constEnd() && it->at == at;
        if (live && nowMs - at < m_windowMs)
            break;
        if (live)
            m_entries.erase(it);
        m_order.pop_front();
    }
}

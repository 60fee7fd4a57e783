// Sliding one-hour window per key (times of its submits, at most maxJobsPerHour of them kept).
#include "KeyQuotas.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace {
constexpr qint64 kHourMs = 3600 * 1000;
}

Status KeyQuotas::admit(const Principal &p, const QString &jobType, const QString &jobId, qint64 nowMs)
{
    if (p.keyId.isEmpty() || p.isNode())
        return Ok {};
    if (!p.allowedJobTypes.isEmpty() && !p.allowedJobTypes.contains(jobType))
        return ApiError::make(ErrorCode::Forbidden,
            QStringLiteral("this API key may not submit %1 jobs; it may submit %2")
                .arg(jobType.left(64), p.allowedJobTypes.join(QStringLiteral(", "))),
            {{QStringLiteral("allowedJobTypes"), QJsonArray::fromStringList(p.allowedJobTypes)}});
    if (p.maxConcurrentJobs > 0 && m_unfinished.value(p.keyId) >= p.maxConcurrentJobs)
        return ApiError::conflict(QStringLiteral("this API key already has %1 unfinished jobs, its maxConcurrentJobs")
                                      .arg(p.maxConcurrentJobs),
            {{QStringLiteral("maxConcurrentJobs"), p.maxConcurrentJobs}});
    if (p.maxJobsPerHour > 0) {
        std::deque<qint64> &times = m_recent[p.keyId];
        while (!times.empty() && times.front() <= nowMs - kHourMs)
            times.pop_front();
        if (qsizetype(times.size()) >= p.maxJobsPerHour) {
            const int retryAfter = std::max(1, int(std::ceil((times.front() + kHourMs - nowMs) / 1000.0)));
            return ApiError::make(ErrorCode::RateLimited,
                QStringLiteral("this API key may submit %1 jobs per hour; try again in %2 s")
                    .arg(p.maxJobsPerHour)
                    .arg(retryAfter),
                {{QStringLiteral("retryAfter"), retryAfter}, {QStringLiteral("maxJobsPerHour"), p.maxJobsPerHour}});
        }
        times.push_back(nowMs);
        m_pendingRecent.insert(jobId, {p.keyId, nowMs});
    }
    if (p.maxConcurrentJobs > 0) {
        m_keyOfJob.insert(jobId, p.keyId);
        ++m_unfinished[p.keyId];
    }
    return Ok {};
}

void KeyQuotas::withdraw(const QString &jobId)
{
    if (const auto pending = m_pendingRecent.take(jobId); !pending.first.isEmpty()) {
        std::deque<qint64> &times = m_recent[pending.first];
        for (auto it = times.rbegin(); it != times.rend(); ++it) {
            if (*it == pending.second) {
                times.erase(std::next(it).base());
                break;
            }
        }
    }
    finished(jobId);
}

void KeyQuotas::finished(const QString &jobId)
{
    m_pendingRecent.remove(jobId);
    const QString key = m_keyOfJob.take(jobId);
    if (key.isEmpty())
        return;
    if (--m_unfinished[key] <= 0)
        m_unfinished.remove(key);
}

void KeyQuotas::restoreUnfinished(const QString &keyId, const QString &jobId)
{
    if (m_keyOfJob.contains(jobId))
        return;
    m_keyOfJob.insert(jobId, keyId);
    ++m_unfinished[keyId];
}

void KeyQuotas::restoreSubmitted(const QString &keyId, qint64 atMs)
{
    std::deque<qint64> &times = m_recent[keyId];
    times.insert(std::upper_bound(times.begin(), times.end(), atMs), atMs);
}

// An API key's own quotas, enforced on submit: which job types it may submit (403), how many of its jobs
// may be unfinished at once (409) and how many it may submit in any hour (429 with Retry-After).
// Only keys that carry a quota cost anything here.
#pragma once

#include "ApiError.h"
#include "Principal.h"

#include <QHash>
#include <QSet>
#include <deque>

class KeyQuotas
{
public:
    // Checks and, when admitted, counts the job (so submits in flight count too).
    Status admit(const Principal &p, const QString &jobType, const QString &jobId, qint64 nowMs);
    // The submit was stored (its hourly count is final) / was not stored after all.
    void committed(const QString &jobId) { m_pendingRecent.remove(jobId); }
    void withdraw(const QString &jobId);
    // The job reached a terminal state.
    void finished(const QString &jobId);
    // At start: unfinished jobs of keys with a concurrency quota, and submits of the last hour.
    void restoreUnfinished(const QString &keyId, const QString &jobId);
    void restoreSubmitted(const QString &keyId, qint64 atMs);

    qsizetype trackedJobs() const { return m_keyOfJob.size(); }

private:
    QHash<QString, QString> m_keyOfJob; // unfinished job -> key (keys with a concurrency quota)
    QHash<QString, int> m_unfinished; // key -> unfinished jobs
    QHash<QString, std::deque<qint64>> m_recent; // key -> submit times within the last hour
    QHash<QString, QPair<QString, qint64>> m_pendingRecent; // job in flight -> (key, time), for withdraw
};

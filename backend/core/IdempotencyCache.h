// Recent idempotency keys in memory, for answering a repeated submit without a store read. An entry
// expires after the window and the cache holds at most a bound (oldest out first); a key not here is
// looked up in the store, which keeps the durable record.
#pragma once

#include <QHash>
#include <QString>
#include <deque>
#include <optional>

class IdempotencyCache
{
public:
    static constexpr qint64 kWindowMs = 24LL * 3600 * 1000;

    explicit IdempotencyCache(qsizetype maxEntries = 100000, qint64 windowMs = kWindowMs);

    std::optional<QString> find(const QString &workspaceId, const QString &key, qint64 nowMs) const;
    void insert(const QString &workspaceId, const QString &key, const QString &jobId, qint64 createdAt);
    void expire(qint64 nowMs); // drops entries older than the window
    qsizetype size() const { return m_entries.size(); }
    qint64 windowMs() const { return m_windowMs; }

    static QString mapKey(const QString &workspaceId, const QString &key);

private:
    struct Entry
    {
        QString jobId;
        qint64 at = 0;
    };
    void dropOldest();

    qsizetype m_max;
    qint64 m_windowMs;
    QHash<QString, Entry> m_entries;
    std::deque<std::pair<qint64, QString>> m_order; // (at, map key) in insertion order, which is time order
};

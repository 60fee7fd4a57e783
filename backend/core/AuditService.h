// The audit log: records who did what to what, from where, with what outcome, hash-chained per workspace
// (each entry holds the hash of the previous one) so an edit, a deletion or a cut tail is detectable.
#pragma once

#include "ApiError.h"
#include "AuditRecord.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

class SqlSession;
class Store;
class QThreadPool;

struct AuditEntry
{
    QString workspaceId; // "" for an event outside any workspace (a failed login)
    QString actor;
    QString action;
    QString subject;
    QString source; // client address
    QString outcome; // "ok", "denied:403", …
    QJsonObject detail; // small; secret-looking keys and values are removed, bounded to 2 KB
    qint64 at = 0; // epoch ms; 0 means now
};

// A query's raw values, as they came (e.g. from a query string); the service validates them.
struct AuditFilter
{
    QString actor;
    QString action;
    QString subject;
    QString since; // ISO 8601 or epoch ms, inclusive
    QString until; // exclusive
    QString cursor; // nextCursor of the previous page
    QString limit; // 1..1000, default 100
};

struct AuditPage
{
    QList<AuditRecord> entries; // oldest first
    QString nextCursor; // empty when this is the last page
    QJsonObject toJson() const; // {"entries": [...], "nextCursor": "…" | null}
};

struct AuditVerification
{
    bool ok = true;
    qint64 checked = 0; // entries whose hash and link were checked before any break
    std::optional<qint64> firstBrokenSeq; // the first entry that cannot be trusted (or the missing head entry)
    QString reason; // empty when ok
    qint64 headSeq = 0; // the chain's recorded head (0: no entries yet)
    QString headHash; // record it elsewhere to detect a later rewrite of the whole chain
    QJsonObject toJson() const;
};

struct AuditExportBody
{
    QByteArray body;
    QString contentType;
    QString nextCursor; // set when maxEntries was reached before the end
};

class AuditService : public QObject
{
    Q_OBJECT
public:
    enum class Format { JsonLines, Csv };
    static constexpr int kDefaultLimit = 100;
    static constexpr int kMaxLimit = 1000;

    explicit AuditService(Store &store, QObject *parent = nullptr);

    // Thread-safe and cheap: the entry is chained and written on the store's writer thread, together with
    // the entries of the same event-loop turn (one writer op, at most kMaxPending entries), in the writer's
    // next batch. `done` (optional) runs on this object's thread once the entry is durable (true) or could
    // not be stored (false). flush() hands over what is pending now; the destructor does too, so destroy
    // this service (or call flush()) before Store::close().
    void record(const AuditEntry &entry, std::function<void(bool)> done = {});
    void flush();

    Result<AuditPage> query(const QString &workspaceId, const AuditFilter &filter);
    // The entries matching the filter (limit ignored) rendered in `format`, at most maxEntries of them.
    Result<AuditExportBody> exportLog(
        const QString &workspaceId, const AuditFilter &filter, Format format, int maxEntries = 100000);
    static std::optional<Format> parseFormat(const QString &name); // "jsonl" | "csv"

    // Recomputes every hash and link of the workspace's chain and checks it against the recorded head.
    // Runs on the caller's thread over one read snapshot; O(entries).
    AuditVerification verify(const QString &workspaceId);
    // The same on a worker thread with a read connection of its own (a long chain does not hold up this
    // thread); `done` runs on this object's thread. At most two run at once, the rest wait their turn.
    void verifyAsync(const QString &workspaceId, std::function<void(AuditVerification)> done);
    ~AuditService() override; // flushes, then waits for verifications in progress

private:
    static constexpr size_t kMaxPending = 1000;
    struct ChainState;
    struct Pending
    {
        AuditRecord record;
        std::function<void(bool)> done;
    };
    static AuditVerification verifyOn(SqlSession &s, const QString &workspaceId);
    Store &m_store;
    QThreadPool *m_verifiers;
    std::mutex m_pendingMutex;
    std::vector<Pending> m_pending;
    bool m_flushQueued = false;
    std::shared_ptr<ChainState> m_chain; // touched only inside writer ops, on the writer thread
};

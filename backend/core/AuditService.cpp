// The chain is computed on the writer thread in insert order, so concurrent records can never fork it.
// Heads are cached there and re-read whenever the log's last seq is not the one the cache expects (a
// batch whose commit failed, or rows removed behind the server's back).
#include "AuditService.h"
#include "AuditDetail.h"
#include "AuditExport.h"
#include "AuditRepository.h"
#include "Job.h"
#include "Store.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QThreadPool>
#include <atomic>
#include <limits>

namespace {
constexpr qsizetype kMaxField = 256;
constexpr qsizetype kMaxFilter = 256;
}

struct AuditService::ChainState
{
    qint64 lastSeq = -1; // -1: not loaded
    QHash<QString, AuditHead> heads;
};

AuditService::AuditService(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_verifiers(new QThreadPool(this))
    , m_chain(std::make_shared<ChainState>())
{
    m_verifiers->setMaxThreadCount(2);
}

void AuditService::record(const AuditEntry &entry, std::function<void(bool)> done)
{
    Pending p;
    AuditRecord &r = p.record;
    r.workspaceId = entry.workspaceId.left(kMaxField);
    r.at = entry.at > 0 ? entry.at : QDateTime::currentMSecsSinceEpoch();
    r.actor = entry.actor.left(kMaxField);
    r.action = entry.action.left(kMaxField);
    r.subject = entry.subject.left(kMaxField);
    r.source = entry.source.left(kMaxField);
    r.outcome = entry.outcome.left(kMaxField);
    r.detail = AuditDetail::toText(entry.detail);
    p.done = std::move(done);
    bool schedule = false;
    bool full = false;
    {
        std::lock_guard lock(m_pendingMutex);
        m_pending.push_back(std::move(p));
        full = m_pending.size() >= kMaxPending;
        schedule = !full && !std::exchange(m_flushQueued, true);
    }
    if (full)
        flush();
    else if (schedule)
        QMetaObject::invokeMethod(this, &AuditService::flush, Qt::QueuedConnection);
}

void AuditService::flush()
{
    auto batch = std::make_shared<std::vector<Pending>>();
    {
        std::lock_guard lock(m_pendingMutex);
        batch->swap(m_pending);
        m_flushQueued = false;
    }
    if (batch->empty())
        return;
    auto stored = std::make_shared<std::vector<char>>(batch->size(), 0);
    // One writer op for the whole batch: one savepoint, one head read and one head write per workspace.
    auto op = [chain = m_chain, batch, stored](SqlSession &s) {
        bool ok = false;
        const qint64 logged = AuditRepository::maxLoggedSeq(s, &ok);
        if (!ok)
            return false;
        if (chain->lastSeq < 0 || logged != chain->lastSeq || chain->heads.size() > 10000) {
            chain->heads.clear();
            chain->lastSeq = AuditRepository::maxSeq(s, &ok);
            if (!ok)
                return false;
        }
        QSet<QString> moved;
        for (size_t i = 0; i < batch->size(); ++i) {
            AuditRecord &r = (*batch)[i].record;
            auto it = chain->heads.find(r.workspaceId);
            if (it == chain->heads.end()) {
                const auto head = AuditRepository::head(s, r.workspaceId, &ok);
                if (!ok)
                    return false;
                it = chain->heads.insert(r.workspaceId, head.value_or(AuditHead {0, AuditRecord::genesisHash(), 0}));
            }
            r.seq = chain->lastSeq + 1;
            r.prevHash = it->hash;
            r.hash = r.computeHash();
            if (!AuditRepository::insert(s, r))
                continue; // this entry alone is refused (SQLite undid its statement); the chain goes on without it
            chain->lastSeq = r.seq;
            *it = AuditHead {r.seq, r.hash, it->count + 1};
            moved.insert(r.workspaceId);
            (*stored)[i] = 1;
        }
        for (const QString &ws : std::as_const(moved))
            if (!AuditRepository::setHead(s, ws, chain->heads.value(ws)))
                return false; // the whole op is undone; the next op sees MAX(seq) moved back and reloads
        return true;
    };
    bool anyDone = false;
    for (const Pending &p : *batch)
        anyDone = anyDone || bool(p.done);
    StoreWriter::Done done;
    if (anyDone)
        done = [batch, stored](bool ok) {
            for (size_t i = 0; i < batch->size(); ++i)
                if ((*batch)[i].done)
                    (*batch)[i].done(ok && (*stored)[i]);
        };
    m_store.writer().enqueue(std::move(op), std::move(done));
}

std::optional<AuditService::Format> AuditService::parseFormat(const QString &name)
{
    if (name == QLatin1String("jsonl"))
        return Format::JsonLines;
    if (name == QLatin1String("csv"))
        return Format::Csv;
    return std::nullopt;
}

namespace {
Result<AuditQuery> parseFilter(const QString &workspaceId, const AuditFilter &f)
{
    AuditQuery q;
    q.workspaceId = workspaceId;
    const std::pair<const QString *, QString *> exact[]
        = {{&f.actor, &q.actor}, {&f.action, &q.action}, {&f.subject, &q.subject}};
    const char *names[] = {"actor", "action", "subject"};
    for (int i = 0; i < 3; ++i) {
        if (exact[i].first->size() > kMaxFilter)
            return ApiError::invalid(
                QStringLiteral("'%1' is longer than %2 characters").arg(QLatin1String(names[i])).arg(kMaxFilter));
        *exact[i].second = *exact[i].first;
    }
    if (!f.since.isEmpty()) {
        q.since = parseTime(f.since);
        if (!q.since)
            return ApiError::invalid(QStringLiteral("'since' must be an ISO 8601 time or epoch milliseconds"));
    }
    if (!f.until.isEmpty()) {
        q.until = parseTime(f.until);
        if (!q.until)
            return ApiError::invalid(QStringLiteral("'until' must be an ISO 8601 time or epoch milliseconds"));
    }
    if (q.since && q.until && *q.since >= *q.until)
        return ApiError::invalid(QStringLiteral("'since' must be before 'until'"));
    if (!f.cursor.isEmpty()) {
        bool ok = false;
        q.afterSeq = f.cursor.toLongLong(&ok);
        if (!ok || q.afterSeq < 0)
            return ApiError::invalid(QStringLiteral("'cursor' is not a cursor from a previous page"));
    }
    if (!f.limit.isEmpty()) {
        bool ok = false;
        q.limit = f.limit.toInt(&ok);
        if (!ok || q.limit < 1 || q.limit > AuditService::kMaxLimit)
            return ApiError::invalid(
                QStringLiteral("'limit' must be an integer from 1 to %1").arg(AuditService::kMaxLimit));
    } else {
        q.limit = AuditService::kDefaultLimit;
    }
    return q;
}
}

Result<AuditPage> AuditService::query(const QString &workspaceId, const AuditFilter &filter)
{
    const auto q = parseFilter(workspaceId, filter);
    if (!q)
        return q.error();
    bool ok = false;
    QList<AuditRecord> rows = AuditRepository::query(m_store.reader(), q.value(), &ok);
    if (!ok)
        return ApiError::internal(QStringLiteral("could not read the audit log"));
    AuditPage page;
    if (rows.size() > q.value().limit) {
        rows.resize(q.value().limit);
        page.nextCursor = QString::number(rows.last().seq);
    }
    page.entries = std::move(rows);
    return page;
}

Result<AuditExportBody> AuditService::exportLog(
    const QString &workspaceId, const AuditFilter &filter, Format format, int maxEntries)
{
    AuditFilter f = filter;
    AuditExportBody out;
    out.contentType
        = format == Format::Csv ? QStringLiteral("text/csv; charset=utf-8") : QStringLiteral("application/x-ndjson");
    if (format == Format::Csv)
        out.body = AuditExport::csvHeader();
    int written = 0;
    for (;;) {
        const int want = std::min(kMaxLimit, maxEntries - written);
        if (want <= 0)
            break;
        f.limit = QString::number(want);
        auto page = query(workspaceId, f);
        if (!page)
            return page.error();
        const QList<AuditRecord> &entries = page.value().entries;
        out.body += format == Format::Csv ? AuditExport::csvRows(entries) : AuditExport::jsonLines(entries);
        written += int(entries.size());
        f.cursor = page.value().nextCursor;
        if (f.cursor.isEmpty())
            break;
    }
    out.nextCursor = f.cursor; // empty once the end was reached
    return out;
}

AuditVerification AuditService::verify(const QString &workspaceId)
{
    return verifyOn(m_store.reader(), workspaceId);
}

void AuditService::verifyAsync(const QString &workspaceId, std::function<void(AuditVerification)> done)
{
    static std::atomic<quint64> counter {0};
    const QString connection = QStringLiteral("audit-verify-%1").arg(++counter);
    const QString dbPath = m_store.dbPath();
    m_verifiers->start([this, connection, dbPath, workspaceId, done = std::move(done)] {
        AuditVerification v;
        {
            SqlSession s;
            QString err;
            if (s.open(dbPath, connection, &err)) {
                v = verifyOn(s, workspaceId);
            } else {
                v.ok = false;
                v.reason = QStringLiteral("could not read the audit log");
            }
        }
        // Queued to this object: dropped by Qt if it is gone by then (its destructor waited for us).
        QMetaObject::invokeMethod(
            this, [done, v] { done(v); }, Qt::QueuedConnection);
    });
}

AuditService::~AuditService()
{
    flush();
    m_verifiers->waitForDone();
}

AuditVerification AuditService::verifyOn(SqlSession &s, const QString &workspaceId)
{
    AuditVerification v;
    // One snapshot for the head and the walk: entries committed meanwhile are neither half-seen nor
    // mistaken for entries appended behind the head.
    s.exec(QStringLiteral("BEGIN"));
    bool ok = false;
    const auto head = AuditRepository::head(s, workspaceId, &ok);
    if (head) {
        v.headSeq = head->seq;
        v.headHash = head->hash;
    }
    const auto broken = [&v](qint64 seq, const QString &reason) {
        v.ok = false;
        v.firstBrokenSeq = seq;
        v.reason = reason;
        return false;
    };
    QString expectedPrev = AuditRecord::genesisHash();
    qint64 lastSeq = 0;
    const bool walked = ok
        && AuditRepository::forEachInChain(
            s, workspaceId, std::numeric_limits<qint64>::max(), [&](const AuditRecord &r) {
                if (!head)
                    return broken(
                        r.seq, QStringLiteral("the chain has entries but no recorded head: the head was deleted"));
                if (r.seq > head->seq)
                    return broken(r.seq,
                        QStringLiteral("entry %1 comes after the chain's recorded head (entry %2): it "
                                       "was added outside the server")
                            .arg(r.seq)
                            .arg(head->seq));
                if (r.computeHash() != r.hash)
                    return broken(r.seq, QStringLiteral("entry %1 does not match its hash: it was edited").arg(r.seq));
                if (r.prevHash != expectedPrev)
                    return broken(r.seq,
                        lastSeq == 0 ? QStringLiteral("entry %1 is the first present but does not start the chain: "
                                                      "entries before it were deleted, or its link was altered")
                                           .arg(r.seq)
                                     : QStringLiteral("entry %1 does not link to entry %2 before it: an entry between "
                                                      "them was deleted or altered, or this link was altered")
                                           .arg(r.seq)
                                           .arg(lastSeq));
                expectedPrev = r.hash;
                lastSeq = r.seq;
                ++v.checked;
                return true;
            });
    s.exec(QStringLiteral("COMMIT"));
    if (!walked) {
        v.ok = false;
        v.reason = QStringLiteral("could not read the audit log");
        return v;
    }
    if (!v.ok || !head)
        return v;
    if (lastSeq < head->seq)
        broken(head->seq,
            QStringLiteral("the chain ends at entry %1 but its head is entry %2: entries at its end "
                           "were deleted")
                .arg(lastSeq)
                .arg(head->seq));
    else if (expectedPrev != head->hash)
        broken(
            lastSeq, QStringLiteral("entry %1's hash is not the one its head recorded: it was rewritten").arg(lastSeq));
    else if (v.checked != head->count)
        broken(
            lastSeq, QStringLiteral("the head counts %1 entries but %2 are present").arg(head->count).arg(v.checked));
    return v;
}

QJsonObject AuditPage::toJson() const
{
    QJsonArray list;
    for (const AuditRecord &r : entries)
        list.append(r.toJson());
    return QJsonObject {{QStringLiteral("entries"), list},
        {QStringLiteral("nextCursor"), nextCursor.isEmpty() ? QJsonValue() : QJsonValue(nextCursor)}};
}

QJsonObject AuditVerification::toJson() const
{
    return QJsonObject {
        {QStringLiteral("ok"), ok},
        {QStringLiteral("checked"), checked},
        {QStringLiteral("firstBrokenSeq"), firstBrokenSeq ? QJsonValue(*firstBrokenSeq) : QJsonValue()},
        {QStringLiteral("reason"), reason.isEmpty() ? QJsonValue() : QJsonValue(reason)},
        {QStringLiteral("headSeq"), headSeq},
        {QStringLiteral("headHash"), headHash.isEmpty() ? QJsonValue() : QJsonValue(headHash)},
    };
}

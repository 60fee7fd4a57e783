// SQL for the audit log and its per-workspace chain heads; prepared statements only.
#pragma once

#include "AuditQuery.h"
#include "AuditRecord.h"

#include <QList>
#include <functional>
#include <optional>

class SqlSession;

struct AuditHead
{
    qint64 seq = 0;
    QString hash;
    qint64 count = 0; // entries in the chain
};

namespace AuditRepository {
// Inserts the entry (seq, hash and prevHash already set); setHead moves its workspace's head, in the
// same transaction (once per batch and workspace is enough).
bool insert(SqlSession &s, const AuditRecord &r);
bool setHead(SqlSession &s, const QString &workspaceId, const AuditHead &head);
std::optional<AuditHead> head(SqlSession &s, const QString &workspaceId, bool *ok = nullptr);
// The largest seq ever handed out that is still visible: max over the log and the heads (a deleted
// tail does not make its seqs reusable while its head remains).
qint64 maxSeq(SqlSession &s, bool *ok);
qint64 maxLoggedSeq(SqlSession &s, bool *ok); // MAX(seq) of audit_log only: cheap, rightmost rowid
// Up to q.limit + 1 entries, oldest first.
QList<AuditRecord> query(SqlSession &s, const AuditQuery &q, bool *ok);
// Walks a workspace's entries with seq <= maxSeq, oldest first, until fn returns false.
bool forEachInChain(
    SqlSession &s, const QString &workspaceId, qint64 maxSeq, const std::function<bool(const AuditRecord &)> &fn);
}

// An audit-log query as the service parsed it: exact-match filters, a time range and a seq cursor.
#pragma once

#include <QString>
#include <optional>

struct AuditQuery
{
    QString workspaceId;
    QString actor; // exact match when not empty
    QString action;
    QString subject;
    std::optional<qint64> since; // at >= since (epoch ms)
    std::optional<qint64> until; // at < until
    qint64 afterSeq = 0; // cursor: entries with seq > afterSeq (oldest first)
    int limit = 100;
};

// One audit-log entry as stored, and the hash-chain rule over it (one place, used by the writer and by
// verification, and reproducible outside the server from the exported fields).
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

struct AuditRecord
{
    qint64 seq = 0; // global insertion order (shared by all workspaces)
    QString workspaceId; // "" for events that belong to no workspace (e.g. a failed login)
    qint64 at = 0; // epoch ms
    QString actor; // "key:…", "user:…", "node:…", or "" when unknown
    QString action; // "job.submit", "key.revoke", "auth.login", …
    QString subject; // what the action was on: a job id, a key id, an email…
    QString source; // the client's address
    QString outcome; // "ok" or "denied:403", "error:500"…
    QByteArray detail; // compact JSON object text exactly as stored (hashed byte for byte)
    QString prevHash; // the previous entry's hash in this workspace's chain, or kGenesisHash
    QString hash; // hex SHA-256 of canonical()

    // The hashed bytes: a compact JSON array of ten strings,
    // [seq, workspaceId, at, actor, action, subject, source, outcome, detail, prevHash], seq and at in decimal.
    QByteArray canonical() const;
    QString computeHash() const;
    QJsonObject toJson() const; // the API representation (at as ISO 8601, detail as an object)

    static QString genesisHash(); // 64 zeros: the prevHash of a workspace's first entry
};

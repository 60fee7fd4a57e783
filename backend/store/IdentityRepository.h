// SQL for workspaces, users, memberships and API keys (keys are stored as SHA-256 hashes only).
#pragma once

#include <QString>
#include <optional>

class SqlSession;

struct ApiKeyRecord
{
    QString id;
    QString workspaceId;
    QString userId;      // owner of a user key
    QString nodeId;      // set for an agent's own key
    QString name;
    QString prefix;      // first characters, for display ("tnv_ab12…")
    QString hash;        // hex SHA-256 of the whole key
    QString role;        // owner | admin | member | node
    qint64 createdAt = 0;
    qint64 revokedAt = 0;
};

namespace IdentityRepository {
bool insertWorkspace(SqlSession &s, const QString &id, const QString &name, qint64 at);
bool insertUser(SqlSession &s, const QString &id, const QString &email, const QString &name, qint64 at);
bool insertMember(SqlSession &s, const QString &workspaceId, const QString &userId, const QString &role, qint64 at);
bool insertKey(SqlSession &s, const ApiKeyRecord &k);
bool revokeKey(SqlSession &s, const QString &keyId, qint64 at);
bool revokeNodeKeys(SqlSession &s, const QString &nodeId, qint64 at);
std::optional<ApiKeyRecord> keyByHash(SqlSession &s, const QString &hash);
int workspaceCount(SqlSession &s);
}

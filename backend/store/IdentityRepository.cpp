// Identity tables; every statement prepared and cached per connection.
#include "IdentityRepository.h"
#include "SqlSession.h"

#include <QSqlError>
#include <QVariant>

namespace {
QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}
}

bool IdentityRepository::insertWorkspace(SqlSession &s, const QString &id, const QString &name, qint64 at)
{
    QSqlQuery &q = s.prepare(QStringLiteral("INSERT INTO workspaces(id, name, created_at) VALUES (?, ?, ?)"));
    q.addBindValue(id);
    q.addBindValue(name);
    q.addBindValue(at);
    return SqlSession::run(q);
}

bool IdentityRepository::insertUser(SqlSession &s, const QString &id, const QString &email, const QString &name,
                                    qint64 at)
{
    QSqlQuery &q = s.prepare(QStringLiteral("INSERT INTO users(id, email, name, created_at) VALUES (?, ?, ?, ?)"));
    q.addBindValue(id);
    q.addBindValue(email);
    q.addBindValue(name);
    q.addBindValue(at);
    return SqlSession::run(q);
}

bool IdentityRepository::insertMember(SqlSession &s, const QString &workspaceId, const QString &userId,
                                      const QString &role, qint64 at)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO members(workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)"));
    q.addBindValue(workspaceId);
    q.addBindValue(userId);
    q.addBindValue(role);
    q.addBindValue(at);
    return SqlSession::run(q);
}

bool IdentityRepository::insertKey(SqlSession &s, const ApiKeyRecord &k)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO api_keys(id, workspace_id, user_id, node_id, name, prefix, hash, role, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(k.id);
    q.addBindValue(k.workspaceId);
    q.addBindValue(nullable(k.userId));
    q.addBindValue(nullable(k.nodeId));
    q.addBindValue(k.name);
    q.addBindValue(k.prefix);
    q.addBindValue(k.hash);
    q.addBindValue(k.role);
    q.addBindValue(k.createdAt);
    return SqlSession::run(q);
}

bool IdentityRepository::revokeKey(SqlSession &s, const QString &keyId, qint64 at)
{
    QSqlQuery &q = s.prepare(QStringLiteral("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"));
    q.addBindValue(at);
    q.addBindValue(keyId);
    return SqlSession::run(q);
}

bool IdentityRepository::revokeNodeKeys(SqlSession &s, const QString &nodeId, qint64 at)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "UPDATE api_keys SET revoked_at = ? WHERE node_id = ? AND revoked_at IS NULL"));
    q.addBindValue(at);
    q.addBindValue(nodeId);
    return SqlSession::run(q);
}

std::optional<ApiKeyRecord> IdentityRepository::keyByHash(SqlSession &s, const QString &hash)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT id, workspace_id, user_id, node_id, name, prefix, hash, role, created_at, revoked_at "
        "FROM api_keys WHERE hash = ?"));
    q.addBindValue(hash);
    if (!SqlSession::run(q) || !q.next())
        return std::nullopt;
    ApiKeyRecord k{q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                   q.value(4).toString(), q.value(5).toString(), q.value(6).toString(), q.value(7).toString(),
                   q.value(8).toLongLong(), q.value(9).toLongLong()};
    q.finish();
    return k;
}

int IdentityRepository::workspaceCount(SqlSession &s)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COUNT(*) FROM workspaces"));
    if (!SqlSession::run(q) || !q.next())
        return -1;
    const int n = q.value(0).toInt();
    q.finish();
    return n;
}

// Identity tables; every statement prepared and cached per connection.
#include "IdentityRepository.h"
#include "SqlSession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QVariant>

namespace {
QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}
// NOT NULL text columns: an absent value is stored as "" (a null QString would bind as NULL)
QString text(const QString &s)
{
    return s.isNull() ? QString(QLatin1String("")) : s;
}
QVariant nullableInt(qint64 v)
{
    return v == 0 ? QVariant() : QVariant(v);
}

const QString kKeyColumns = QStringLiteral(
    "id, workspace_id, user_id, node_id, name, prefix, hash, role, created_at, revoked_at, expires_at, last_used_at, "
    "max_jobs_per_hour, max_concurrent_jobs, allowed_job_types");

ApiKeyRecord readKey(const QSqlQuery &q)
{
    ApiKeyRecord k;
    k.id = q.value(0).toString();
    k.workspaceId = q.value(1).toString();
    k.userId = q.value(2).toString();
    k.nodeId = q.value(3).toString();
    k.name = q.value(4).toString();
    k.prefix = q.value(5).toString();
    k.hash = q.value(6).toString();
    k.role = q.value(7).toString();
    k.createdAt = q.value(8).toLongLong();
    k.revokedAt = q.value(9).toLongLong();
    k.expiresAt = q.value(10).toLongLong();
    k.lastUsedAt = q.value(11).toLongLong();
    k.quota.maxJobsPerHour = q.value(12).toInt();
    k.quota.maxConcurrentJobs = q.value(13).toInt();
    for (const auto &v : QJsonDocument::fromJson(q.value(14).toByteArray()).array())
        k.quota.allowedJobTypes << v.toString();
    return k;
}

UserRecord readUser(const QSqlQuery &q)
{
    return {q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
        q.value(4).toInt() != 0, q.value(5).toLongLong()};
}

WorkspaceRecord readWorkspace(const QSqlQuery &q)
{
    return {q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
        q.value(4).toLongLong(), q.value(5).toLongLong(), q.value(6).toString()};
}

InvitationRecord readInvitation(const QSqlQuery &q)
{
    return {q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
        q.value(4).toLongLong()};
}

}

bool IdentityRepository::insertWorkspace(SqlSession &s, const QString &id, const QString &name, qint64 at)
{
    QSqlQuery &q
        = s.prepare(QStringLiteral("INSERT INTO workspaces(id, name, created_at, updated_at) VALUES (?, ?, ?, ?)"));
    q.addBindValue(id);
    q.addBindValue(name);
    q.addBindValue(at);
    q.addBindValue(at);
    return SqlSession::run(q);
}

bool IdentityRepository::updateWorkspace(SqlSession &s, const WorkspaceRecord &w)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("UPDATE workspaces SET name = ?, default_region = ?, plan = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(text(w.name));
    q.addBindValue(text(w.defaultRegion));
    q.addBindValue(text(w.plan));
    q.addBindValue(w.updatedAt);
    q.addBindValue(w.id);
    return SqlSession::run(q);
}

std::optional<WorkspaceRecord> IdentityRepository::workspace(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT id, name, default_region, plan, created_at, updated_at, '' FROM workspaces WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::row<WorkspaceRecord>(q, readWorkspace);
}

QList<WorkspaceRecord> IdentityRepository::workspacesOf(SqlSession &s, const QString &userId)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT w.id, w.name, w.default_region, w.plan, w.created_at, w.updated_at, m.role FROM members m "
        "JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = ? ORDER BY m.created_at, w.id LIMIT 1000"));
    q.addBindValue(userId);
    return SqlSession::rows<WorkspaceRecord>(q, readWorkspace);
}

bool IdentityRepository::insertUser(
    SqlSession &s, const QString &id, const QString &email, const QString &name, qint64 at)
{
    return insertUser(s, UserRecord {id, email, name, QString(), true, at});
}

bool IdentityRepository::insertUser(SqlSession &s, const UserRecord &u)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO users(id, email, name, password_hash, active, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
    q.addBindValue(u.id);
    q.addBindValue(u.email);
    q.addBindValue(text(u.name));
    q.addBindValue(nullable(u.passwordHash));
    q.addBindValue(u.active ? 1 : 0);
    q.addBindValue(u.createdAt);
    return SqlSession::run(q);
}

std::optional<UserRecord> IdentityRepository::userByEmail(SqlSession &s, const QString &email)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT id, email, name, password_hash, active, created_at FROM users WHERE email = ?"));
    q.addBindValue(email);
    return SqlSession::row<UserRecord>(q, readUser);
}

std::optional<UserRecord> IdentityRepository::user(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT id, email, name, password_hash, active, created_at FROM users WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::row<UserRecord>(q, readUser);
}

bool IdentityRepository::insertMember(
    SqlSession &s, const QString &workspaceId, const QString &userId, const QString &role, qint64 at)
{
    QSqlQuery &q
        = s.prepare(QStringLiteral("INSERT INTO members(workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)"));
    q.addBindValue(workspaceId);
    q.addBindValue(userId);
    q.addBindValue(role);
    q.addBindValue(at);
    return SqlSession::run(q);
}

bool IdentityRepository::setMemberRole(
    SqlSession &s, const QString &workspaceId, const QString &userId, const QString &role)
{
    QSqlQuery &q = s.prepare(QStringLiteral("UPDATE members SET role = ? WHERE workspace_id = ? AND user_id = ?"));
    q.addBindValue(role);
    q.addBindValue(workspaceId);
    q.addBindValue(userId);
    return SqlSession::run(q);
}

bool IdentityRepository::removeMember(SqlSession &s, const QString &workspaceId, const QString &userId)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM members WHERE workspace_id = ? AND user_id = ?"));
    q.addBindValue(workspaceId);
    q.addBindValue(userId);
    return SqlSession::run(q);
}

std::optional<QString> IdentityRepository::memberRole(SqlSession &s, const QString &workspaceId, const QString &userId)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT role FROM members WHERE workspace_id = ? AND user_id = ?"));
    q.addBindValue(workspaceId);
    q.addBindValue(userId);
    return SqlSession::row<QString>(q, [](const QSqlQuery &r) { return r.value(0).toString(); });
}

QList<MemberRecord> IdentityRepository::members(SqlSession &s, const QString &workspaceId)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT m.workspace_id, m.user_id, u.email, u.name, m.role, m.created_at FROM members m "
        "JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY m.created_at, u.email LIMIT 10000"));
    q.addBindValue(workspaceId);
    return SqlSession::rows<MemberRecord>(q, [](const QSqlQuery &r) {
        return MemberRecord {r.value(0).toString(), r.value(1).toString(), r.value(2).toString(), r.value(3).toString(),
            r.value(4).toString(), r.value(5).toLongLong()};
    });
}

int IdentityRepository::ownerCount(SqlSession &s, const QString &workspaceId)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COUNT(*) FROM members WHERE workspace_id = ? AND role = 'owner'"));
    q.addBindValue(workspaceId);
    return SqlSession::row<int>(q, [](const QSqlQuery &r) { return r.value(0).toInt(); }).value_or(0);
}

bool IdentityRepository::putInvitation(SqlSession &s, const InvitationRecord &i)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO invitations(workspace_id, email, role, invited_by, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(workspace_id, email) DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by"));
    q.addBindValue(i.workspaceId);
    q.addBindValue(i.email);
    q.addBindValue(i.role);
    q.addBindValue(i.invitedBy);
    q.addBindValue(i.createdAt);
    return SqlSession::run(q);
}

bool IdentityRepository::deleteInvitation(SqlSession &s, const QString &workspaceId, const QString &email)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM invitations WHERE workspace_id = ? AND email = ?"));
    q.addBindValue(workspaceId);
    q.addBindValue(email);
    return SqlSession::run(q);
}

QList<InvitationRecord> IdentityRepository::invitationsFor(SqlSession &s, const QString &email)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT workspace_id, email, role, invited_by, created_at FROM invitations WHERE email = ? LIMIT 1000"));
    q.addBindValue(email);
    return SqlSession::rows<InvitationRecord>(q, readInvitation);
}

QList<InvitationRecord> IdentityRepository::invitations(SqlSession &s, const QString &workspaceId)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT workspace_id, email, role, invited_by, created_at FROM invitations "
                                            "WHERE workspace_id = ? ORDER BY created_at LIMIT 10000"));
    q.addBindValue(workspaceId);
    return SqlSession::rows<InvitationRecord>(q, readInvitation);
}

bool IdentityRepository::acceptInvitations(SqlSession &s, const QString &email, const QString &userId, qint64 at)
{
    QSqlQuery &ins = s.prepare(QStringLiteral("INSERT OR IGNORE INTO members(workspace_id, user_id, role, created_at) "
                                              "SELECT workspace_id, ?, role, ? FROM invitations WHERE email = ?"));
    ins.addBindValue(userId);
    ins.addBindValue(at);
    ins.addBindValue(email);
    if (!SqlSession::run(ins))
        return false;
    QSqlQuery &del = s.prepare(QStringLiteral("DELETE FROM invitations WHERE email = ?"));
    del.addBindValue(email);
    return SqlSession::run(del);
}

bool IdentityRepository::insertKey(SqlSession &s, const ApiKeyRecord &k)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO api_keys(id, workspace_id, user_id, node_id, name, prefix, hash, role, created_at, expires_at, "
        "max_jobs_per_hour, max_concurrent_jobs, allowed_job_types) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(k.id);
    q.addBindValue(k.workspaceId);
    q.addBindValue(nullable(k.userId));
    q.addBindValue(nullable(k.nodeId));
    q.addBindValue(k.name);
    q.addBindValue(k.prefix);
    q.addBindValue(k.hash);
    q.addBindValue(k.role);
    q.addBindValue(k.createdAt);
    q.addBindValue(nullableInt(k.expiresAt));
    q.addBindValue(nullableInt(k.quota.maxJobsPerHour));
    q.addBindValue(nullableInt(k.quota.maxConcurrentJobs));
    q.addBindValue(k.quota.allowedJobTypes.isEmpty()
            ? QVariant()
            : QVariant(
                QJsonDocument(QJsonArray::fromStringList(k.quota.allowedJobTypes)).toJson(QJsonDocument::Compact)));
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
    QSqlQuery &q
        = s.prepare(QStringLiteral("UPDATE api_keys SET revoked_at = ? WHERE node_id = ? AND revoked_at IS NULL"));
    q.addBindValue(at);
    q.addBindValue(nodeId);
    return SqlSession::run(q);
}

bool IdentityRepository::revokeUserKeys(SqlSession &s, const QString &workspaceId, const QString &userId, qint64 at)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "UPDATE api_keys SET revoked_at = ? WHERE workspace_id = ? AND user_id = ? AND revoked_at IS NULL"));
    q.addBindValue(at);
    q.addBindValue(workspaceId);
    q.addBindValue(userId);
    return SqlSession::run(q);
}

bool IdentityRepository::touchKeys(SqlSession &s, const QList<QPair<QString, qint64>> &lastUsed)
{
    QSqlQuery &q = s.prepare(QStringLiteral("UPDATE api_keys SET last_used_at = ? WHERE id = ?"));
    for (const auto &[id, at] : lastUsed) {
        q.addBindValue(at);
        q.addBindValue(id);
        if (!SqlSession::run(q))
            return false;
    }
    return true;
}

std::optional<ApiKeyRecord> IdentityRepository::keyByHash(SqlSession &s, const QString &hash)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kKeyColumns + QStringLiteral(" FROM api_keys WHERE hash = ?"));
    q.addBindValue(hash);
    return SqlSession::row<ApiKeyRecord>(q, readKey);
}

std::optional<ApiKeyRecord> IdentityRepository::key(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kKeyColumns + QStringLiteral(" FROM api_keys WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::row<ApiKeyRecord>(q, readKey);
}

QList<ApiKeyRecord> IdentityRepository::keys(
    SqlSession &s, const QString &workspaceId, const QString &userId, bool includeRevoked)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kKeyColumns
        + QStringLiteral(" FROM api_keys WHERE workspace_id = ? AND node_id IS NULL AND (? = '' OR user_id = ?) "
                         "AND (? OR revoked_at IS NULL) ORDER BY created_at DESC, id DESC LIMIT 10000"));
    q.addBindValue(workspaceId);
    // "every person's keys" is an empty userId; a null QString would bind as NULL and match no row
    q.addBindValue(text(userId));
    q.addBindValue(text(userId));
    q.addBindValue(includeRevoked ? 1 : 0);
    return SqlSession::rows<ApiKeyRecord>(q, readKey);
}

QList<ApiKeyRecord> IdentityRepository::keysWithQuota(SqlSession &s)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT ") + kKeyColumns
        + QStringLiteral(" FROM api_keys WHERE (max_concurrent_jobs IS NOT NULL OR max_jobs_per_hour IS NOT NULL) AND "
                         "revoked_at IS NULL"));
    return SqlSession::rows<ApiKeyRecord>(q, readKey);
}

int IdentityRepository::workspaceCount(SqlSession &s)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COUNT(*) FROM workspaces"));
    return SqlSession::row<int>(q, [](const QSqlQuery &r) { return r.value(0).toInt(); }).value_or(-1);
}

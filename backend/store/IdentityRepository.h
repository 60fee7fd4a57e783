// SQL for workspaces, users, memberships, invitations and API keys (keys are stored as SHA-256 hashes only).
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

class SqlSession;

struct KeyQuota
{
    int maxJobsPerHour = 0; // 0: no limit
    int maxConcurrentJobs = 0; // 0: no limit
    QStringList allowedJobTypes; // empty: any type
    bool isEmpty() const { return maxJobsPerHour == 0 && maxConcurrentJobs == 0 && allowedJobTypes.isEmpty(); }
};

struct ApiKeyRecord
{
    QString id;
    QString workspaceId;
    QString userId; // owner of a user key
    QString nodeId; // set for an agent's own key
    QString name;
    QString prefix; // first characters, for display ("tnv_ab12…")
    QString hash; // hex SHA-256 of the whole key
    QString role; // owner | admin | member | node
    qint64 createdAt = 0;
    qint64 revokedAt = 0;
    qint64 expiresAt = 0; // 0: never
    qint64 lastUsedAt = 0;
    KeyQuota quota;
};

struct UserRecord
{
    QString id;
    QString email;
    QString name;
    QString passwordHash; // Argon2id encoding; empty for users who only log in with a one-time code
    bool active = true;
    qint64 createdAt = 0;
};

struct WorkspaceRecord
{
    QString id;
    QString name;
    QString defaultRegion;
    QString plan;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QString role; // the caller's role, when listed for a user
};

struct MemberRecord
{
    QString workspaceId;
    QString userId;
    QString email;
    QString name;
    QString role;
    qint64 createdAt = 0;
};

struct InvitationRecord
{
    QString workspaceId;
    QString email;
    QString role;
    QString invitedBy;
    qint64 createdAt = 0;
};

namespace IdentityRepository {
bool insertWorkspace(SqlSession &s, const QString &id, const QString &name, qint64 at);
bool updateWorkspace(SqlSession &s, const WorkspaceRecord &w);
std::optional<WorkspaceRecord> workspace(SqlSession &s, const QString &id);
QList<WorkspaceRecord> workspacesOf(SqlSession &s, const QString &userId); // with the user's role, oldest first

bool insertUser(SqlSession &s, const QString &id, const QString &email, const QString &name, qint64 at);
bool insertUser(SqlSession &s, const UserRecord &u);
std::optional<UserRecord> userByEmail(SqlSession &s, const QString &email);
std::optional<UserRecord> user(SqlSession &s, const QString &id);

bool insertMember(SqlSession &s, const QString &workspaceId, const QString &userId, const QString &role, qint64 at);
bool setMemberRole(SqlSession &s, const QString &workspaceId, const QString &userId, const QString &role);
bool removeMember(SqlSession &s, const QString &workspaceId, const QString &userId);
std::optional<QString> memberRole(SqlSession &s, const QString &workspaceId, const QString &userId);
QList<MemberRecord> members(SqlSession &s, const QString &workspaceId);
int ownerCount(SqlSession &s, const QString &workspaceId);

bool putInvitation(SqlSession &s, const InvitationRecord &i);
bool deleteInvitation(SqlSession &s, const QString &workspaceId, const QString &email);
QList<InvitationRecord> invitationsFor(SqlSession &s, const QString &email);
QList<InvitationRecord> invitations(SqlSession &s, const QString &workspaceId);
// Turns every invitation of `email` into a membership of `userId` (inside the caller's transaction).
bool acceptInvitations(SqlSession &s, const QString &email, const QString &userId, qint64 at);

bool insertKey(SqlSession &s, const ApiKeyRecord &k);
bool revokeKey(SqlSession &s, const QString &keyId, qint64 at);
bool revokeNodeKeys(SqlSession &s, const QString &nodeId, qint64 at);
bool revokeUserKeys(SqlSession &s, const QString &workspaceId, const QString &userId, qint64 at);
bool touchKeys(SqlSession &s, const QList<QPair<QString, qint64>> &lastUsed);
std::optional<ApiKeyRecord> keyByHash(SqlSession &s, const QString &hash);
std::optional<ApiKeyRecord> key(SqlSession &s, const QString &id);
// A workspace's user keys (node keys are the agents' business), newest first; `userId` narrows to one user.
QList<ApiKeyRecord> keys(SqlSession &s, const QString &workspaceId, const QString &userId, bool includeRevoked);
QList<ApiKeyRecord> keysWithQuota(SqlSession &s);
int workspaceCount(SqlSession &s);
}

// Authentication: who a request's credentials name (an API key tnv_…, an access token, a node key) and
// the workspace it acts in, with the role there. Also the first-start owner bootstrap, access-token
// signing, and the caches that keep this off the database on the hot path.
#pragma once

#include "ApiError.h"
#include "Principal.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>

class Store;
class JwtCodec;
struct ApiKeyRecord;

// What authentication needs of a key, cached by the key's hash.
struct KeyEntry
{
    QString id;
    QString workspaceId;
    QString userId;
    QString nodeId;
    QString role;
    qint64 revokedAt = 0;
    qint64 expiresAt = 0;
    int maxJobsPerHour = 0;
    int maxConcurrentJobs = 0;
    QStringList allowedJobTypes;
};

struct MintedKey
{
    QString id;
    QString secret; // the whole key; shown once, never stored
};

// What a request (or a WebSocket upgrade) carried.
struct Credentials
{
    QByteArray apiKey; // X-API-Key
    QByteArray authorization; // Authorization
    QByteArray workspace; // X-Workspace-Id
};

struct AccessToken
{
    QString token;
    int expiresIn = 0; // seconds
};

class AuthService : public QObject
{
    Q_OBJECT
public:
    explicit AuthService(Store &store, QObject *parent = nullptr);
    ~AuthService() override;

    // First start: default workspace, owner user and an owner key written to <data-dir>/admin.key (0600).
    // Later starts: a missing admin.key (or resetAdminKey) gets a fresh owner key. Loads the token secret.
    bool bootstrap(QString *error, bool resetAdminKey = false);
    QString defaultWorkspaceId() const { return m_defaultWorkspace; }
    void setAccessTokenTtl(int seconds) { m_accessTtl = seconds; }
    int accessTokenTtl() const { return m_accessTtl; }

    // 401 for missing, malformed, unknown, revoked or expired credentials; 404 for a workspace (header)
    // the caller is not a member of. A person with no workspace gets an empty workspaceId.
    Result<Principal> authenticate(const Credentials &c);
    // A principal for `userId` acting in `workspaceId` (404 unless a member), as a fresh login would.
    Result<Principal> userPrincipal(const QString &userId, const QString &familyId, const QString &workspaceId);

    AccessToken issueAccessToken(const QString &userId, const QString &familyId);
    void familyRevoked(const QString &familyId, qint64 atMs);

    // A node's own key (role "node"); the old one stops working at once when rotated.
    void mintNodeKey(const QString &workspaceId, const QString &nodeId, std::function<void(Result<MintedKey>)> done);
    void revokeNodeKeys(const QString &nodeId, std::function<void(bool)> done = {});
    void revokeKey(const QString &keyId, std::function<void(bool)> done = {});
    // Memberships or workspace settings changed: cached roles and plans are read again.
    void forgetMemberships();
    // Keys of a user leaving a workspace (or every key of it, on its deletion) stop working now.
    void forgetKeysOf(const QString &workspaceId, const QString &userId);

    // When a key was last used, if since the last write to the store (written once a minute); else 0.
    qint64 recentUse(const QString &keyId) const { return m_lastUsed.value(keyId); }

    static QString hashKey(const QString &rawKey);
    static QString newSecret();

private:
    Result<Principal> keyPrincipal(const QString &rawKey, const QByteArray &workspaceHeader);
    Result<Principal> tokenPrincipal(const QString &token, const QByteArray &workspaceHeader);
    std::optional<Role> memberRole(const QString &workspaceId, const QString &userId);
    QString planOf(const QString &workspaceId);
    void forget(const std::function<bool(const KeyEntry &)> &match);
    void flushLastUsed();

    Store &m_store;
    QString m_defaultWorkspace;
    int m_accessTtl = 900;
    std::unique_ptr<JwtCodec> m_jwt;
    QHash<QString, KeyEntry> m_keys; // key hash -> what authentication needs
    QHash<QString, std::optional<Role>> m_roles; // workspace + '/' + user -> role (nullopt: not a member)
    QHash<QString, QString> m_firstWorkspace; // user -> the workspace a token acts in by default
    QHash<QString, QString> m_plans; // workspace -> plan
    QHash<QString, qint64> m_revokedFamilies; // family -> revoked at (ms), kept for one access TTL
    struct VerifiedToken
    {
        QString userId;
        QString familyId;
        qint64 expiresAt = 0; // seconds
    };
    QHash<QString, VerifiedToken> m_tokens; // access token -> its checked claims (HMAC once per token)
    QHash<QString, qint64> m_lastUsed; // key id -> last use (ms), written once a minute
    QTimer m_flush;
};

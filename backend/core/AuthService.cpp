// Keys are 40 random base62 characters after "tnv_"; only their SHA-256 is stored (they are high-entropy,
// so a fast hash is right here; passwords use Argon2id). Access tokens are HS256 JWTs pinned to that
// algorithm (JwtCodec); a logout revokes a session's family, and its access tokens with it.
#include "AuthService.h"
#include "IdentityRepository.h"
#include "JwtCodec.h"
#include "Store.h"
#include "TokenRepository.h"
#include "Ulid.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QVariant>

namespace {
ApiError unauthorized(const QString &why)
{
    return ApiError::make(ErrorCode::Unauthorized, why);
}
ApiError noWorkspace(const QByteArray &id)
{
    return ApiError::notFound(QStringLiteral("no workspace %1").arg(QString::fromLatin1(id.left(64))));
}
constexpr int kMaxCached = 100000;
}

AuthService::AuthService(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_flush.setInterval(60 * 1000);
    connect(&m_flush, &QTimer::timeout, this, &AuthService::flushLastUsed);
    m_flush.start();
}

AuthService::~AuthService() = default;

QString AuthService::hashKey(const QString &rawKey)
{
    return QString::fromLatin1(QCryptographicHash::hash(rawKey.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString AuthService::newSecret()
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QString s = QStringLiteral("tnv_");
    auto *rng = QRandomGenerator::system();
    for (int i = 0; i < 40; ++i)
        s += QLatin1Char(alphabet[rng->bounded(62)]);
    return s;
}

bool AuthService::bootstrap(QString *error, bool resetAdminKey)
{
    const QByteArray secret = JwtCodec::loadOrCreateSecret(m_store.dataDir() + QStringLiteral("/jwt.key"), error);
    if (secret.isEmpty())
        return false;
    m_jwt = std::make_unique<JwtCodec>(secret);

    SqlSession &s = m_store.reader();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[family, at] : TokenRepository::revokedFamiliesSince(s, now - qint64(m_accessTtl) * 1000))
        m_revokedFamilies.insert(family, at);
    QString ownerUser;
    {
        QSqlQuery q(s.db());
        q.exec(QStringLiteral("SELECT w.id, m.user_id FROM workspaces w JOIN members m ON m.workspace_id = w.id "
                              "AND m.role = 'owner' ORDER BY w.created_at, w.id LIMIT 1"));
        if (q.next()) {
            m_defaultWorkspace = q.value(0).toString();
            ownerUser = q.value(1).toString();
        }
    }
    const QString keyPath = m_store.dataDir() + QStringLiteral("/admin.key");
    const bool fresh = m_defaultWorkspace.isEmpty();
    if (!fresh && QFile::exists(keyPath) && !resetAdminKey)
        return true;

    s.exec(QStringLiteral("BEGIN IMMEDIATE"));
    bool ok = true;
    if (fresh) {
        m_defaultWorkspace = Ulid::withPrefix(QStringLiteral("ws"));
        ownerUser = Ulid::withPrefix(QStringLiteral("usr"));
        ok = IdentityRepository::insertWorkspace(s, m_defaultWorkspace, QStringLiteral("default"), now)
            && IdentityRepository::insertUser(
                s, ownerUser, QStringLiteral("owner@localhost"), QStringLiteral("Owner"), now)
            && IdentityRepository::insertMember(s, m_defaultWorkspace, ownerUser, QStringLiteral("owner"), now);
    }
    const QString key = newSecret();
    ApiKeyRecord k;
    k.id = Ulid::withPrefix(QStringLiteral("key"));
    k.workspaceId = m_defaultWorkspace;
    k.userId = ownerUser;
    k.name = QStringLiteral("admin.key");
    k.prefix = key.left(12);
    k.hash = hashKey(key);
    k.role = QStringLiteral("owner");
    k.createdAt = now;
    ok = ok && IdentityRepository::insertKey(s, k);
    if (!ok || !s.exec(QStringLiteral("COMMIT"), error)) {
        s.exec(QStringLiteral("ROLLBACK"));
        if (error && error->isEmpty())
            *error = QStringLiteral("could not create the owner workspace and key");
        return false;
    }
    // Written to a temporary name and renamed, created 0600 from the start.
    QFile f(keyPath + QStringLiteral(".new"));
    f.remove();
    if (!f.open(
            QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::NewOnly, QFile::ReadOwner | QFile::WriteOwner)) {
        *error = QStringLiteral("cannot write ") + keyPath;
        return false;
    }
    f.write(key.toUtf8() + '\n');
    f.close();
    QFile::remove(keyPath);
    if (!f.rename(keyPath)) {
        *error = QStringLiteral("cannot write ") + keyPath;
        return false;
    }
    if (resetAdminKey && !fresh)
        qWarning().noquote() << "a fresh owner key was written to" << keyPath
                             << "(older keys stay valid until revoked)";
    return true;
}

Result<Principal> AuthService::authenticate(const Credentials &c)
{
    if (!c.apiKey.isEmpty())
        return keyPrincipal(QString::fromLatin1(c.apiKey.trimmed()), c.workspace);
    if (c.authorization.isEmpty())
        return unauthorized(QStringLiteral("an X-API-Key or Authorization: Bearer header is required"));
    if (!c.authorization.startsWith("Bearer ") && !c.authorization.startsWith("bearer "))
        return unauthorized(QStringLiteral("the Authorization header must be 'Bearer <token>'"));
    const QString token = QString::fromLatin1(c.authorization.mid(7).trimmed());
    if (token.startsWith(QLatin1String("tnv_")))
        return keyPrincipal(token, c.workspace);
    return tokenPrincipal(token, c.workspace);
}

Result<Principal> AuthService::keyPrincipal(const QString &rawKey, const QByteArray &workspaceHeader)
{
    if (!rawKey.startsWith(QLatin1String("tnv_")) || rawKey.size() > 128)
        return unauthorized(QStringLiteral("the credentials are not valid"));
    const QString hash = hashKey(rawKey);
    auto it = m_keys.constFind(hash);
    if (it == m_keys.constEnd()) {
        const auto rec = IdentityRepository::keyByHash(m_store.reader(), hash);
        if (!rec)
            return unauthorized(QStringLiteral("the credentials are not valid"));
        if (m_keys.size() > kMaxCached)
            m_keys.clear();
        it = m_keys.insert(hash,
            KeyEntry {rec->id, rec->workspaceId, rec->userId, rec->nodeId, rec->role, rec->revokedAt, rec->expiresAt,
                rec->quota.maxJobsPerHour, rec->quota.maxConcurrentJobs, rec->quota.allowedJobTypes});
    }
    const KeyEntry &k = *it;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (k.revokedAt > 0)
        return unauthorized(QStringLiteral("this key was revoked"));
    if (k.expiresAt > 0 && now >= k.expiresAt)
        return unauthorized(QStringLiteral("this key has expired"));
    if (!workspaceHeader.isEmpty() && QString::fromLatin1(workspaceHeader) != k.workspaceId)
        return noWorkspace(workspaceHeader);
    Principal p;
    p.keyId = k.id;
    p.userId = k.userId;
    p.workspaceId = k.workspaceId;
    if (k.role == QLatin1String("node")) {
        p.kind = Principal::Kind::Node;
        p.nodeId = k.nodeId;
        return p;
    }
    p.kind = Principal::Kind::Key;
    p.role = Principal::parseRole(k.role);
    if (!k.userId.isEmpty()) {
        // a key acts with at most its person's current role; a person who left the workspace has no keys there
        const auto member = memberRole(k.workspaceId, k.userId);
        if (!member)
            return unauthorized(QStringLiteral("this key's owner is no longer a member of its workspace"));
        p.role = Role(std::min(int(p.role), int(*member)));
    }
    p.plan = planOf(k.workspaceId);
    p.maxJobsPerHour = k.maxJobsPerHour;
    p.maxConcurrentJobs = k.maxConcurrentJobs;
    p.allowedJobTypes = k.allowedJobTypes;
    if (m_lastUsed.size() < kMaxCached)
        m_lastUsed.insert(k.id, now);
    return p;
}

Result<Principal> AuthService::tokenPrincipal(const QString &token, const QByteArray &workspaceHeader)
{
    const qint64 nowSec = QDateTime::currentSecsSinceEpoch();
    auto it = m_tokens.constFind(token);
    if (it == m_tokens.constEnd() || it->expiresAt <= nowSec) {
        // a token is checked in full (signature, algorithm, expiry) once; its claims are then remembered
        // until it expires, so a busy client pays for one HMAC, not one per request
        const auto claims = m_jwt->verify(token, nowSec);
        if (!claims)
            return claims.error();
        const QJsonObject &c = claims.value();
        if (c.value(QStringLiteral("typ")).toString() != QLatin1String("access"))
            return unauthorized(QStringLiteral("this token is not an access token"));
        VerifiedToken v {c.value(QStringLiteral("sub")).toString(), c.value(QStringLiteral("fam")).toString(),
            qint64(c.value(QStringLiteral("exp")).toDouble())};
        if (v.userId.isEmpty() || v.familyId.isEmpty())
            return unauthorized(QStringLiteral("the access token names no user"));
        if (m_tokens.size() >= 10000)
            m_tokens.clear();
        it = m_tokens.insert(token, v);
    }
    if (m_revokedFamilies.contains(it->familyId))
        return unauthorized(QStringLiteral("this session was logged out"));
    return userPrincipal(it->userId, it->familyId, QString::fromLatin1(workspaceHeader));
}

Result<Principal> AuthService::userPrincipal(const QString &userId, const QString &familyId, const QString &workspaceId)
{
    Principal p;
    p.kind = Principal::Kind::User;
    p.userId = userId;
    p.familyId = familyId;
    QString ws = workspaceId;
    if (ws.isEmpty()) {
        auto it = m_firstWorkspace.constFind(userId);
        if (it == m_firstWorkspace.constEnd()) {
            const auto list = IdentityRepository::workspacesOf(m_store.reader(), userId);
            if (m_firstWorkspace.size() > kMaxCached)
                m_firstWorkspace.clear();
            it = m_firstWorkspace.insert(userId, list.isEmpty() ? QString() : list.first().id);
        }
        ws = *it;
        if (ws.isEmpty())
            return p; // signed in, in no workspace yet
    }
    const auto role = memberRole(ws, userId);
    if (!role)
        return ApiError::notFound(QStringLiteral("no workspace %1").arg(ws.left(64)));
    p.workspaceId = ws;
    p.role = *role;
    p.plan = planOf(ws);
    return p;
}

std::optional<Role> AuthService::memberRole(const QString &workspaceId, const QString &userId)
{
    const QString cacheKey = workspaceId + QLatin1Char('/') + userId;
    auto it = m_roles.constFind(cacheKey);
    if (it != m_roles.constEnd())
        return *it;
    std::optional<Role> role;
    if (workspaceId.size() <= 64) {
        if (const auto r = IdentityRepository::memberRole(m_store.reader(), workspaceId, userId))
            role = Principal::parseRole(*r);
    }
    if (m_roles.size() > kMaxCached)
        m_roles.clear();
    m_roles.insert(cacheKey, role);
    return role;
}

QString AuthService::planOf(const QString &workspaceId)
{
    auto it = m_plans.constFind(workspaceId);
    if (it != m_plans.constEnd())
        return *it;
    const auto w = IdentityRepository::workspace(m_store.reader(), workspaceId);
    if (m_plans.size() > kMaxCached)
        m_plans.clear();
    return *m_plans.insert(workspaceId, w ? w->plan : QString());
}

AccessToken AuthService::issueAccessToken(const QString &userId, const QString &familyId)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject claims {{QStringLiteral("iss"), QStringLiteral("tanvrit-compute")},
        {QStringLiteral("sub"), userId}, {QStringLiteral("fam"), familyId},
        {QStringLiteral("typ"), QStringLiteral("access")}, {QStringLiteral("iat"), now},
        {QStringLiteral("exp"), now + m_accessTtl}};
    return {m_jwt->sign(claims), m_accessTtl};
}

void AuthService::familyRevoked(const QString &familyId, qint64 atMs)
{
    // Entries older than one access-token lifetime name only expired tokens: dropped as new ones come.
    const qint64 horizon = atMs - qint64(m_accessTtl) * 1000;
    for (auto it = m_revokedFamilies.begin(); it != m_revokedFamilies.end();)
        it = it.value() < horizon ? m_revokedFamilies.erase(it) : std::next(it);
    m_revokedFamilies.insert(familyId, atMs);
}

void AuthService::forgetMemberships()
{
    m_roles.clear();
    m_firstWorkspace.clear();
    m_plans.clear();
}

void AuthService::forgetKeysOf(const QString &workspaceId, const QString &userId)
{
    forget([&](const KeyEntry &k) { return k.workspaceId == workspaceId && (userId.isEmpty() || k.userId == userId); });
    forgetMemberships();
}

void AuthService::mintNodeKey(
    const QString &workspaceId, const QString &nodeId, std::function<void(Result<MintedKey>)> done)
{
    const QString secret = newSecret();
    ApiKeyRecord k;
    k.id = Ulid::withPrefix(QStringLiteral("key"));
    k.workspaceId = workspaceId;
    k.nodeId = nodeId;
    k.name = QStringLiteral("node ") + nodeId;
    k.prefix = secret.left(12);
    k.hash = hashKey(secret);
    k.role = QStringLiteral("node");
    k.createdAt = QDateTime::currentMSecsSinceEpoch();
    const MintedKey minted {k.id, secret};
    m_store.writer().enqueue([k](SqlSession &s) { return IdentityRepository::insertKey(s, k); },
        [minted, done](bool ok) {
            if (ok)
                done(minted);
            else
                done(ApiError::internal(QStringLiteral("could not store the node key")));
        });
}

void AuthService::forget(const std::function<bool(const KeyEntry &)> &match)
{
    for (auto it = m_keys.begin(); it != m_keys.end();)
        it = match(*it) ? m_keys.erase(it) : std::next(it);
}

void AuthService::revokeNodeKeys(const QString &nodeId, std::function<void(bool)> done)
{
    auto match = [nodeId](const KeyEntry &k) { return k.nodeId == nodeId; };
    forget(match);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_store.writer().enqueue(
        [nodeId, now](SqlSession &s) { return IdentityRepository::revokeNodeKeys(s, nodeId, now); },
        [this, match, done](bool ok) {
            forget(match); // a lookup between the two may have cached it again
            if (done)
                done(ok);
        });
}

void AuthService::revokeKey(const QString &keyId, std::function<void(bool)> done)
{
    auto match = [keyId](const KeyEntry &k) { return k.id == keyId; };
    forget(match);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_store.writer().enqueue([keyId, now](SqlSession &s) { return IdentityRepository::revokeKey(s, keyId, now); },
        [this, match, done](bool ok) {
            forget(match);
            if (done)
                done(ok);
        });
}

void AuthService::flushLastUsed()
{
    if (m_lastUsed.isEmpty())
        return;
    QList<QPair<QString, qint64>> batch;
    for (auto it = m_lastUsed.cbegin(); it != m_lastUsed.cend(); ++it)
        batch.append({it.key(), it.value()});
    m_lastUsed.clear();
    m_store.writer().enqueue([batch](SqlSession &s) { return IdentityRepository::touchKeys(s, batch); });
}

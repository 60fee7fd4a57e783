// Keys are 40 random base62 characters after "tnv_"; only their SHA-256 is stored (they are
// high-entropy, so a fast hash is right here; passwords, later, use Argon2id).
#include "AuthService.h"
#include "IdentityRepository.h"
#include "Store.h"
#include "Ulid.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QVariant>

AuthService::AuthService(Store &store, QObject *parent) : QObject(parent), m_store(store) {}

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

bool AuthService::bootstrap(QString *error)
{
    SqlSession &s = m_store.reader();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
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
    if (!fresh && QFile::exists(keyPath))
        return true;

    s.exec(QStringLiteral("BEGIN IMMEDIATE"));
    bool ok = true;
    if (fresh) {
        m_defaultWorkspace = Ulid::withPrefix(QStringLiteral("ws"));
        ownerUser = Ulid::withPrefix(QStringLiteral("usr"));
        ok = IdentityRepository::insertWorkspace(s, m_defaultWorkspace, QStringLiteral("default"), now)
            && IdentityRepository::insertUser(s, ownerUser, QStringLiteral("owner@localhost"), QStringLiteral("Owner"), now)
            && IdentityRepository::insertMember(s, m_defaultWorkspace, ownerUser, QStringLiteral("owner"), now);
    }
    const QString secret = newSecret();
    ApiKeyRecord k;
    k.id = Ulid::withPrefix(QStringLiteral("key"));
    k.workspaceId = m_defaultWorkspace;
    k.userId = ownerUser;
    k.name = QStringLiteral("admin.key");
    k.prefix = secret.left(12);
    k.hash = hashKey(secret);
    k.role = QStringLiteral("owner");
    k.createdAt = now;
    ok = ok && IdentityRepository::insertKey(s, k);
    if (!ok || !s.exec(QStringLiteral("COMMIT"), error)) {
        s.exec(QStringLiteral("ROLLBACK"));
        if (error && error->isEmpty())
            *error = QStringLiteral("could not create the owner workspace and key");
        return false;
    }
    QFile f(keyPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("cannot write ") + keyPath;
        return false;
    }
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    f.write(secret.toUtf8() + '\n');
    f.close();
    return true;
}

std::optional<Principal> AuthService::authenticate(const QString &rawKey)
{
    if (!rawKey.startsWith(QLatin1String("tnv_")) || rawKey.size() > 128)
        return std::nullopt;
    const QString hash = hashKey(rawKey);
    auto it = m_cache.constFind(hash);
    if (it != m_cache.constEnd())
        return *it;
    const auto rec = IdentityRepository::keyByHash(m_store.reader(), hash);
    if (!rec || rec->revokedAt > 0)
        return std::nullopt;
    Principal p;
    p.keyId = rec->id;
    p.userId = rec->userId;
    p.nodeId = rec->nodeId;
    p.workspaceId = rec->workspaceId;
    p.role = Principal::parseRole(rec->role);
    if (m_cache.size() > 100000)
        m_cache.clear();
    m_cache.insert(hash, p);
    return p;
}

void AuthService::mintNodeKey(const QString &workspaceId, const QString &nodeId,
                              std::function<void(Result<MintedKey>)> done)
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
    const MintedKey minted{k.id, secret};
    m_store.writer().enqueue([k](SqlSession &s) { return IdentityRepository::insertKey(s, k); },
                             [minted, done](bool ok) {
                                 if (ok)
                                     done(minted);
                                 else
                                     done(ApiError::internal(QStringLiteral("could not store the node key")));
                             });
}

void AuthService::forget(const std::function<bool(const Principal &)> &match)
{
    for (auto it = m_cache.begin(); it != m_cache.end();) {
        if (match(*it))
            it = m_cache.erase(it);
        else
            ++it;
    }
}

void AuthService::revokeNodeKeys(const QString &nodeId, std::function<void(bool)> done)
{
    auto match = [nodeId](const Principal &p) { return p.nodeId == nodeId; };
    forget(match);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_store.writer().enqueue([nodeId, now](SqlSession &s) { return IdentityRepository::revokeNodeKeys(s, nodeId, now); },
                             [this, match, done](bool ok) {
                                 forget(match);   // a lookup between the two may have cached it again
                                 if (done)
                                     done(ok);
                             });
}

void AuthService::revokeKey(const QString &keyId, std::function<void(bool)> done)
{
    auto match = [keyId](const Principal &p) { return p.keyId == keyId; };
    forget(match);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_store.writer().enqueue([keyId, now](SqlSession &s) { return IdentityRepository::revokeKey(s, keyId, now); },
                             [this, match, done](bool ok) {
                                 forget(match);
                                 if (done)
                                     done(ok);
                             });
}

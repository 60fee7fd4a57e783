// Key rules: who may mint, see and revoke which key, and what a key's quotas may say.
#include "KeyService.h"
#include "Access.h"
#include "AuthService.h"
#include "IdentityRepository.h"
#include "Job.h"
#include "SqlSession.h"
#include "Store.h"
#include "Ulid.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

namespace {
constexpr int kMaxKeysPerUser = 100;

Result<int> boundedInt(const QJsonObject &body, const QString &name, int max)
{
    const QJsonValue v = body.value(name);
    if (v.isUndefined() || v.isNull())
        return 0;
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > max || d != qint64(d))
        return ApiError::validation({{name, QStringLiteral("a whole number from 0 (no limit) to %1").arg(max)}});
    return int(d);
}
}

KeyService::KeyService(Store &store, AuthService &auth, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_auth(auth)
{
}

QJsonObject KeyService::keyJson(const ApiKeyRecord &k)
{
    QJsonObject o {{QStringLiteral("id"), k.id}, {QStringLiteral("name"), k.name}, {QStringLiteral("prefix"), k.prefix},
        {QStringLiteral("workspaceId"), k.workspaceId}, {QStringLiteral("userId"), k.userId},
        {QStringLiteral("role"), k.role}, {QStringLiteral("createdAt"), isoTime(k.createdAt)},
        {QStringLiteral("expiresAt"), k.expiresAt ? QJsonValue(isoTime(k.expiresAt)) : QJsonValue()},
        {QStringLiteral("lastUsedAt"), k.lastUsedAt ? QJsonValue(isoTime(k.lastUsedAt)) : QJsonValue()},
        {QStringLiteral("revokedAt"), k.revokedAt ? QJsonValue(isoTime(k.revokedAt)) : QJsonValue()},
        {QStringLiteral("maxJobsPerHour"), k.quota.maxJobsPerHour ? QJsonValue(k.quota.maxJobsPerHour) : QJsonValue()},
        {QStringLiteral("maxConcurrentJobs"),
            k.quota.maxConcurrentJobs ? QJsonValue(k.quota.maxConcurrentJobs) : QJsonValue()},
        {QStringLiteral("allowedJobTypes"), QJsonArray::fromStringList(k.quota.allowedJobTypes)}};
    return o;
}

void KeyService::create(const Principal &p, const QJsonObject &body, std::function<void(Result<QJsonObject>)> done)
{
    if (p.userId.isEmpty() || p.workspaceId.isEmpty())
        return done(
            ApiError::make(ErrorCode::Forbidden, QStringLiteral("API keys are minted by a person in a workspace")));
    static const QStringList known {QStringLiteral("name"), QStringLiteral("role"), QStringLiteral("expiresAt"),
        QStringLiteral("expiresInDays"), QStringLiteral("maxJobsPerHour"), QStringLiteral("maxConcurrentJobs"),
        QStringLiteral("allowedJobTypes")};
    QJsonObject fields;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!known.contains(it.key()))
            fields.insert(it.key().left(64), QStringLiteral("unknown field"));
    ApiKeyRecord k;
    k.name = body.value(QStringLiteral("name")).toString().trimmed();
    if (k.name.isEmpty() || k.name.size() > 100)
        fields.insert(QStringLiteral("name"), QStringLiteral("1 to 100 characters"));
    const QString role = body.value(QStringLiteral("role")).toString(Principal::roleName(Role::Member));
    if (!Principal::isRoleName(role))
        fields.insert(QStringLiteral("role"), QStringLiteral("one of owner, admin, member"));
    else if (int(Principal::parseRole(role)) > int(p.role))
        fields.insert(
            QStringLiteral("role"), QStringLiteral("at most your own role (%1)").arg(Principal::roleName(p.role)));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (body.contains(QStringLiteral("expiresAt")) && !body.value(QStringLiteral("expiresAt")).isNull()) {
        const auto at = parseTime(body.value(QStringLiteral("expiresAt")).toVariant().toString());
        if (!at || *at <= now)
            fields.insert(QStringLiteral("expiresAt"), QStringLiteral("a time in the future (ISO 8601 or epoch ms)"));
        else
            k.expiresAt = *at;
    }
    if (const auto days = boundedInt(body, QStringLiteral("expiresInDays"), 3650); !days)
        fields.insert(QStringLiteral("expiresInDays"),
            days.error().detail.value(QStringLiteral("fields")).toObject().value(QStringLiteral("expiresInDays")));
    else if (days.value() > 0)
        k.expiresAt = now + qint64(days.value()) * 24 * 3600 * 1000;
    const auto perHour = boundedInt(body, QStringLiteral("maxJobsPerHour"), 1000000);
    const auto concurrent = boundedInt(body, QStringLiteral("maxConcurrentJobs"), 100000);
    if (!perHour)
        fields.insert(QStringLiteral("maxJobsPerHour"), QStringLiteral("a whole number from 0 (no limit) to 1000000"));
    if (!concurrent)
        fields.insert(
            QStringLiteral("maxConcurrentJobs"), QStringLiteral("a whole number from 0 (no limit) to 100000"));
    const QJsonValue types = body.value(QStringLiteral("allowedJobTypes"));
    static const QRegularExpression typeRe(QStringLiteral("^[A-Za-z][A-Za-z0-9_.-]{0,63}$"));
    if (!types.isUndefined() && !types.isNull()) {
        const QJsonArray a = types.toArray();
        bool ok = types.isArray() && a.size() <= 32;
        for (const auto &t : a) {
            ok = ok && t.isString() && typeRe.match(t.toString()).hasMatch();
            k.quota.allowedJobTypes << t.toString();
        }
        if (!ok)
            fields.insert(QStringLiteral("allowedJobTypes"),
                QStringLiteral("up to 32 job type names, e.g. [\"COMMAND\", \"render\"]"));
    }
    if (!fields.isEmpty())
        return done(ApiError::validation(fields));
    if (IdentityRepository::keys(m_store.reader(), p.workspaceId, p.userId, false).size() >= kMaxKeysPerUser)
        return done(ApiError::conflict(
            QStringLiteral("you have %1 active keys in this workspace; revoke some first").arg(kMaxKeysPerUser)));
    k.quota.maxJobsPerHour = perHour.value();
    k.quota.maxConcurrentJobs = concurrent.value();
    const QString secret = AuthService::newSecret();
    k.id = Ulid::withPrefix(QStringLiteral("key"));
    k.workspaceId = p.workspaceId;
    k.userId = p.userId;
    k.prefix = secret.left(12);
    k.hash = AuthService::hashKey(secret);
    k.role = role;
    k.createdAt = now;
    m_store.writer().enqueue([k](SqlSession &s) { return IdentityRepository::insertKey(s, k); },
        [k, secret, done](bool ok) {
            if (!ok)
                return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("the key could not be stored"),
                    {{QStringLiteral("retryAfter"), 1}}));
            QJsonObject o = keyJson(k);
            o.insert(QStringLiteral("key"), secret);
            o.insert(QStringLiteral("message"), QStringLiteral("store this key now: it is shown only once"));
            done(o);
        });
}

Result<QJsonObject> KeyService::list(const Principal &p, bool includeRevoked) const
{
    if (p.workspaceId.isEmpty())
        return QJsonObject {{QStringLiteral("keys"), QJsonArray()}};
    const bool everyone = Access::allows(p, Permission::RevokeAnyKey);
    if (!everyone && p.userId.isEmpty())
        return QJsonObject {{QStringLiteral("keys"), QJsonArray()}};
    QJsonArray out;
    for (auto k :
        IdentityRepository::keys(m_store.reader(), p.workspaceId, everyone ? QString() : p.userId, includeRevoked)) {
        k.lastUsedAt = std::max(k.lastUsedAt, m_auth.recentUse(k.id));
        out.append(keyJson(k));
    }
    return QJsonObject {{QStringLiteral("keys"), out}};
}

void KeyService::revoke(const Principal &p, const QString &keyId, std::function<void(Result<QJsonObject>)> done)
{
    const auto k = Ulid::isValid(keyId, QStringLiteral("key")) ? IdentityRepository::key(m_store.reader(), keyId)
                                                               : std::optional<ApiKeyRecord>();
    if (!k || k->workspaceId != p.workspaceId || !k->nodeId.isEmpty())
        return done(ApiError::notFound(QStringLiteral("no key %1").arg(keyId.left(64))));
    const bool own = !p.userId.isEmpty() && k->userId == p.userId;
    if (!own) {
        if (const Status st = Access::require(p, Permission::RevokeAnyKey); !st)
            return done(st.error());
    }
    if (k->revokedAt > 0)
        return done(keyJson(*k));
    ApiKeyRecord revoked = *k;
    revoked.revokedAt = QDateTime::currentMSecsSinceEpoch();
    m_auth.revokeKey(k->id, [revoked, done](bool ok) {
        if (!ok)
            return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("the revocation could not be stored"),
                {{QStringLiteral("retryAfter"), 1}}));
        done(keyJson(revoked));
    });
}

// Every version check happens inside the writer's operation, so two racing updates cannot both pass it.
// No message built here contains a value.
#include "SecretService.h"
#include "Job.h"
#include "SecretRef.h"
#include "SecretRepository.h"
#include "SqlSession.h"
#include "Store.h"
#include "Ulid.h"

#include <QDateTime>
#include <QJsonArray>

namespace {
struct WriteOutcome
{
    bool gone = false;
    qint64 currentVersion = -1; // >= 0: the caller's ifVersion did not match this
    bool created = false;
};

QByteArray contextOf(const QString &vaultId, const QString &name)
{
    return vaultId.toUtf8() + '/' + name.toUtf8();
}

ApiError versionConflict(const QString &what, qint64 current)
{
    ApiError e = ApiError::conflict(QStringLiteral("%1 was modified (it is at version %2)").arg(what).arg(current),
        {{QStringLiteral("currentVersion"), current}});
    e.detail.insert(QStringLiteral("code"), QStringLiteral("version_conflict"));
    return e;
}

ApiError unavailable(const QString &what)
{
    return ApiError::make(ErrorCode::Unavailable, QStringLiteral("%1 could not be stored").arg(what),
        {{QStringLiteral("retryAfter"), 1}});
}

QJsonObject secretJson(const SecretRecord &r)
{
    return {{QStringLiteral("name"), r.name}, {QStringLiteral("version"), r.version},
        {QStringLiteral("createdAt"), isoTime(r.createdAt)}, {QStringLiteral("updatedAt"), isoTime(r.updatedAt)}};
}
}

SecretService::SecretService(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
}

bool SecretService::loadKey(const QString &dataDir, const QString &keyFile, QString *error)
{
    return m_box.load(dataDir, keyFile, error);
}

QJsonObject SecretService::vaultJson(const SecretVaultRecord &v)
{
    return {{QStringLiteral("id"), v.id}, {QStringLiteral("name"), v.name},
        {QStringLiteral("description"), v.description}, {QStringLiteral("version"), v.version},
        {QStringLiteral("secretCount"), v.secretCount}, {QStringLiteral("createdAt"), isoTime(v.createdAt)},
        {QStringLiteral("updatedAt"), isoTime(v.updatedAt)}};
}

std::optional<SecretVaultRecord> SecretService::findVault(const Principal &p, const QString &vault) const
{
    if (p.workspaceId.isEmpty())
        return std::nullopt;
    std::optional<SecretVaultRecord> v;
    if (Ulid::isValid(vault, QStringLiteral("vault")))
        v = SecretRepository::vault(m_store.reader(), vault);
    if (!v && SecretRefs::isVaultName(vault))
        v = SecretRepository::vaultByName(m_store.reader(), p.workspaceId, vault);
    if (v && v->workspaceId != p.workspaceId)
        return std::nullopt; // another workspace's vault does not exist for the caller
    return v;
}

static ApiError noVault(const QString &vault)
{
    return ApiError::notFound(QStringLiteral("no secret vault %1").arg(vault.left(64)));
}

void SecretService::createVault(const Principal &p, const QJsonObject &body, Done done)
{
    QJsonObject fields;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != QLatin1String("name") && it.key() != QLatin1String("description"))
            fields.insert(it.key().left(64), QStringLiteral("unknown field"));
    SecretVaultRecord v;
    v.name = body.value(QStringLiteral("name")).toString();
    v.description = body.value(QStringLiteral("description")).toString();
    if (!SecretRefs::isVaultName(v.name))
        fields.insert(QStringLiteral("name"),
            QStringLiteral("1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit"));
    if (body.contains(QStringLiteral("description"))
        && (!body.value(QStringLiteral("description")).isString() || v.description.size() > kMaxDescription))
        fields.insert(
            QStringLiteral("description"), QStringLiteral("a string of at most %1 characters").arg(kMaxDescription));
    if (!fields.isEmpty())
        return done(ApiError::validation(fields));
    if (SecretRepository::vaultByName(m_store.reader(), p.workspaceId, v.name))
        return done(ApiError::conflict(QStringLiteral("a secret vault named %1 exists").arg(v.name)));
    if (SecretRepository::vaultCount(m_store.reader(), p.workspaceId) >= kMaxVaultsPerWorkspace)
        return done(ApiError::conflict(
            QStringLiteral("this workspace has %1 secret vaults, the most it may have").arg(kMaxVaultsPerWorkspace)));
    v.id = Ulid::withPrefix(QStringLiteral("vault"));
    v.workspaceId = p.workspaceId;
    v.createdAt = v.updatedAt = QDateTime::currentMSecsSinceEpoch();
    m_store.writer().enqueue([v](SqlSession &s) { return SecretRepository::insertVault(s, v); },
        [this, v, done](bool ok) {
            if (!ok) // the name was taken meanwhile, or the store failed
                return done(SecretRepository::vaultByName(m_store.reader(), v.workspaceId, v.name)
                        ? ApiError::conflict(QStringLiteral("a secret vault named %1 exists").arg(v.name))
                        : unavailable(QStringLiteral("the vault")));
            done(vaultJson(v));
        });
}

Result<QJsonObject> SecretService::listVaults(const Principal &p) const
{
    QJsonArray out;
    for (const SecretVaultRecord &v : SecretRepository::vaults(m_store.reader(), p.workspaceId))
        out.append(vaultJson(v));
    return QJsonObject {{QStringLiteral("vaults"), out}};
}

Result<QJsonObject> SecretService::getVault(const Principal &p, const QString &vault) const
{
    const auto v = findVault(p, vault);
    if (!v)
        return noVault(vault);
    return vaultJson(*v);
}

void SecretService::updateVault(
    const Principal &p, const QString &vault, const QJsonObject &body, std::optional<qint64> ifVersion, Done done)
{
    const auto v = findVault(p, vault);
    if (!v)
        return done(noVault(vault));
    QJsonObject fields;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != QLatin1String("name") && it.key() != QLatin1String("description")
            && it.key() != QLatin1String("ifVersion"))
            fields.insert(it.key().left(64), QStringLiteral("unknown field"));
    const QString name
        = body.contains(QStringLiteral("name")) ? body.value(QStringLiteral("name")).toString() : v->name;
    const QString description = body.contains(QStringLiteral("description"))
        ? body.value(QStringLiteral("description")).toString()
        : v->description;
    if (!SecretRefs::isVaultName(name))
        fields.insert(QStringLiteral("name"),
            QStringLiteral("1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit"));
    if (body.contains(QStringLiteral("description"))
        && (!body.value(QStringLiteral("description")).isString() || description.size() > kMaxDescription))
        fields.insert(
            QStringLiteral("description"), QStringLiteral("a string of at most %1 characters").arg(kMaxDescription));
    if (!fields.isEmpty())
        return done(ApiError::validation(fields));
    if (name != v->name && SecretRepository::vaultByName(m_store.reader(), p.workspaceId, name))
        return done(ApiError::conflict(QStringLiteral("a secret vault named %1 exists").arg(name)));
    const QString id = v->id;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto out = std::make_shared<WriteOutcome>();
    m_store.writer().enqueue(
        [id, name, description, ifVersion, now, out](SqlSession &s) {
            const auto current = SecretRepository::vaultVersion(s, id);
            if (!current)
                return out->gone = true, false;
            if (ifVersion && *ifVersion != *current)
                return out->currentVersion = *current, false;
            return SecretRepository::updateVault(s, id, name, description, now);
        },
        [this, id, vault, out, done](bool ok) {
            if (!ok)
                return done(out->gone              ? noVault(vault)
                        : out->currentVersion >= 0 ? versionConflict(QStringLiteral("the vault"), out->currentVersion)
                                                   : unavailable(QStringLiteral("the vault")));
            const auto now = SecretRepository::vault(m_store.reader(), id);
            if (!now)
                return done(noVault(vault));
            done(vaultJson(*now));
        });
}

void SecretService::deleteVault(const Principal &p, const QString &vault, std::optional<qint64> ifVersion, Done done)
{
    const auto v = findVault(p, vault);
    if (!v)
        return done(noVault(vault));
    const QString id = v->id;
    auto out = std::make_shared<WriteOutcome>();
    m_store.writer().enqueue(
        [id, ifVersion, out](SqlSession &s) {
            const auto current = SecretRepository::vaultVersion(s, id);
            if (!current)
                return out->gone = true, false;
            if (ifVersion && *ifVersion != *current)
                return out->currentVersion = *current, false;
            return SecretRepository::deleteVault(s, id);
        },
        [v = *v, vault, out, done](bool ok) {
            if (!ok)
                return done(out->gone              ? noVault(vault)
                        : out->currentVersion >= 0 ? versionConflict(QStringLiteral("the vault"), out->currentVersion)
                                                   : unavailable(QStringLiteral("the deletion")));
            done(QJsonObject {
                {QStringLiteral("id"), v.id}, {QStringLiteral("name"), v.name}, {QStringLiteral("deleted"), true}});
        });
}

Result<QJsonObject> SecretService::listSecrets(const Principal &p, const QString &vault) const
{
    const auto v = findVault(p, vault);
    if (!v)
        return noVault(vault);
    QJsonArray out;
    for (const SecretRecord &r : SecretRepository::secrets(m_store.reader(), v->id))
        out.append(secretJson(r));
    return QJsonObject {{QStringLiteral("vaultId"), v->id}, {QStringLiteral("vault"), v->name},
        {QStringLiteral("version"), v->version}, {QStringLiteral("secrets"), out}};
}

void SecretService::putSecret(const Principal &p, const QString &vault, const QString &name, const QString &value,
    std::optional<qint64> ifVersion, Done done)
{
    const auto v = findVault(p, vault);
    if (!v)
        return done(noVault(vault));
    if (!SecretRefs::isSecretName(name))
        return done(ApiError::validation({{QStringLiteral("name"),
            QStringLiteral(
                "an environment variable name: a letter or '_', then letters, digits or '_' (at most 128)")}}));
    QByteArray plain = value.toUtf8();
    if (plain.isEmpty() || plain.size() > kMaxValueBytes || plain.contains('\0')) {
        plain.fill('\0');
        return done(ApiError::validation({{QStringLiteral("value"),
            QStringLiteral("1 to %1 bytes of UTF-8 text without NUL").arg(kMaxValueBytes)}}));
    }
    if (!SecretRepository::secret(m_store.reader(), v->id, name)
        && SecretRepository::secretCount(m_store.reader(), v->id) >= kMaxSecretsPerVault) {
        plain.fill('\0');
        return done(ApiError::conflict(
            QStringLiteral("this vault holds %1 secrets, the most it may hold").arg(kMaxSecretsPerVault)));
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    SecretRecord r;
    r.vaultId = v->id;
    r.name = name;
    const SecretBox::Sealed sealed = m_box.seal(plain, contextOf(v->id, name));
    plain.fill('\0');
    r.nonce = sealed.nonce;
    r.ciphertext = sealed.ciphertext;
    r.createdAt = r.updatedAt = now;
    auto out = std::make_shared<WriteOutcome>();
    m_store.writer().enqueue(
        [r, ifVersion, now, out](SqlSession &s) {
            if (!SecretRepository::vaultVersion(s, r.vaultId))
                return out->gone = true, false;
            const auto existing = SecretRepository::secret(s, r.vaultId, r.name);
            const qint64 current = existing ? existing->version : 0;
            if (ifVersion && *ifVersion != current)
                return out->currentVersion = current, false;
            out->created = !existing;
            return SecretRepository::putSecret(s, r) && SecretRepository::bumpVault(s, r.vaultId, now);
        },
        [this, r, vault, out, done](bool ok) {
            if (!ok)
                return done(out->gone              ? noVault(vault)
                        : out->currentVersion >= 0 ? versionConflict(QStringLiteral("the secret"), out->currentVersion)
                                                   : unavailable(QStringLiteral("the secret")));
            const auto stored = SecretRepository::secret(m_store.reader(), r.vaultId, r.name);
            const auto v = SecretRepository::vault(m_store.reader(), r.vaultId);
            if (!stored || !v)
                return done(noVault(vault));
            QJsonObject o = secretJson(*stored);
            o.insert(QStringLiteral("vaultId"), v->id);
            o.insert(QStringLiteral("vaultVersion"), v->version);
            o.insert(QStringLiteral("created"), out->created);
            done(o);
        });
}

void SecretService::deleteSecret(
    const Principal &p, const QString &vault, const QString &name, std::optional<qint64> ifVersion, Done done)
{
    const auto v = findVault(p, vault);
    if (!v)
        return done(noVault(vault));
    const QString vaultId = v->id;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto out = std::make_shared<WriteOutcome>();
    m_store.writer().enqueue(
        [vaultId, name, ifVersion, now, out](SqlSession &s) {
            const auto existing = SecretRepository::secret(s, vaultId, name);
            if (!existing)
                return out->gone = true, false;
            if (ifVersion && *ifVersion != existing->version)
                return out->currentVersion = existing->version, false;
            return SecretRepository::deleteSecret(s, vaultId, name) && SecretRepository::bumpVault(s, vaultId, now);
        },
        [vaultId, name, out, done](bool ok) {
            if (!ok)
                return done(out->gone
                        ? ApiError::notFound(QStringLiteral("no secret %1 in this vault").arg(name.left(128)))
                        : out->currentVersion >= 0 ? versionConflict(QStringLiteral("the secret"), out->currentVersion)
                                                   : unavailable(QStringLiteral("the deletion")));
            done(QJsonObject {{QStringLiteral("vaultId"), vaultId}, {QStringLiteral("name"), name},
                {QStringLiteral("deleted"), true}});
        });
}

Status SecretService::checkJobSecrets(const QString &workspaceId, const QStringList &secrets) const
{
    for (const SecretRef &ref : SecretRefs::vaultRefs(secrets)) {
        const auto v = SecretRepository::vaultByName(m_store.reader(), workspaceId, ref.vault);
        if (!v)
            return ApiError::validation(
                {{QStringLiteral("secrets"), QStringLiteral("no secret vault %1").arg(ref.vault)}});
        if (!SecretRepository::secret(m_store.reader(), v->id, ref.name))
            return ApiError::validation(
                {{QStringLiteral("secrets"), QStringLiteral("no secret %1 in vault %2").arg(ref.name, ref.vault)}});
    }
    return Ok {};
}

Result<QMap<QString, QString>> SecretService::resolve(const QString &workspaceId, const QStringList &secrets) const
{
    QMap<QString, QString> out;
    for (const SecretRef &ref : SecretRefs::vaultRefs(secrets)) {
        const QString what = ref.vault + QLatin1Char('/') + ref.name;
        const auto v = SecretRepository::vaultByName(m_store.reader(), workspaceId, ref.vault);
        const auto r = v ? SecretRepository::secret(m_store.reader(), v->id, ref.name) : std::nullopt;
        if (!r)
            return ApiError::notFound(QStringLiteral("secret %1 no longer exists").arg(what));
        auto plain = m_box.open({r->nonce, r->ciphertext}, contextOf(v->id, ref.name));
        if (!plain)
            return ApiError::internal(QStringLiteral("secret %1 cannot be decrypted with this server's key").arg(what));
        out.insert(ref.envName, QString::fromUtf8(*plain));
        plain->fill('\0');
    }
    return out;
}

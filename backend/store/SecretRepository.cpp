// Secret vault tables; every statement prepared and cached per connection.
#include "SecretRepository.h"
#include "SqlSession.h"

#include <QVariant>

namespace {
const QString kVaultColumns
    = QStringLiteral("v.id, v.workspace_id, v.name, v.description, v.version, v.created_at, v.updated_at, "
                     "(SELECT COUNT(*) FROM secrets s WHERE s.vault_id = v.id)");

SecretVaultRecord readVault(const QSqlQuery &q)
{
    SecretVaultRecord v;
    v.id = q.value(0).toString();
    v.workspaceId = q.value(1).toString();
    v.name = q.value(2).toString();
    v.description = q.value(3).toString();
    v.version = q.value(4).toLongLong();
    v.createdAt = q.value(5).toLongLong();
    v.updatedAt = q.value(6).toLongLong();
    v.secretCount = q.value(7).toInt();
    return v;
}
}

QList<SecretVaultRecord> SecretRepository::vaults(SqlSession &s, const QString &workspaceId)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT %1 FROM secret_vaults v WHERE v.workspace_id = ? ORDER BY v.name").arg(kVaultColumns));
    q.addBindValue(workspaceId);
    return SqlSession::rows<SecretVaultRecord>(q, readVault);
}

std::optional<SecretVaultRecord> SecretRepository::vault(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT %1 FROM secret_vaults v WHERE v.id = ?").arg(kVaultColumns));
    q.addBindValue(id);
    return SqlSession::row<SecretVaultRecord>(q, readVault);
}

std::optional<SecretVaultRecord> SecretRepository::vaultByName(
    SqlSession &s, const QString &workspaceId, const QString &name)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("SELECT %1 FROM secret_vaults v WHERE v.workspace_id = ? AND v.name = ?").arg(kVaultColumns));
    q.addBindValue(workspaceId);
    q.addBindValue(name);
    return SqlSession::row<SecretVaultRecord>(q, readVault);
}

int SecretRepository::vaultCount(SqlSession &s, const QString &workspaceId)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COUNT(*) FROM secret_vaults WHERE workspace_id = ?"));
    q.addBindValue(workspaceId);
    return SqlSession::row<int>(q, [](const QSqlQuery &r) { return r.value(0).toInt(); }).value_or(0);
}

bool SecretRepository::insertVault(SqlSession &s, const SecretVaultRecord &v)
{
    QSqlQuery &q = s.prepare(QStringLiteral("INSERT INTO secret_vaults(id, workspace_id, name, description, version, "
                                            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(v.id);
    q.addBindValue(v.workspaceId);
    q.addBindValue(v.name);
    q.addBindValue(v.description.isNull() ? QStringLiteral("") : v.description); // a null QString binds NULL
    q.addBindValue(v.version);
    q.addBindValue(v.createdAt);
    q.addBindValue(v.updatedAt);
    return SqlSession::run(q);
}

bool SecretRepository::updateVault(
    SqlSession &s, const QString &id, const QString &name, const QString &description, qint64 now)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "UPDATE secret_vaults SET name = ?, description = ?, version = version + 1, updated_at = ? WHERE id = ?"));
    q.addBindValue(name);
    q.addBindValue(description.isNull() ? QStringLiteral("") : description);
    q.addBindValue(now);
    q.addBindValue(id);
    return SqlSession::run(q) && q.numRowsAffected() == 1;
}

bool SecretRepository::bumpVault(SqlSession &s, const QString &id, qint64 now)
{
    QSqlQuery &q
        = s.prepare(QStringLiteral("UPDATE secret_vaults SET version = version + 1, updated_at = ? WHERE id = ?"));
    q.addBindValue(now);
    q.addBindValue(id);
    return SqlSession::run(q) && q.numRowsAffected() == 1;
}

bool SecretRepository::deleteVault(SqlSession &s, const QString &id)
{
    QSqlQuery &del = s.prepare(QStringLiteral("DELETE FROM secrets WHERE vault_id = ?"));
    del.addBindValue(id);
    if (!SqlSession::run(del))
        return false;
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM secret_vaults WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::run(q) && q.numRowsAffected() == 1;
}

std::optional<qint64> SecretRepository::vaultVersion(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT version FROM secret_vaults WHERE id = ?"));
    q.addBindValue(id);
    return SqlSession::row<qint64>(q, [](const QSqlQuery &r) { return r.value(0).toLongLong(); });
}

QList<SecretRecord> SecretRepository::secrets(SqlSession &s, const QString &vaultId)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT vault_id, name, version, created_at, updated_at FROM secrets WHERE vault_id = ? ORDER BY name"));
    q.addBindValue(vaultId);
    return SqlSession::rows<SecretRecord>(q, [](const QSqlQuery &r) {
        SecretRecord x;
        x.vaultId = r.value(0).toString();
        x.name = r.value(1).toString();
        x.version = r.value(2).toLongLong();
        x.createdAt = r.value(3).toLongLong();
        x.updatedAt = r.value(4).toLongLong();
        return x;
    });
}

std::optional<SecretRecord> SecretRepository::secret(SqlSession &s, const QString &vaultId, const QString &name)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT vault_id, name, nonce, ciphertext, version, created_at, updated_at "
                                            "FROM secrets WHERE vault_id = ? AND name = ?"));
    q.addBindValue(vaultId);
    q.addBindValue(name);
    return SqlSession::row<SecretRecord>(q, [](const QSqlQuery &r) {
        return SecretRecord {r.value(0).toString(), r.value(1).toString(), r.value(2).toByteArray(),
            r.value(3).toByteArray(), r.value(4).toLongLong(), r.value(5).toLongLong(), r.value(6).toLongLong()};
    });
}

int SecretRepository::secretCount(SqlSession &s, const QString &vaultId)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT COUNT(*) FROM secrets WHERE vault_id = ?"));
    q.addBindValue(vaultId);
    return SqlSession::row<int>(q, [](const QSqlQuery &r) { return r.value(0).toInt(); }).value_or(0);
}

bool SecretRepository::putSecret(SqlSession &s, const SecretRecord &r)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO secrets(vault_id, name, nonce, ciphertext, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT(vault_id, name) DO UPDATE SET nonce = excluded.nonce, "
        "ciphertext = excluded.ciphertext, version = secrets.version + 1, updated_at = excluded.updated_at"));
    q.addBindValue(r.vaultId);
    q.addBindValue(r.name);
    q.addBindValue(r.nonce);
    q.addBindValue(r.ciphertext);
    q.addBindValue(r.createdAt);
    q.addBindValue(r.updatedAt);
    return SqlSession::run(q);
}

bool SecretRepository::deleteSecret(SqlSession &s, const QString &vaultId, const QString &name)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM secrets WHERE vault_id = ? AND name = ?"));
    q.addBindValue(vaultId);
    q.addBindValue(name);
    return SqlSession::run(q) && q.numRowsAffected() == 1;
}

// SQL for secret vaults (part 2): vault rows and their secrets' ciphertexts; plaintext never reaches here.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

class SqlSession;

struct SecretVaultRecord
{
    QString id;
    QString workspaceId;
    QString name;
    QString description;
    qint64 version = 1;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    int secretCount = 0; // filled by reads
};

struct SecretRecord
{
    QString vaultId;
    QString name;
    QByteArray nonce;
    QByteArray ciphertext; // empty in listings (names and metadata only)
    qint64 version = 1;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

namespace SecretRepository {
QList<SecretVaultRecord> vaults(SqlSession &s, const QString &workspaceId);
std::optional<SecretVaultRecord> vault(SqlSession &s, const QString &id);
std::optional<SecretVaultRecord> vaultByName(SqlSession &s, const QString &workspaceId, const QString &name);
int vaultCount(SqlSession &s, const QString &workspaceId);
bool insertVault(SqlSession &s, const SecretVaultRecord &v);
// Sets name and description and bumps the version; false when the row is gone.
bool updateVault(SqlSession &s, const QString &id, const QString &name, const QString &description, qint64 now);
bool bumpVault(SqlSession &s, const QString &id, qint64 now);
bool deleteVault(SqlSession &s, const QString &id); // and its secrets
std::optional<qint64> vaultVersion(SqlSession &s, const QString &id);

QList<SecretRecord> secrets(SqlSession &s, const QString &vaultId); // without ciphertexts
std::optional<SecretRecord> secret(SqlSession &s, const QString &vaultId, const QString &name);
int secretCount(SqlSession &s, const QString &vaultId);
bool putSecret(SqlSession &s, const SecretRecord &r); // insert, or new ciphertext and version+1
bool deleteSecret(SqlSession &s, const QString &vaultId, const QString &name);
}

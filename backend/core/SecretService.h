// Part 2 (secret vaults): vaults of write-only secrets per workspace, with optimistic concurrency on
// `version`; values are sealed by SecretBox before they reach the writer, and opened only to hand them
// to the agent running a job that names them (resolve).
#pragma once

#include "ApiError.h"
#include "Principal.h"
#include "SecretBox.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <functional>
#include <optional>

class Store;
struct SecretVaultRecord;

class SecretService : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxValueBytes = 64 * 1024;
    static constexpr int kMaxVaultsPerWorkspace = 100;
    static constexpr int kMaxSecretsPerVault = 500;
    static constexpr int kMaxDescription = 500;
    using Done = std::function<void(Result<QJsonObject>)>;

    explicit SecretService(Store &store, QObject *parent = nullptr);
    bool loadKey(const QString &dataDir, const QString &keyFile, QString *error);

    // `vault` is a vault's id or its name in the caller's workspace; `ifVersion` the version the caller saw.
    void createVault(const Principal &p, const QJsonObject &body, Done done);
    Result<QJsonObject> listVaults(const Principal &p) const;
    Result<QJsonObject> getVault(const Principal &p, const QString &vault) const;
    void updateVault(
        const Principal &p, const QString &vault, const QJsonObject &body, std::optional<qint64> ifVersion, Done done);
    void deleteVault(const Principal &p, const QString &vault, std::optional<qint64> ifVersion, Done done);
    Result<QJsonObject> listSecrets(const Principal &p, const QString &vault) const;
    // ifVersion of a secret that does not exist yet is 0.
    void putSecret(const Principal &p, const QString &vault, const QString &name, const QString &value,
        std::optional<qint64> ifVersion, Done done);
    void deleteSecret(
        const Principal &p, const QString &vault, const QString &name, std::optional<qint64> ifVersion, Done done);

    // A job's "vault/NAME" entries: each must exist in the workspace (422 naming the first that does not).
    Status checkJobSecrets(const QString &workspaceId, const QStringList &secrets) const;
    // The values, by environment variable name, for the attempt being dispatched (never stored again).
    Result<QMap<QString, QString>> resolve(const QString &workspaceId, const QStringList &secrets) const;

private:
    std::optional<SecretVaultRecord> findVault(const Principal &p, const QString &vault) const;
    static QJsonObject vaultJson(const SecretVaultRecord &v);

    Store &m_store;
    SecretBox m_box;
};

// Authentication: API keys (tnv_…) hashed at rest, the first-start owner bootstrap, node keys.
#pragma once

#include "ApiError.h"
#include "Principal.h"

#include <QHash>
#include <QObject>
#include <optional>

class Store;

struct MintedKey
{
    QString id;
    QString secret;   // the whole key; shown once, never stored
};

class AuthService : public QObject
{
    Q_OBJECT
public:
    explicit AuthService(Store &store, QObject *parent = nullptr);

    // First start: default workspace, owner user and an owner key written to <data-dir>/admin.key (0600).
    // Later starts: a missing admin.key gets a fresh owner key.
    bool bootstrap(QString *error);
    QString defaultWorkspaceId() const { return m_defaultWorkspace; }

    std::optional<Principal> authenticate(const QString &rawKey);

    // A node's own key (role "node"); the old one stops working at once when rotated.
    void mintNodeKey(const QString &workspaceId, const QString &nodeId, std::function<void(Result<MintedKey>)> done);
    void revokeNodeKeys(const QString &nodeId, std::function<void(bool)> done = {});
    void revokeKey(const QString &keyId, std::function<void(bool)> done = {});

    static QString hashKey(const QString &rawKey);
    static QString newSecret();

private:
    void forget(const std::function<bool(const Principal &)> &match);

    Store &m_store;
    QString m_defaultWorkspace;
    QHash<QString, Principal> m_cache;   // key hash -> principal
};

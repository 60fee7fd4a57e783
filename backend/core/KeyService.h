// API keys people mint for scripts and CI: shown once, stored hashed, scoped to one workspace with a
// role no higher than their creator's, an optional expiry and quotas enforced on submit (KeyQuotas).
#pragma once

#include "ApiError.h"
#include "Principal.h"

#include <QJsonObject>
#include <QObject>
#include <functional>

class Store;
class AuthService;
struct ApiKeyRecord;

class KeyService : public QObject
{
    Q_OBJECT
public:
    KeyService(Store &store, AuthService &auth, QObject *parent = nullptr);

    void create(const Principal &p, const QJsonObject &body, std::function<void(Result<QJsonObject>)> done);
    // Members see their own keys; admins and owners every person's key in the workspace.
    Result<QJsonObject> list(const Principal &p, bool includeRevoked) const;
    void revoke(const Principal &p, const QString &keyId, std::function<void(Result<QJsonObject>)> done);

    static QJsonObject keyJson(const ApiKeyRecord &k);

private:
    Store &m_store;
    AuthService &m_auth;
};

// Workspaces and their members: create, list, rename; invite by email (a registered person joins at
// once, anyone else when they register), change roles, remove. A workspace the caller is not a member
// of does not exist for it (404); within one, the role table decides (Access).
#pragma once

#include "ApiError.h"
#include "Principal.h"

#include <QJsonObject>
#include <QObject>
#include <functional>

class Store;
class AuthService;
struct WorkspaceRecord;

using JsonResult = std::function<void(Result<QJsonObject>)>;

class WorkspaceService : public QObject
{
    Q_OBJECT
public:
    WorkspaceService(Store &store, AuthService &auth, QObject *parent = nullptr);

    // `p` re-scoped to workspace `id` (its role there), or 404 when it is not a member of it.
    Result<Principal> actingIn(const Principal &p, const QString &id) const;

    void create(const Principal &p, const QJsonObject &body, JsonResult done);
    Result<QJsonObject> list(const Principal &p) const;
    Result<QJsonObject> get(const Principal &p, const QString &id) const;
    void update(const Principal &p, const QString &id, const QJsonObject &body, JsonResult done);

    void invite(const Principal &p, const QString &id, const QJsonObject &body, JsonResult done);
    Result<QJsonObject> members(const Principal &p, const QString &id) const;
    void changeRole(
        const Principal &p, const QString &id, const QString &member, const QJsonObject &body, JsonResult done);
    // `member` is a user id, or the email of a pending invitation.
    void remove(const Principal &p, const QString &id, const QString &member, JsonResult done);

    static QJsonObject workspaceJson(const WorkspaceRecord &w);
    static bool isPlan(const QString &plan);

private:
    void commit(std::function<bool(class SqlSession &)> op, QJsonObject answer, JsonResult done);

    Store &m_store;
    AuthService &m_auth;
};

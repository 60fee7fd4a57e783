// Answers are the service's JSON: as is on /v0 (201 for what was created), in the envelope on /api.
#include "IdentityController.h"
#include "AccountService.h"
#include "KeyService.h"
#include "WorkspaceService.h"

namespace {
RouteOptions opts(Surface surface, bool auth, Permission need, const char *action, QString workspaceParam = {})
{
    RouteOptions o;
    o.surface = surface;
    o.auth = auth;
    o.need = need;
    o.action = action;
    o.signIn = !auth;
    o.workspaceParam = std::move(workspaceParam);
    return o;
}

// Renders a service's answer: `created` on /v0 for a success, the envelope on /api.
std::function<void(Result<QJsonObject>)> answer(const ExchangePtr &ex, int created = 200, const char *message = "ok")
{
    return [ex, created, message](Result<QJsonObject> r) {
        if (!r)
            return ex->replyError(r.error());
        if (ex->surface() == Surface::Rpc)
            return ex->replyRpc(r.value(), QString::fromLatin1(message));
        ex->replyJson(created, r.value());
    };
}

// A body that may be empty ({}), else a JSON object; false once a 400 was answered.
bool optionalBody(const ExchangePtr &ex, QJsonObject &body)
{
    return ex->body().trimmed().isEmpty() || ex->jsonBody(body);
}

QString emailActor(const QJsonObject &body)
{
    const QString email = AccountService::normalizeEmail(body.value(QStringLiteral("email")).toString()).left(254);
    return email.isEmpty() ? QStringLiteral("anonymous") : QStringLiteral("email:") + email;
}
}

IdentityController::IdentityController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    addAuthRoutes(r);
    addWorkspaceRoutes(r);
    addKeyRoutes(r);
}

void IdentityController::addAuthRoutes(Router &r)
{
    auto signIn = [this](void (AccountService::*fn)(const QJsonObject &, const QString &, JsonCallback), int created,
                      const char *message) {
        return [this, fn, created, message](const ExchangePtr &ex) {
            QJsonObject body;
            if (!ex->jsonBody(body))
                return;
            ex->setAuditActor(emailActor(body));
            (m_s.accounts->*fn)(body, ex->peer().toString(), [ex, created, message](Result<QJsonObject> r) {
                if (r) {
                    const QJsonObject user = r.value().value(QStringLiteral("user")).toObject();
                    ex->setAuditSubject(user.value(QStringLiteral("id")).toString());
                }
                answer(ex, created, message)(std::move(r));
            });
        };
    };
    r.add("POST", QStringLiteral("/v0/auth/register"), opts(Surface::V0, false, Permission::None, "auth.register"),
        signIn(&AccountService::registerUser, 201, "registered"));
    r.add("POST", QStringLiteral("/v0/auth/login"), opts(Surface::V0, false, Permission::None, "auth.login"),
        signIn(&AccountService::login, 200, "signed in"));
    r.add("POST", QStringLiteral("/v0/auth/refresh"), opts(Surface::V0, false, Permission::None, "auth.refresh"),
        signIn(&AccountService::refresh, 200, "refreshed"));
    r.add("POST", QStringLiteral("/api/auth/request-otp"),
        opts(Surface::Rpc, false, Permission::None, "auth.request-otp"),
        signIn(&AccountService::requestOtp, 200, "code sent"));
    r.add("POST", QStringLiteral("/api/auth/verify-otp"),
        opts(Surface::Rpc, false, Permission::None, "auth.verify-otp"),
        signIn(&AccountService::verifyOtp, 200, "signed in"));
    r.add("POST", QStringLiteral("/v0/auth/logout"), opts(Surface::V0, true, Permission::None, "auth.logout"),
        [this](const ExchangePtr &ex) {
            QJsonObject body;
            if (optionalBody(ex, body))
                m_s.accounts->logout(ex->principal(), body, answer(ex));
        });
    r.add("GET", QStringLiteral("/v0/auth/me"), opts(Surface::V0, true, Permission::None, nullptr),
        [this](const ExchangePtr &ex) { answer(ex)(m_s.accounts->me(ex->principal())); });
}

void IdentityController::addWorkspaceRoutes(Router &r)
{
    const QString id = QStringLiteral("id");
    r.add("POST", QStringLiteral("/v0/workspaces"), opts(Surface::V0, true, Permission::None, "workspace.create"),
        [this](const ExchangePtr &ex) {
            QJsonObject body;
            if (!ex->jsonBody(body))
                return;
            m_s.workspaces->create(ex->principal(), body, [ex](Result<QJsonObject> r) {
                if (r) {
                    ex->setAuditWorkspace(r.value().value(QStringLiteral("id")).toString());
                    ex->setAuditSubject(ex->auditWorkspace());
                }
                answer(ex, 201)(std::move(r));
            });
        });
    r.add("GET", QStringLiteral("/v0/workspaces"), opts(Surface::V0, true, Permission::None, nullptr),
        [this](const ExchangePtr &ex) { answer(ex)(m_s.workspaces->list(ex->principal())); });
    r.add("GET", QStringLiteral("/v0/workspaces/{id}"), opts(Surface::V0, true, Permission::ReadJobs, nullptr, id),
        [this](const ExchangePtr &ex) {
            answer(ex)(m_s.workspaces->get(ex->principal(), ex->param(QStringLiteral("id"))));
        });
    r.add("PATCH", QStringLiteral("/v0/workspaces/{id}"),
        opts(Surface::V0, true, Permission::EditWorkspace, "workspace.update", id), [this](const ExchangePtr &ex) {
            QJsonObject body;
            if (ex->jsonBody(body))
                m_s.workspaces->update(ex->principal(), ex->param(QStringLiteral("id")), body, answer(ex));
        });
    r.add("POST", QStringLiteral("/v0/workspaces/{id}/members"),
        opts(Surface::V0, true, Permission::InviteMembers, "member.invite", id), [this](const ExchangePtr &ex) {
            QJsonObject body;
            if (!ex->jsonBody(body))
                return;
            ex->setAuditSubject(
                AccountService::normalizeEmail(body.value(QStringLiteral("email")).toString()).left(254));
            m_s.workspaces->invite(ex->principal(), ex->param(QStringLiteral("id")), body, answer(ex, 201));
        });
    r.add("GET", QStringLiteral("/v0/workspaces/{id}/members"),
        opts(Surface::V0, true, Permission::ReadJobs, nullptr, id), [this](const ExchangePtr &ex) {
            answer(ex)(m_s.workspaces->members(ex->principal(), ex->param(QStringLiteral("id"))));
        });
    r.add("PATCH", QStringLiteral("/v0/workspaces/{id}/members/{member}"),
        opts(Surface::V0, true, Permission::InviteOwners, "member.role", id), [this](const ExchangePtr &ex) {
            QJsonObject body;
            if (ex->jsonBody(body))
                m_s.workspaces->changeRole(ex->principal(), ex->param(QStringLiteral("id")),
                    ex->param(QStringLiteral("member")), body, answer(ex));
        });
    // Any member may leave; removing someone else needs admin (owner for an owner): the service decides.
    r.add("DELETE", QStringLiteral("/v0/workspaces/{id}/members/{member}"),
        opts(Surface::V0, true, Permission::ReadJobs, "member.remove", id), [this](const ExchangePtr &ex) {
            m_s.workspaces->remove(
                ex->principal(), ex->param(QStringLiteral("id")), ex->param(QStringLiteral("member")), answer(ex));
        });
}

void IdentityController::addKeyRoutes(Router &r)
{
    auto create = [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (!ex->jsonBody(body))
            return;
        m_s.keys->create(ex->principal(), body, [ex](Result<QJsonObject> r) {
            if (r)
                ex->setAuditSubject(r.value().value(QStringLiteral("id")).toString());
            answer(ex, 201, "key created; it is shown only once")(std::move(r));
        });
    };
    const RouteOptions creating = opts(Surface::V0, true, Permission::ManageOwnKeys, "key.create");
    const RouteOptions listing = opts(Surface::V0, true, Permission::ManageOwnKeys, nullptr);
    const RouteOptions revoking = opts(Surface::V0, true, Permission::ManageOwnKeys, "key.revoke");
    r.add("POST", QStringLiteral("/v0/keys"), creating, create);
    r.add("GET", QStringLiteral("/v0/keys"), listing, [this](const ExchangePtr &ex) {
        const bool revoked = ex->queryValue(QStringLiteral("includeRevoked")) == QLatin1String("true");
        answer(ex)(m_s.keys->list(ex->principal(), revoked));
    });
    r.add("DELETE", QStringLiteral("/v0/keys/{id}"), revoking, [this](const ExchangePtr &ex) {
        m_s.keys->revoke(ex->principal(), ex->param(QStringLiteral("id")), answer(ex));
    });

    r.add("POST", QStringLiteral("/api/compute/api-keys/create"), creating.onRpc(), create);
    r.add("POST", QStringLiteral("/api/compute/api-keys/list"), listing.onRpc(), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (optionalBody(ex, body))
            answer(ex)(m_s.keys->list(ex->principal(), body.value(QStringLiteral("includeRevoked")).toBool()));
    });
    r.add("POST", QStringLiteral("/api/compute/api-keys/revoke"), revoking.onRpc(), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (!ex->jsonBody(body))
            return;
        QString keyId = body.value(QStringLiteral("keyId")).toString();
        if (keyId.isEmpty())
            keyId = body.value(QStringLiteral("id")).toString();
        if (keyId.isEmpty())
            return ex->replyError(ApiError::validation({{QStringLiteral("keyId"), QStringLiteral("required")}}));
        ex->setAuditSubject(keyId.left(64));
        m_s.keys->revoke(ex->principal(), keyId, answer(ex, 200, "key revoked"));
    });
}

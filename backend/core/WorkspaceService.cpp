// Workspace rules. A workspace always keeps an owner: the last one can neither leave nor be demoted.
#include "WorkspaceService.h"
#include "Access.h"
#include "AccountService.h"
#include "AuthService.h"
#include "IdentityRepository.h"
#include "Job.h"
#include "SqlSession.h"
#include "Store.h"
#include "Ulid.h"

#include <QDateTime>
#include <QJsonArray>

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

ApiError noWorkspace(const QString &id)
{
    return ApiError::notFound(QStringLiteral("no workspace %1").arg(id.left(64)));
}

Result<QString> textField(const QJsonObject &body, const QString &name, int maxLength, bool required)
{
    const QJsonValue v = body.value(name);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            return ApiError::validation({{name, QStringLiteral("required")}});
        return QString(QLatin1String("")); // empty, not null: the columns are NOT NULL (a null binds NULL)
    }
    if (!v.isString())
        return ApiError::validation({{name, QStringLiteral("must be a string")}});
    const QString s = v.toString().trimmed();
    if ((required && s.isEmpty()) || s.size() > maxLength)
        return ApiError::validation({{name, QStringLiteral("1 to %1 characters").arg(maxLength)}});
    return s;
}
}

WorkspaceService::WorkspaceService(Store &store, AuthService &auth, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_auth(auth)
{
}

bool WorkspaceService::isPlan(const QString &plan)
{
    return plan == QLatin1String("hobby") || plan == QLatin1String("payg") || plan == QLatin1String("team")
        || plan == QLatin1String("enterprise");
}

QJsonObject WorkspaceService::workspaceJson(const WorkspaceRecord &w)
{
    QJsonObject o {{QStringLiteral("id"), w.id}, {QStringLiteral("name"), w.name},
        {QStringLiteral("defaultRegion"), w.defaultRegion}, {QStringLiteral("plan"), w.plan},
        {QStringLiteral("createdAt"), isoTime(w.createdAt)}, {QStringLiteral("updatedAt"), isoTime(w.updatedAt)}};
    if (!w.role.isEmpty())
        o.insert(QStringLiteral("role"), w.role);
    return o;
}

Result<Principal> WorkspaceService::actingIn(const Principal &p, const QString &id) const
{
    if (p.isNode() || p.kind == Principal::Kind::Key || p.userId.isEmpty()) {
        // a key acts in its own workspace only
        if (id != p.workspaceId)
            return noWorkspace(id);
        return p;
    }
    if (id == p.workspaceId)
        return p;
    auto r = m_auth.userPrincipal(p.userId, p.familyId, id);
    if (!r || r.value().workspaceId.isEmpty())
        return noWorkspace(id);
    return r;
}

void WorkspaceService::commit(std::function<bool(SqlSession &)> op, QJsonObject answer, JsonResult done)
{
    m_store.writer().enqueue(std::move(op), [this, answer, done](bool ok) {
        m_auth.forgetMemberships();
        if (!ok)
            return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("the change could not be stored"),
                {{QStringLiteral("retryAfter"), 1}}));
        done(answer);
    });
}

void WorkspaceService::create(const Principal &p, const QJsonObject &body, JsonResult done)
{
    if (p.userId.isEmpty())
        return done(ApiError::make(ErrorCode::Forbidden, QStringLiteral("only a person can own a workspace")));
    const auto name = textField(body, QStringLiteral("name"), 200, true);
    if (!name)
        return done(name.error());
    const auto region = textField(body, QStringLiteral("defaultRegion"), 64, false);
    if (!region)
        return done(region.error());
    if (IdentityRepository::workspacesOf(m_store.reader(), p.userId).size() >= 100)
        return done(ApiError::conflict(QStringLiteral("a person may be a member of at most 100 workspaces")));
    WorkspaceRecord w;
    w.id = Ulid::withPrefix(QStringLiteral("ws"));
    w.name = name.value();
    w.defaultRegion = region.value();
    w.plan = QStringLiteral("hobby");
    w.createdAt = w.updatedAt = nowMs();
    w.role = QStringLiteral("owner");
    const QString userId = p.userId;
    commit(
        [w, userId](SqlSession &s) {
            return IdentityRepository::insertWorkspace(s, w.id, w.name, w.createdAt)
                && IdentityRepository::updateWorkspace(s, w)
                && IdentityRepository::insertMember(s, w.id, userId, QStringLiteral("owner"), w.createdAt);
        },
        workspaceJson(w), done);
}

Result<QJsonObject> WorkspaceService::list(const Principal &p) const
{
    QJsonArray out;
    if (p.kind == Principal::Kind::User) {
        for (const auto &w : IdentityRepository::workspacesOf(m_store.reader(), p.userId))
            out.append(workspaceJson(w));
    } else if (auto w = IdentityRepository::workspace(m_store.reader(), p.workspaceId)) {
        w->role = Principal::roleName(p.role);
        out.append(workspaceJson(*w));
    }
    return QJsonObject {{QStringLiteral("workspaces"), out}};
}

Result<QJsonObject> WorkspaceService::get(const Principal &p, const QString &id) const
{
    const auto in = actingIn(p, id);
    if (!in)
        return in.error();
    auto w = IdentityRepository::workspace(m_store.reader(), id);
    if (!w)
        return noWorkspace(id);
    w->role = Principal::roleName(in.value().role);
    return workspaceJson(*w);
}

void WorkspaceService::update(const Principal &p, const QString &id, const QJsonObject &body, JsonResult done)
{
    const auto in = actingIn(p, id);
    if (!in)
        return done(in.error());
    if (const Status st = Access::require(in.value(), Permission::EditWorkspace); !st)
        return done(st.error());
    auto w = IdentityRepository::workspace(m_store.reader(), id);
    if (!w)
        return done(noWorkspace(id));
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != QLatin1String("name") && it.key() != QLatin1String("defaultRegion")
            && it.key() != QLatin1String("plan"))
            return done(ApiError::validation(
                {{it.key(), QStringLiteral("unknown field; name, defaultRegion and plan can change")}}));
    }
    if (body.contains(QStringLiteral("name"))) {
        const auto name = textField(body, QStringLiteral("name"), 200, true);
        if (!name)
            return done(name.error());
        w->name = name.value();
    }
    if (body.contains(QStringLiteral("defaultRegion"))) {
        const auto region = textField(body, QStringLiteral("defaultRegion"), 64, false);
        if (!region)
            return done(region.error());
        w->defaultRegion = region.value();
    }
    if (body.contains(QStringLiteral("plan"))) {
        if (const Status st = Access::require(in.value(), Permission::ManageBilling); !st)
            return done(st.error());
        const QString plan = body.value(QStringLiteral("plan")).toString();
        if (!isPlan(plan))
            return done(ApiError::validation(
                {{QStringLiteral("plan"), QStringLiteral("one of hobby, payg, team, enterprise")}}));
        w->plan = plan;
    }
    w->updatedAt = nowMs();
    w->role = Principal::roleName(in.value().role);
    const WorkspaceRecord rec = *w;
    commit([rec](SqlSession &s) { return IdentityRepository::updateWorkspace(s, rec); }, workspaceJson(rec), done);
}

void WorkspaceService::invite(const Principal &p, const QString &id, const QJsonObject &body, JsonResult done)
{
    const auto in = actingIn(p, id);
    if (!in)
        return done(in.error());
    const QString email = AccountService::normalizeEmail(body.value(QStringLiteral("email")).toString());
    const QString role = body.value(QStringLiteral("role")).toString(QStringLiteral("member"));
    QJsonObject fields;
    if (!AccountService::isEmail(email))
        fields.insert(QStringLiteral("email"), QStringLiteral("a valid email address is required"));
    if (!Principal::isRoleName(role))
        fields.insert(QStringLiteral("role"), QStringLiteral("one of owner, admin, member"));
    if (!fields.isEmpty())
        return done(ApiError::validation(fields));
    const Permission need = role == QLatin1String("owner") ? Permission::InviteOwners : Permission::InviteMembers;
    if (const Status st = Access::require(in.value(), need); !st)
        return done(st.error());
    SqlSession &r = m_store.reader();
    const qint64 now = nowMs();
    if (const auto user = IdentityRepository::userByEmail(r, email)) {
        if (IdentityRepository::memberRole(r, id, user->id))
            return done(
                ApiError::conflict(QStringLiteral("%1 is already a member; change their role instead").arg(email)));
        const QString userId = user->id;
        commit([id, userId, role, now](
                   SqlSession &s) { return IdentityRepository::insertMember(s, id, userId, role, now); },
            {{QStringLiteral("workspaceId"), id}, {QStringLiteral("userId"), userId}, {QStringLiteral("email"), email},
                {QStringLiteral("role"), role}, {QStringLiteral("status"), QStringLiteral("active")},
                {QStringLiteral("createdAt"), isoTime(now)}},
            done);
        return;
    }
    if (IdentityRepository::invitations(r, id).size() >= 1000)
        return done(
            ApiError::conflict(QStringLiteral("this workspace has 1,000 pending invitations; remove some first")));
    const InvitationRecord inv {id, email, role, p.actor(), now};
    commit([inv](SqlSession &s) { return IdentityRepository::putInvitation(s, inv); },
        {{QStringLiteral("workspaceId"), id}, {QStringLiteral("email"), email}, {QStringLiteral("role"), role},
            {QStringLiteral("status"), QStringLiteral("invited")}, {QStringLiteral("createdAt"), isoTime(now)}},
        done);
}

Result<QJsonObject> WorkspaceService::members(const Principal &p, const QString &id) const
{
    const auto in = actingIn(p, id);
    if (!in)
        return in.error();
    QJsonArray members;
    for (const auto &m : IdentityRepository::members(m_store.reader(), id))
        members.append(QJsonObject {{QStringLiteral("userId"), m.userId}, {QStringLiteral("email"), m.email},
            {QStringLiteral("name"), m.name}, {QStringLiteral("role"), m.role},
            {QStringLiteral("status"), QStringLiteral("active")}, {QStringLiteral("createdAt"), isoTime(m.createdAt)}});
    QJsonArray invited;
    for (const auto &i : IdentityRepository::invitations(m_store.reader(), id))
        invited.append(QJsonObject {{QStringLiteral("email"), i.email}, {QStringLiteral("role"), i.role},
            {QStringLiteral("status"), QStringLiteral("invited")}, {QStringLiteral("invitedBy"), i.invitedBy},
            {QStringLiteral("createdAt"), isoTime(i.createdAt)}});
    return QJsonObject {{QStringLiteral("members"), members}, {QStringLiteral("invitations"), invited}};
}

void WorkspaceService::changeRole(
    const Principal &p, const QString &id, const QString &member, const QJsonObject &body, JsonResult done)
{
    const auto in = actingIn(p, id);
    if (!in)
        return done(in.error());
    const QString role = body.value(QStringLiteral("role")).toString();
    if (!Principal::isRoleName(role))
        return done(ApiError::validation({{QStringLiteral("role"), QStringLiteral("one of owner, admin, member")}}));
    if (const Status st = Access::require(in.value(), Permission::InviteOwners); !st)
        return done(st.error());
    SqlSession &r = m_store.reader();
    const auto current = IdentityRepository::memberRole(r, id, member.left(64));
    if (!current)
        return done(ApiError::notFound(QStringLiteral("no member %1 in this workspace").arg(member.left(64))));
    if (*current == QLatin1String("owner") && role != QLatin1String("owner")
        && IdentityRepository::ownerCount(r, id) <= 1)
        return done(
            ApiError::conflict(QStringLiteral("a workspace keeps at least one owner; make someone else owner first")));
    commit([id, member, role](SqlSession &s) { return IdentityRepository::setMemberRole(s, id, member, role); },
        {{QStringLiteral("workspaceId"), id}, {QStringLiteral("userId"), member}, {QStringLiteral("role"), role}},
        done);
}

void WorkspaceService::remove(const Principal &p, const QString &id, const QString &member, JsonResult done)
{
    const auto in = actingIn(p, id);
    if (!in)
        return done(in.error());
    SqlSession &r = m_store.reader();
    if (member.contains(QLatin1Char('@'))) {
        if (const Status st = Access::require(in.value(), Permission::InviteMembers); !st)
            return done(st.error());
        const QString email = AccountService::normalizeEmail(member);
        bool found = false;
        for (const auto &i : IdentityRepository::invitations(r, id))
            found = found || i.email == email;
        if (!found)
            return done(ApiError::notFound(QStringLiteral("no pending invitation for %1").arg(email.left(254))));
        commit([id, email](SqlSession &s) { return IdentityRepository::deleteInvitation(s, id, email); },
            {{QStringLiteral("workspaceId"), id}, {QStringLiteral("email"), email},
                {QStringLiteral("status"), QStringLiteral("removed")}},
            done);
        return;
    }
    const auto current = IdentityRepository::memberRole(r, id, member.left(64));
    if (!current)
        return done(ApiError::notFound(QStringLiteral("no member %1 in this workspace").arg(member.left(64))));
    const bool self = member == in.value().userId;
    if (!self) {
        const Permission need
            = *current == QLatin1String("owner") ? Permission::InviteOwners : Permission::InviteMembers;
        if (const Status st = Access::require(in.value(), need); !st)
            return done(st.error());
    }
    if (*current == QLatin1String("owner") && IdentityRepository::ownerCount(r, id) <= 1)
        return done(
            ApiError::conflict(QStringLiteral("a workspace keeps at least one owner; make someone else owner first")));
    const qint64 now = nowMs();
    m_auth.forgetKeysOf(id, member);
    commit(
        [id, member, now](SqlSession &s) {
            return IdentityRepository::removeMember(s, id, member)
                && IdentityRepository::revokeUserKeys(s, id, member, now);
        },
        {{QStringLiteral("workspaceId"), id}, {QStringLiteral("userId"), member},
            {QStringLiteral("status"), QStringLiteral("removed")}},
        done);
}

// The role table of the product brief, as code.
#include "Access.h"

Role Access::minimumRole(Permission p)
{
    switch (p) {
    case Permission::None:
    case Permission::ReadJobs:
    case Permission::SubmitJobs:
    case Permission::ManageOwnKeys:
    case Permission::AgentPlane:
        return Role::Member;
    case Permission::ManageAnyJob:
    case Permission::ManageAgents:
    case Permission::InviteMembers:
    case Permission::RevokeAnyKey:
    case Permission::ManageIntegrations:
    case Permission::ReadAudit:
    case Permission::EditWorkspace:
    case Permission::ReadBilling:
        return Role::Admin;
    case Permission::InviteOwners:
    case Permission::ManageBilling:
    case Permission::DeleteWorkspace:
        return Role::Owner;
    }
    return Role::Owner;
}

bool Access::allows(const Principal &who, Permission p)
{
    if (p == Permission::AgentPlane)
        return who.isNode();
    if (who.isNode())
        return false;
    return int(who.role) >= int(minimumRole(p));
}

Status Access::require(const Principal &who, Permission p)
{
    if (allows(who, p))
        return Ok {};
    if (p == Permission::AgentPlane)
        return ApiError::make(ErrorCode::Forbidden, QStringLiteral("this call takes a node key"));
    if (who.isNode())
        return ApiError::make(ErrorCode::Forbidden, QStringLiteral("a node key is only good for the agent plane"));
    const QString needed = Principal::roleName(minimumRole(p));
    return ApiError::make(ErrorCode::Forbidden,
        QStringLiteral("this needs the %1 role in the workspace; you are %2")
            .arg(needed, Principal::roleName(who.role)),
        {{QStringLiteral("requiredRole"), needed}, {QStringLiteral("role"), Principal::roleName(who.role)}});
}

const char *Access::name(Permission p)
{
    switch (p) {
    case Permission::None:
        return "none";
    case Permission::ReadJobs:
        return "read";
    case Permission::SubmitJobs:
        return "submit";
    case Permission::ManageOwnKeys:
        return "own-keys";
    case Permission::ManageAnyJob:
        return "any-job";
    case Permission::ManageAgents:
        return "agents";
    case Permission::InviteMembers:
        return "invite";
    case Permission::RevokeAnyKey:
        return "any-key";
    case Permission::ManageIntegrations:
        return "integrations";
    case Permission::ReadAudit:
        return "audit";
    case Permission::EditWorkspace:
        return "edit-workspace";
    case Permission::ReadBilling:
        return "billing-read";
    case Permission::InviteOwners:
        return "owners";
    case Permission::ManageBilling:
        return "billing";
    case Permission::DeleteWorkspace:
        return "delete-workspace";
    case Permission::AgentPlane:
        return "agent-plane";
    }
    return "?";
}

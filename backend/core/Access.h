// The role table: what a member, an admin and an owner of a workspace may do. Every endpoint names the
// permission it needs and is checked here, the one place the table exists; services add the finer
// "own job / anyone's job" and "own key / anyone's key" checks with the same permissions.
#pragma once

#include "ApiError.h"
#include "Principal.h"

enum class Permission {
    None, // signed in, nothing more (list own workspaces, create a workspace, log out)
    ReadJobs, // jobs, logs, agents, artifacts, events
    SubmitJobs, // submit; cancel/retry own jobs
    ManageOwnKeys, // create/list/revoke own API keys
    ManageAnyJob, // cancel/retry anyone's job
    ManageAgents, // drain, remove agents; register nodes
    InviteMembers, // invite members and admins, remove them
    RevokeAnyKey, // list and revoke others' keys
    ManageIntegrations, // webhooks, secrets, schedules
    ReadAudit, // read and export audit
    EditWorkspace, // rename, region
    ReadBilling,
    InviteOwners, // invite owners, change roles
    ManageBilling, // billing limits and checkout, plan
    DeleteWorkspace,
    AgentPlane, // node keys only: heartbeat, poll, results, logs
};

namespace Access {
Role minimumRole(Permission p);
bool allows(const Principal &who, Permission p);
// A 403 in the documented shape naming the role needed, or Ok.
Status require(const Principal &who, Permission p);
const char *name(Permission p);
}

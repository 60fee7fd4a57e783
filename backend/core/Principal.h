// Who is calling: the key (or later user) and the workspace it acts in, with its role there.
#pragma once

#include <QString>

enum class Role { Member = 1, Admin = 2, Owner = 3 };

struct Principal
{
    QString keyId;
    QString userId;
    QString nodeId;        // set when the caller is an agent using its own node key
    QString workspaceId;
    Role role = Role::Member;

    bool isNode() const { return !nodeId.isEmpty(); }
    bool atLeast(Role r) const { return !isNode() && int(role) >= int(r); }
    QString actor() const { return isNode() ? QStringLiteral("node:") + nodeId : QStringLiteral("key:") + keyId; }

    static QString roleName(Role r)
    {
        return r == Role::Owner ? QStringLiteral("owner") : r == Role::Admin ? QStringLiteral("admin") : QStringLiteral("member");
    }
    static Role parseRole(const QString &s)
    {
        return s == QLatin1String("owner") ? Role::Owner : s == QLatin1String("admin") ? Role::Admin : Role::Member;
    }
};

// Who is calling: a person (by access token), one of their API keys, or an agent's node key; the
// workspace the call acts in and the caller's role there. Quotas ride along for API keys.
#pragma once

#include <QString>
#include <QStringList>

enum class Role { Member = 1, Admin = 2, Owner = 3 };

struct Principal
{
    enum class Kind { User, Key, Node };
    Kind kind = Kind::Key;
    QString keyId;         // the API key or node key used (empty for an access token)
    QString userId;        // the person behind it (empty for node keys)
    QString nodeId;        // set when the caller is an agent using its own node key
    QString familyId;      // the login session of an access token
    QString workspaceId;
    QString plan;          // the workspace's plan (its request-rate limits)
    Role role = Role::Member;
    // the key's own quotas (0 / empty: none)
    int maxJobsPerHour = 0;
    int maxConcurrentJobs = 0;
    QStringList allowedJobTypes;

    bool isNode() const { return kind == Kind::Node; }
    bool atLeast(Role r) const { return !isNode() && int(role) >= int(r); }
    // Who acted, as jobs and history record it: a user's keys act as the user ("own jobs" are theirs).
    QString actor() const
    {
        if (isNode())
            return QStringLiteral("node:") + nodeId;
        return userId.isEmpty() ? QStringLiteral("key:") + keyId : QStringLiteral("user:") + userId;
    }
    // The credential itself (audit, follower quotas): the key, or the login session.
    QString credential() const
    {
        return keyId.isEmpty() ? QStringLiteral("session:") + familyId : QStringLiteral("key:") + keyId;
    }
    // Whose request budget a call spends: a person's keys count as that person.
    QString rateSubject() const
    {
        if (isNode())
            return QStringLiteral("node:") + nodeId;
        return userId.isEmpty() ? QStringLiteral("key:") + keyId : QStringLiteral("user:") + userId;
    }

    static QString roleName(Role r)
    {
        return r == Role::Owner ? QStringLiteral("owner") : r == Role::Admin ? QStringLiteral("admin") : QStringLiteral("member");
    }
    static Role parseRole(const QString &s)
    {
        return s == QLatin1String("owner") ? Role::Owner : s == QLatin1String("admin") ? Role::Admin : Role::Member;
    }
    static bool isRoleName(const QString &s)
    {
        return s == QLatin1String("owner") || s == QLatin1String("admin") || s == QLatin1String("member");
    }
};

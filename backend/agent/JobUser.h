// The account a job runs as: resolved once (name -> uid, gid, supplementary groups) before any
// job is spawned, so the spawning child only makes raw set*id system calls (JobProcess).
#pragma once

#include <QList>
#include <QString>

#include <sys/types.h>

#include <optional>

struct JobUser
{
    QString name;
    uid_t uid = 0;
    gid_t gid = 0;
    QList<gid_t> groups; // supplementary groups, as initgroups(3) would set them (includes gid)

    // The account `name` (or a numeric uid) from the password database; nullopt and *error when unknown.
    static std::optional<JobUser> resolve(const QString &name, QString *error);
    // The agent's own effective user (jobs run as it when the agent is not root).
    static JobUser current();
    // True when running as this user needs set*id calls (the agent is someone else).
    bool needsSwitch() const;
};

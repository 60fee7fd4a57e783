// Password-database look-ups for the job user: getpwnam_r/getpwuid_r and getgrouplist, done on the
// agent's thread before spawning (none of them is async-signal-safe).
#include "JobUser.h"

#include <QByteArray>

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace {

std::optional<JobUser> fromPasswd(const passwd &pw)
{
    JobUser u;
    u.name = QString::fromLocal8Bit(pw.pw_name);
    u.uid = pw.pw_uid;
    u.gid = pw.pw_gid;
    int count = 32;
    std::vector<gid_t> groups;
    for (int tries = 0; tries < 8; ++tries) {
        groups.resize(size_t(count));
        const int want = count;
        if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) >= 0) {
            groups.resize(size_t(count));
            break;
        }
        if (count <= want) // no growth hint: give up on supplementary groups
            count = want * 2;
        groups.clear();
    }
    if (groups.empty())
        groups.push_back(pw.pw_gid);
    for (gid_t g : groups)
        u.groups.append(g);
    return u;
}

// getpw*_r with a growing buffer; returns false when the entry does not exist or cannot be read.
template <typename Lookup> bool lookup(Lookup call, passwd &pw, std::vector<char> &buf, int *err)
{
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    buf.resize(size > 0 ? size_t(size) : 4096);
    for (;;) {
        passwd *found = nullptr;
        const int rc = call(&pw, buf.data(), buf.size(), &found);
        if (rc == ERANGE && buf.size() < (1u << 20)) {
            buf.resize(buf.size() * 2);
            continue;
        }
        *err = rc;
        return rc == 0 && found;
    }
}

} // namespace

std::optional<JobUser> JobUser::resolve(const QString &name, QString *error)
{
    passwd pw {};
    std::vector<char> buf;
    int err = 0;
    const QByteArray n = name.toLocal8Bit();
    bool found = !n.isEmpty()
        && lookup([&](passwd *p, char *b, size_t s, passwd **r) { return ::getpwnam_r(n.constData(), p, b, s, r); }, pw,
            buf, &err);
    bool isNumber = false;
    const uint uid = name.toUInt(&isNumber);
    if (!found && isNumber)
        found = lookup([&](passwd *p, char *b, size_t s, passwd **r) { return ::getpwuid_r(uid_t(uid), p, b, s, r); },
            pw, buf, &err);
    if (!found) {
        *error = err
            ? QStringLiteral("cannot look up user %1: %2").arg(name, QString::fromLocal8Bit(std::strerror(err)))
            : QStringLiteral("no such user: %1").arg(name);
        return std::nullopt;
    }
    return fromPasswd(pw);
}

JobUser JobUser::current()
{
    passwd pw {};
    std::vector<char> buf;
    int err = 0;
    const uid_t me = ::geteuid();
    if (lookup([&](passwd *p, char *b, size_t s, passwd **r) { return ::getpwuid_r(me, p, b, s, r); }, pw, buf, &err)) {
        JobUser u = *fromPasswd(pw);
        u.gid = ::getegid(); // the agent's actual identity, not the database's idea of it
        return u;
    }
    JobUser u;
    u.name = QString::number(me);
    u.uid = me;
    u.gid = ::getegid();
    u.groups = {u.gid};
    return u;
}

bool JobUser::needsSwitch() const
{
    return uid != ::geteuid() || gid != ::getegid();
}

// A job's working directory (made without following links, owned by the job user) and its
// environment (a fixed list and the job's own, nothing of the agent's).
#include "JobWorkspace.h"

#include <QDebug>
#include <QDir>
#include <QFile>
#include <QMap>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// The agent's locale and time zone, read once (they do not change while it runs).
struct AgentLocale
{
    QByteArray lang;
    QByteArray lcAll;
    QByteArray tz;
};
const AgentLocale &agentLocale()
{
    static const AgentLocale l {qEnvironmentVariableIsEmpty("LANG") ? QByteArrayLiteral("C.UTF-8") : qgetenv("LANG"),
        qgetenv("LC_ALL"), qgetenv("TZ")};
    return l;
}

const JobUser &agentUser()
{
    static const JobUser u = JobUser::current();
    return u;
}

QByteArray randomSuffix()
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    QByteArray out(16, 'a');
    quint64 bits = QRandomGenerator::system()->generate64();
    for (char &c : out) {
        c = alphabet[bits & 31];
        bits >>= 5;
        if (bits == 0)
            bits = QRandomGenerator::system()->generate64();
    }
    return out;
}

QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

} // namespace

QString JobWorkspace::safeName(const QString &s)
{
    QString out;
    for (QChar c : s)
        out += (c.isLetterOrNumber() && c.unicode() < 128) || c == u'-' || c == u'_' ? c : QChar(u'_');
    return out.isEmpty() ? QStringLiteral("job") : out.left(64);
}

// Made with mkdirat/openat(O_NOFOLLOW) from the root down, so a symlink a job planted in its
// directory cannot lead the agent (root) into creating or chowning anything outside workRoot.
bool JobWorkspace::prepare(const JobProcess::Spec &spec, bool switchUser, Dir &out, QString *error)
{
    const QString root
        = QDir::cleanPath(QDir(spec.workRoot.isEmpty() ? QDir::tempPath() : spec.workRoot).absolutePath());
    if (!QDir().mkpath(root)) {
        *error = tr("cannot create work root %1").arg(root);
        return false;
    }
    const int rootFd = ::open(QFile::encodeName(root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootFd < 0) {
        *error = tr("cannot open work root %1: %2").arg(root, errnoText(errno));
        return false;
    }
    const uid_t uid = switchUser ? spec.user->uid : uid_t(-1);
    const gid_t gid = switchUser ? spec.user->gid : gid_t(-1);
    // Enters (creating when missing) one component below fd; the job user owns what we create.
    const auto enter = [&](int fd, const QByteArray &name, bool *created) {
        *created = ::mkdirat(fd, name.constData(), 0700) == 0;
        if (!*created && errno != EEXIST)
            return -1;
        const int sub = ::openat(fd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0 && *created && switchUser && (::fchown(sub, uid, gid) != 0 || ::fchmod(sub, 0700) != 0)) {
            ::close(sub);
            return -1;
        }
        return sub;
    };

    int fd = -1;
    if (!spec.workingDir.isEmpty()) {
        const QString rel = QDir(root).relativeFilePath(QDir::cleanPath(QDir(root).absoluteFilePath(spec.workingDir)));
        if (rel.isEmpty() || rel == QLatin1String(".") || rel.startsWith(QLatin1String(".."))
            || QDir::isAbsolutePath(rel)) {
            ::close(rootFd);
            *error = tr("cannot create working directory %1: not inside %2").arg(spec.workingDir, root);
            return false;
        }
        fd = ::dup(rootFd);
        for (const QString &part : rel.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            bool created = false;
            const int sub = fd < 0 ? -1 : enter(fd, QFile::encodeName(part), &created);
            const int err = errno;
            if (fd >= 0)
                ::close(fd);
            fd = sub;
            if (fd < 0) {
                ::close(rootFd);
                *error = tr("cannot create working directory %1: %2").arg(spec.workingDir, errnoText(err));
                return false;
            }
        }
        out.path = root + QLatin1Char('/') + rel;
    } else {
        // An unguessable name: the jobs root is not listable by the job user (0711).
        for (int tries = 0; fd < 0 && tries < 8; ++tries) {
            const QByteArray name
                = QStringLiteral("%1-%2-").arg(safeName(spec.jobId)).arg(spec.attempt).toUtf8() + randomSuffix();
            bool created = false;
            fd = enter(rootFd, name, &created);
            if (fd >= 0 && !created) { // a name clash: never reuse someone else's directory
                ::close(fd);
                fd = -1;
                errno = EEXIST;
                continue;
            }
            if (fd < 0 && errno != EEXIST)
                break;
            if (fd >= 0)
                out.path = root + QLatin1Char('/') + QString::fromUtf8(name);
        }
        if (fd < 0) {
            const int err = errno;
            ::close(rootFd);
            *error = tr("cannot create working directory under %1: %2").arg(root, errnoText(err));
            return false;
        }
        out.fresh = true;
    }
    ::close(rootFd);
    bool created = false;
    const int tmp = enter(fd, QByteArrayLiteral("tmp"), &created); // TMPDIR
    if (tmp >= 0)
        ::close(tmp);
    out.fd = fd;
    return true;
}

// Nothing of the agent's environment: a fixed list (README, "The job's environment") and the job's own.
QList<QByteArray> JobWorkspace::environment(const JobProcess::Spec &spec, const QString &workingDir)
{
    QMap<QByteArray, QByteArray> env;
    const AgentLocale &locale = agentLocale();
    const QByteArray dir = QFile::encodeName(workingDir);
    const QByteArray user = (spec.user ? spec.user->name : agentUser().name).toUtf8();
    env.insert("PATH", kDefaultPath);
    env.insert("HOME", dir);
    env.insert("TMPDIR", dir + "/tmp");
    env.insert("USER", user);
    env.insert("LOGNAME", user);
    env.insert("LANG", locale.lang);
    if (!locale.lcAll.isEmpty())
        env.insert("LC_ALL", locale.lcAll);
    if (!locale.tz.isEmpty())
        env.insert("TZ", locale.tz);
    env.insert("TANVRIT_JOB_ID", spec.jobId.toUtf8());
    env.insert("TANVRIT_ATTEMPT", QByteArray::number(spec.attempt));
    for (const QString &name : spec.passEnv) {
        const QByteArray n = name.toUtf8();
        if (qEnvironmentVariableIsSet(n.constData()))
            env.insert(n, qgetenv(n.constData()));
    }
    for (auto it = spec.env.cbegin(); it != spec.env.cend(); ++it) {
        const QByteArray key = it.key().toUtf8();
        if (!key.isEmpty() && !key.contains('=') && !key.contains('\0'))
            env.insert(key, it.value().toUtf8());
    }
    QList<QByteArray> out;
    out.reserve(env.size());
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        out.append(it.key() + '=' + it.value());
    return out;
}

void JobWorkspace::giveBack(int dirFd, const QString &path)
{
    if (dirFd >= 0 && (::fchown(dirFd, ::geteuid(), ::getegid()) != 0 || ::fchmod(dirFd, 0700) != 0))
        qWarning().noquote() << "agent: cannot take back" << path << ":" << errnoText(errno);
}

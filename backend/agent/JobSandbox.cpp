// Job user, jobs directory and cgroup subtree of an agent. A root agent's jobs run as an unprivileged
// user in a root-owned 0711 directory outside the agent's private work dir (README: "Job isolation").
#include "JobSandbox.h"

#include <QCryptographicHash>
#include <QDebug>
#include <QDir>
#include <QFile>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr double kGib = 1024.0 * 1024.0 * 1024.0;
// What a container engine's client needs from the agent's environment.
const QStringList kEngineEnv {QStringLiteral("HOME"), QStringLiteral("DOCKER_HOST"), QStringLiteral("DOCKER_CONFIG"),
    QStringLiteral("DOCKER_CERT_PATH"), QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("CONTAINER_HOST"),
    QStringLiteral("CONTAINERS_CONF"), QStringLiteral("XDG_RUNTIME_DIR")};

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

QString octal(mode_t m)
{
    return QStringLiteral("%1").arg(uint(m & 07777), 4, 8, QLatin1Char('0'));
}

} // namespace

QString JobSandbox::keyFor(const QString &workDir)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(QDir::cleanPath(workDir).toUtf8(), QCryptographicHash::Sha256).toHex().left(12));
}

CgroupLimits JobSandbox::limitsFor(const QJsonObject &resources, int pidsMax)
{
    CgroupLimits l;
    const double memGib = resources.value(QStringLiteral("memGib")).toDouble();
    if (memGib > 0 && memGib <= 1e6)
        l.memoryBytes = qMax<qint64>(4096, qint64(std::llround(memGib * kGib)));
    const double cpu = resources.value(QStringLiteral("cpu")).toDouble();
    if (cpu > 0 && cpu <= 1e5)
        l.cpus = cpu;
    l.pidsMax = qMax(0, pidsMax);
    return l;
}

bool JobSandbox::setUp(const Options &options, const QString &workDir, QString *error)
{
    m_options = options;
    m_agentUser = JobUser::current();
    const bool root = ::geteuid() == 0;
    if (root) {
        const QString name = options.jobUser.isEmpty() ? QStringLiteral("nobody") : options.jobUser;
        const std::optional<JobUser> u = JobUser::resolve(name, error);
        if (!u)
            return false;
        m_user = *u;
        if (m_user.uid == 0)
            qWarning().noquote() << "agent: --job-user" << name << "is root: jobs can read and change everything";
    } else {
        m_user = m_agentUser;
        if (!options.jobUser.isEmpty()) {
            const std::optional<JobUser> u = JobUser::resolve(options.jobUser, error);
            if (!u)
                return false;
            if (u->uid != m_agentUser.uid) {
                *error = QStringLiteral("--job-user %1 needs the agent to run as root (it runs as %2)")
                             .arg(options.jobUser, m_agentUser.name);
                return false;
            }
        }
    }

    if (!options.jobsDir.isEmpty())
        m_jobsDir = QDir::cleanPath(QDir(options.jobsDir).absolutePath());
    else if (m_user.needsSwitch())
        m_jobsDir = QString::fromLatin1(kDefaultJobsBase) + QLatin1Char('/') + keyFor(workDir);
    else
        m_jobsDir = QDir::cleanPath(QDir(workDir).absoluteFilePath(QStringLiteral("jobs")));
    if (!prepareJobsDir(error))
        return false;

    QString why;
    m_cgroups = CgroupTree::open(keyFor(workDir), &why);
    if (m_cgroups) {
        const int stale = m_cgroups->sweep();
        qInfo().noquote() << QStringLiteral("agent: jobs run as %1 in %2, each in its own cgroup (%3) under %4%5")
                                 .arg(
                                     m_user.name, m_jobsDir, isolation(), m_cgroups->paths().join(QStringLiteral(", ")))
                                 .arg(stale ? QStringLiteral("; removed %1 left by an earlier run").arg(stale)
                                            : QString());
    } else {
        qWarning().noquote() << QStringLiteral("agent: jobs run as %1 in %2 WITHOUT cgroup isolation (%3): "
                                               "resources are not enforced and a job's escaped processes outlive it")
                                    .arg(m_user.name, m_jobsDir, why);
    }
    return true;
}

// A job user reaches its directory by absolute path (HOME, TMPDIR), so every ancestor must be
// searchable by others; and since the agent (root) writes in it, none may be writable by others.
bool JobSandbox::prepareJobsDir(QString *error)
{
    const bool shared = m_user.needsSwitch();
    const QStringList parts = m_jobsDir.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QString path;
    for (qsizetype i = 0; i <= parts.size(); ++i) {
        path = i == 0 ? QStringLiteral("/") : path + (i == 1 ? QString() : QStringLiteral("/")) + parts[i - 1];
        const QByteArray p = QFile::encodeName(path);
        struct stat st
        {
        };
        if (::lstat(p.constData(), &st) != 0) {
            if (errno != ENOENT || ::mkdir(p.constData(), shared ? 0711 : 0700) != 0
                || ::lstat(p.constData(), &st) != 0) {
                *error = QStringLiteral("cannot create the jobs directory %1: %2").arg(path, errnoText());
                return false;
            }
            if (shared && ::chmod(p.constData(), 0711) != 0) { // past the umask
                *error = QStringLiteral("cannot set the mode of %1: %2").arg(path, errnoText());
                return false;
            }
            ::lstat(p.constData(), &st);
        }
        if (S_ISLNK(st.st_mode) && i == parts.size()) {
            *error = QStringLiteral("the jobs directory %1 is a symbolic link").arg(path);
            return false;
        }
        if (S_ISLNK(st.st_mode) && ::stat(p.constData(), &st) != 0) { // an ancestor such as /var/run
            *error = QStringLiteral("cannot use %1: %2").arg(path, errnoText());
            return false;
        }
        if (!S_ISDIR(st.st_mode)) {
            *error = QStringLiteral("%1 is not a directory").arg(path);
            return false;
        }
        if (!shared)
            continue;
        const bool sticky = st.st_mode & S_ISVTX;
        if (st.st_uid != 0 || ((st.st_mode & 022) && !sticky)) {
            *error = QStringLiteral("the jobs directory %1 is not safe: %2 is owned by uid %3, mode %4 "
                                    "(needs root, not writable by others)")
                         .arg(m_jobsDir, path)
                         .arg(st.st_uid)
                         .arg(octal(st.st_mode));
            return false;
        }
        if (!(st.st_mode & S_IXOTH)) {
            *error = QStringLiteral("the jobs directory %1 is not reachable by %2: %3 is mode %4 (needs o+x)")
                         .arg(m_jobsDir, m_user.name, path, octal(st.st_mode));
            return false;
        }
    }
    // The directory itself: listable by root only; a job enters its own subdirectory by name.
    const int fd = ::open(QFile::encodeName(m_jobsDir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || ::fchmod(fd, shared ? 0711 : 0700) != 0) {
        *error = QStringLiteral("cannot set the mode of %1: %2").arg(m_jobsDir, errnoText());
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    ::close(fd);
    return true;
}

QString JobSandbox::isolation() const
{
    return m_cgroups ? m_cgroups->isolation() : QStringLiteral("none");
}

void JobSandbox::apply(JobProcess::Spec &spec, const QJsonObject &resources, bool asEngine) const
{
    spec.workRoot = m_jobsDir;
    spec.cgroups = m_cgroups;
    spec.limits = limitsFor(resources, m_options.pidsMax);
    if (!asEngine) {
        spec.user = m_user;
        return;
    }
    spec.user = m_agentUser;
    spec.passEnv = kEngineEnv; // the engine's client is the agent's own tool (its config lives in its HOME)
}

QStringList JobSandbox::containerLimitArgs(const QJsonObject &resources) const
{
    const CgroupLimits l = limitsFor(resources, m_options.pidsMax);
    QStringList args;
    if (l.memoryBytes > 0)
        args << QStringLiteral("--memory") << QString::number(l.memoryBytes) << QStringLiteral("--memory-swap")
             << QString::number(l.memoryBytes);
    if (l.cpus > 0)
        args << QStringLiteral("--cpus") << QString::number(l.cpus);
    if (l.pidsMax > 0)
        args << QStringLiteral("--pids-limit") << QString::number(l.pidsMax);
    return args;
}

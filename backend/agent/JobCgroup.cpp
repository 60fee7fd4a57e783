// cgroup v1/v2 file protocol for one job: mkdir + limit files, "0" into cgroup.procs from the child,
// kill by listing cgroup.procs (or cgroup.kill), usage from cpuacct/cpu.stat and memory peak files.
#include "JobCgroup.h"

#include <QDir>
#include <QFile>
#include <QSet>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
constexpr qint64 kCpuPeriodUs = 100000;
constexpr int kMaxKillRounds = 1000;

bool exists(const QString &path)
{
    return ::access(QFile::encodeName(path).constData(), F_OK) == 0;
}
} // namespace

JobCgroup::JobCgroup(Version version, QList<Dir> dirs, CgroupLimits limits)
    : m_version(version)
    , m_dirs(std::move(dirs))
    , m_limits(limits)
{
    for (const Dir &d : std::as_const(m_dirs))
        m_procsFiles.push_back(QFile::encodeName(d.path + QStringLiteral("/cgroup.procs")));
}

JobCgroup::~JobCgroup()
{
    if (m_created) {
        killAll();
        remove();
    }
}

QStringList JobCgroup::paths() const
{
    QStringList out;
    for (const Dir &d : m_dirs)
        out << d.path;
    return out;
}

QString JobCgroup::dirWith(const QString &controller) const
{
    for (const Dir &d : m_dirs) {
        if (m_version == Version::V2 || d.controllers.contains(controller))
            return d.path;
    }
    return QString();
}

bool JobCgroup::writeFile(const QString &path, const QByteArray &value, QString *error)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CLOEXEC);
    ssize_t n = -1;
    if (fd >= 0) {
        do {
            n = ::write(fd, value.constData(), size_t(value.size()));
        } while (n < 0 && errno == EINTR);
        const int err = errno;
        ::close(fd);
        errno = err;
    }
    if (n == value.size())
        return true;
    if (error)
        *error = QStringLiteral("cannot write %1 to %2: %3")
                     .arg(QString::fromUtf8(value.trimmed()), path, QString::fromLocal8Bit(std::strerror(errno)));
    return false;
}

// Plain read(2): these small kernel files are read several times per job.
QByteArray JobCgroup::readFile(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return QByteArray();
    QByteArray out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || out.size() > (1 << 24))
            break;
        out.append(buf, n);
    }
    ::close(fd);
    return out;
}

qint64 JobCgroup::keyedValue(const QByteArray &content, QByteArrayView key)
{
    for (const QByteArray &line : content.split('\n')) {
        if (line.startsWith(key) && line.size() > key.size() && line[key.size()] == ' ') {
            bool ok = false;
            const qint64 v = line.mid(key.size() + 1).trimmed().toLongLong(&ok);
            return ok ? v : -1;
        }
    }
    return -1;
}

QList<qint64> JobCgroup::pidsIn(const QString &dir)
{
    QList<qint64> out;
    for (const QByteArray &line : readFile(dir + QStringLiteral("/cgroup.procs")).split('\n')) {
        const qint64 pid = line.trimmed().toLongLong();
        if (pid > 0)
            out << pid;
    }
    return out;
}

bool JobCgroup::create(QString *error)
{
    for (qsizetype i = 0; i < m_dirs.size(); ++i) {
        const QByteArray p = QFile::encodeName(m_dirs[i].path);
        if (::mkdir(p.constData(), 0755) != 0 && errno != EEXIST) {
            *error = QStringLiteral("cannot create cgroup %1: %2")
                         .arg(m_dirs[i].path, QString::fromLocal8Bit(std::strerror(errno)));
            for (qsizetype j = 0; j < i; ++j)
                ::rmdir(QFile::encodeName(m_dirs[j].path).constData());
            return false;
        }
    }
    m_created = true;
    const auto fail = [this] {
        remove();
        m_created = false;
        return false;
    };
    const CgroupLimits &l = m_limits;
    if (m_version == Version::V1) {
        if (l.memoryBytes > 0) {
            const QString mem = dirWith(QStringLiteral("memory"));
            const QByteArray bytes = QByteArray::number(l.memoryBytes);
            if (!writeFile(mem + QStringLiteral("/memory.limit_in_bytes"), bytes, error))
                return fail();
            // memory+swap at the same limit: a job cannot use swap to go past its memory.
            const QString memsw = mem + QStringLiteral("/memory.memsw.limit_in_bytes");
            if (exists(memsw) && !writeFile(memsw, bytes, error))
                return fail();
        }
        if (l.cpus > 0) {
            const QString cpu = dirWith(QStringLiteral("cpu"));
            const qint64 quota = qMax<qint64>(1000, qint64(std::llround(l.cpus * kCpuPeriodUs)));
            // cpu.cfs_period_us of a new cgroup is the kernel's default, kCpuPeriodUs.
            if (!writeFile(cpu + QStringLiteral("/cpu.cfs_quota_us"), QByteArray::number(quota), error))
                return fail();
        }
        if (l.pidsMax > 0
            && !writeFile(
                dirWith(QStringLiteral("pids")) + QStringLiteral("/pids.max"), QByteArray::number(l.pidsMax), error))
            return fail();
        return true;
    }
    const QString dir = m_dirs.first().path;
    if (l.memoryBytes > 0) {
        if (!writeFile(dir + QStringLiteral("/memory.max"), QByteArray::number(l.memoryBytes), error))
            return fail();
        const QString swap = dir + QStringLiteral("/memory.swap.max");
        if (exists(swap))
            writeFile(swap, "0"); // best effort: without swap accounting the file is absent
    }
    if (l.cpus > 0) {
        const qint64 quota = qMax<qint64>(1000, qint64(std::llround(l.cpus * kCpuPeriodUs)));
        if (!writeFile(dir + QStringLiteral("/cpu.max"),
                QByteArray::number(quota) + ' ' + QByteArray::number(kCpuPeriodUs), error))
            return fail();
    }
    if (l.pidsMax > 0 && !writeFile(dir + QStringLiteral("/pids.max"), QByteArray::number(l.pidsMax), error))
        return fail();
    return true;
}

void JobCgroup::signalAll(int sig) const
{
    if (!m_created || m_dirs.isEmpty())
        return;
    for (qint64 pid : pidsIn(m_dirs.first().path))
        ::kill(pid_t(pid), sig);
}

void JobCgroup::killAll() const
{
    if (!m_created || m_dirs.isEmpty())
        return;
    const QString dir = m_dirs.first().path;
    if (m_version == Version::V2 && writeFile(dir + QStringLiteral("/cgroup.kill"), "1"))
        return; // the kernel kills every member, forks in flight included
    // v1: a process may fork between our read and our kill, so list again until nothing new shows up.
    QSet<qint64> killed;
    for (int round = 0; round < kMaxKillRounds; ++round) {
        bool fresh = false;
        for (qint64 pid : pidsIn(dir)) {
            if (!killed.contains(pid)) {
                ::kill(pid_t(pid), SIGKILL);
                killed.insert(pid);
                fresh = true;
            }
        }
        if (!fresh)
            return;
    }
}

CgroupUsage JobCgroup::usage() const
{
    CgroupUsage u;
    if (!m_created)
        return u;
    if (m_version == Version::V1) {
        const QString acct = dirWith(QStringLiteral("cpuacct"));
        if (!acct.isEmpty()) {
            bool ok = false;
            const qint64 ns = readFile(acct + QStringLiteral("/cpuacct.usage")).trimmed().toLongLong(&ok);
            if (ok)
                u.cpuSeconds = double(ns) / 1e9;
        }
        const QString mem = dirWith(QStringLiteral("memory"));
        if (!mem.isEmpty()) {
            bool ok = false;
            const qint64 peak = readFile(mem + QStringLiteral("/memory.max_usage_in_bytes")).trimmed().toLongLong(&ok);
            if (ok)
                u.peakMemoryBytes = peak;
            u.oomKills = qMax<qint64>(0, keyedValue(readFile(mem + QStringLiteral("/memory.oom_control")), "oom_kill"));
        }
        return u;
    }
    const QString dir = m_dirs.first().path;
    const qint64 usec = keyedValue(readFile(dir + QStringLiteral("/cpu.stat")), "usage_usec");
    if (usec >= 0)
        u.cpuSeconds = double(usec) / 1e6;
    bool ok = false;
    const qint64 peak = readFile(dir + QStringLiteral("/memory.peak")).trimmed().toLongLong(&ok);
    if (ok)
        u.peakMemoryBytes = peak;
    u.oomKills = qMax<qint64>(0, keyedValue(readFile(dir + QStringLiteral("/memory.events")), "oom_kill"));
    return u;
}

bool JobCgroup::remove()
{
    if (!m_created)
        return true;
    bool all = true;
    for (const Dir &d : std::as_const(m_dirs)) {
        if (::rmdir(QFile::encodeName(d.path).constData()) != 0 && errno != ENOENT)
            all = false;
    }
    if (all)
        m_created = false;
    return all;
}

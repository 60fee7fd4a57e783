// Finds where this process sits in the cgroup hierarchies (/proc/self/mountinfo, /proc/self/cgroup)
// and creates the agent's subtree there, so the host's own limits on the agent still cover its jobs.
#include "CgroupTree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const QStringList kV1Required {QStringLiteral("memory"), QStringLiteral("cpu"), QStringLiteral("pids")};
const QStringList kV1Optional {QStringLiteral("cpuacct")};
constexpr int kMaxPending = 1024;

struct Mount
{
    QString root; // the mount's root inside its hierarchy
    QString point;
    bool v2 = false;
    QStringList controllers; // v1 only
};

QList<Mount> cgroupMounts()
{
    QList<Mount> out;
    QFile f(QStringLiteral("/proc/self/mountinfo"));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        const qsizetype dash = parts.indexOf("-");
        if (dash < 5 || parts.size() <= dash + 3)
            continue;
        const QByteArray fstype = parts.value(dash + 1);
        if (fstype != "cgroup" && fstype != "cgroup2")
            continue;
        Mount m;
        m.root = QString::fromUtf8(parts[3]);
        m.point = QString::fromUtf8(parts[4]);
        m.v2 = fstype == "cgroup2";
        if (parts[5].split(',').contains("ro"))
            continue;
        for (const QByteArray &opt : parts.value(dash + 3).split(','))
            m.controllers << QString::fromUtf8(opt);
        out << m;
    }
    return out;
}

// controller list ("memory", "cpu,cpuacct", "" for v2) -> this process's path in that hierarchy
QHash<QString, QString> ownCgroups()
{
    QHash<QString, QString> out;
    QFile f(QStringLiteral("/proc/self/cgroup"));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const qsizetype a = line.indexOf(':');
        const qsizetype b = a < 0 ? -1 : line.indexOf(':', a + 1);
        if (b < 0)
            continue;
        for (const QByteArray &c : line.mid(a + 1, b - a - 1).split(','))
            out.insert(QString::fromUtf8(c), QString::fromUtf8(line.mid(b + 1)));
    }
    return out;
}

// The directory of `own` (a path inside the hierarchy) under the mount.
QString dirOf(const Mount &m, const QString &own)
{
    QString rel = own;
    if (m.root != QLatin1String("/") && (own == m.root || own.startsWith(m.root + QLatin1Char('/'))))
        rel = own.mid(m.root.size());
    const QString dir = QDir::cleanPath(m.point + QLatin1Char('/') + rel);
    return QFileInfo(dir).isDir() ? dir : m.point;
}

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

bool makeDirs(const QString &path, QString *why)
{
    if (QDir().mkpath(path))
        return true;
    *why = QStringLiteral("cannot create %1: %2").arg(path, errnoText());
    return false;
}

} // namespace

CgroupTree::CgroupTree(JobCgroup::Version version, QList<JobCgroup::Dir> dirs)
    : m_version(version)
    , m_dirs(std::move(dirs))
{
}

CgroupTree::~CgroupTree()
{
    m_pending.clear(); // each kills and removes itself
    for (const JobCgroup::Dir &d : std::as_const(m_dirs)) {
        // Both fail harmlessly while a child remains (another agent's subtree under tanvrit/).
        if (::rmdir(QFile::encodeName(d.path).constData()) == 0)
            ::rmdir(QFile::encodeName(QFileInfo(d.path).path()).constData());
    }
}

QString CgroupTree::isolation() const
{
    return m_version == JobCgroup::Version::V2 ? QStringLiteral("cgroup-v2") : QStringLiteral("cgroup-v1");
}

QStringList CgroupTree::paths() const
{
    QStringList out;
    for (const JobCgroup::Dir &d : m_dirs)
        out << d.path;
    return out;
}

std::shared_ptr<CgroupTree> CgroupTree::open(const QString &key, QString *why)
{
    if (::geteuid() != 0) {
        *why = QStringLiteral("the agent is not root");
        return nullptr;
    }
    QString v2Why;
    if (auto t = openV2(key, &v2Why))
        return t;
    QString v1Why;
    if (auto t = openV1(key, &v1Why))
        return t;
    *why = QStringLiteral("cgroup v2: %1; cgroup v1: %2").arg(v2Why, v1Why);
    return nullptr;
}

std::shared_ptr<CgroupTree> CgroupTree::openV2(const QString &key, QString *why)
{
    const QHash<QString, QString> own = ownCgroups();
    Mount mount;
    for (const Mount &m : cgroupMounts()) {
        if (m.v2)
            mount = m;
    }
    if (mount.point.isEmpty() || !own.contains(QString())) {
        *why = QStringLiteral("not mounted");
        return nullptr;
    }
    const QString base = dirOf(mount, own.value(QString()));
    const QStringList available
        = QString::fromUtf8(JobCgroup::readFile(base + QStringLiteral("/cgroup.controllers")).trimmed())
              .split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &c : kV1Required) {
        if (!available.contains(c)) {
            *why = QStringLiteral("controller %1 not available in %2").arg(c, base);
            return nullptr;
        }
    }
    const QByteArray enable = "+memory +cpu +pids";
    const QString subtree = base + QStringLiteral("/cgroup.subtree_control");
    if (!JobCgroup::writeFile(subtree, enable, why)) {
        // "No internal processes": a cgroup that holds processes cannot hand controllers to
        // children. Move this process into a leaf of its own (what a delegated service does).
        if (errno != EBUSY)
            return nullptr;
        const QString leaf = base + QStringLiteral("/tanvrit-agent-") + key;
        if (!makeDirs(leaf, why)
            || !JobCgroup::writeFile(leaf + QStringLiteral("/cgroup.procs"), QByteArray::number(::getpid()), why)
            || !JobCgroup::writeFile(subtree, enable, why))
            return nullptr;
    }
    const QString top = base + QStringLiteral("/tanvrit");
    const QString dir = top + QLatin1Char('/') + key;
    if (!makeDirs(dir, why) || !JobCgroup::writeFile(top + QStringLiteral("/cgroup.subtree_control"), enable, why)
        || !JobCgroup::writeFile(dir + QStringLiteral("/cgroup.subtree_control"), enable, why))
        return nullptr;
    return std::shared_ptr<CgroupTree>(new CgroupTree(JobCgroup::Version::V2, {{dir, {}}}));
}

std::shared_ptr<CgroupTree> CgroupTree::openV1(const QString &key, QString *why)
{
    const QHash<QString, QString> own = ownCgroups();
    QList<JobCgroup::Dir> dirs;
    QStringList covered;
    for (const Mount &m : cgroupMounts()) {
        if (m.v2)
            continue;
        QStringList used;
        for (const QString &c : m.controllers) {
            if ((kV1Required.contains(c) || kV1Optional.contains(c)) && !covered.contains(c))
                used << c;
        }
        if (used.isEmpty())
            continue;
        const QString dir = dirOf(m, own.value(used.first(), QStringLiteral("/"))) + QStringLiteral("/tanvrit/") + key;
        QString err;
        if (!makeDirs(dir, &err)) {
            if (kV1Required.contains(used.first())) {
                *why = err;
                for (const JobCgroup::Dir &d : std::as_const(dirs))
                    ::rmdir(QFile::encodeName(d.path).constData());
                return nullptr;
            }
            continue; // cpuacct is a nice-to-have
        }
        covered << used;
        dirs.append({dir, m.controllers});
    }
    for (const QString &c : kV1Required) {
        if (!covered.contains(c)) {
            *why = QStringLiteral("no writable %1 hierarchy").arg(c);
            for (const JobCgroup::Dir &d : std::as_const(dirs))
                ::rmdir(QFile::encodeName(d.path).constData());
            return nullptr;
        }
    }
    return std::shared_ptr<CgroupTree>(new CgroupTree(JobCgroup::Version::V1, dirs));
}

std::unique_ptr<JobCgroup> CgroupTree::makeJob(const QString &name, const CgroupLimits &limits) const
{
    QList<JobCgroup::Dir> dirs;
    for (const JobCgroup::Dir &d : m_dirs)
        dirs.append({d.path + QLatin1Char('/') + name, d.controllers});
    return std::make_unique<JobCgroup>(m_version, dirs, limits);
}

void CgroupTree::retire(std::unique_ptr<JobCgroup> cgroup)
{
    retryPending();
    if (!cgroup)
        return;
    cgroup->killAll();
    // SIGKILLed members take a moment to exit; a few 1 ms waits usually cover it.
    for (int i = 0; i < 10; ++i) {
        if (cgroup->remove())
            return;
        ::usleep(1000);
    }
    if (m_pending.size() >= kMaxPending)
        m_pending.erase(m_pending.begin()); // its destructor has one more go
    m_pending.push_back(std::move(cgroup));
}

void CgroupTree::retryPending()
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if ((*it)->remove())
            it = m_pending.erase(it);
        else
            ++it;
    }
}

int CgroupTree::sweep()
{
    QSet<QString> names;
    for (const JobCgroup::Dir &d : std::as_const(m_dirs)) {
        for (const QString &n : QDir(d.path).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            names.insert(n);
    }
    for (const QString &n : std::as_const(names)) {
        std::unique_ptr<JobCgroup> cg = makeJob(n, {});
        QString ignored;
        if (cg->create(&ignored)) // adopts the existing directories
            retire(std::move(cg));
    }
    return int(names.size());
}

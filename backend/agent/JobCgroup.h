// One job attempt's cgroup (a directory per hierarchy): its limits, the files the spawning child
// joins, signalling everything in it, its usage (CPU, peak memory, OOM kills) and its removal.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

struct CgroupLimits
{
    qint64 memoryBytes = 0; // 0: no limit
    double cpus = 0; // CPU quota in cores; 0: no quota
    int pidsMax = 0; // 0: no limit
};

struct CgroupUsage
{
    double cpuSeconds = -1; // -1: unknown
    qint64 peakMemoryBytes = -1;
    qint64 oomKills = 0;
};

class JobCgroup
{
public:
    enum class Version { V1, V2 };
    struct Dir
    {
        QString path;
        QStringList controllers; // v1: the hierarchy's controllers; v2: empty
    };

    JobCgroup(Version version, QList<Dir> dirs, CgroupLimits limits);
    ~JobCgroup(); // kills what is left and removes the directories (best effort)
    JobCgroup(const JobCgroup &) = delete;
    JobCgroup &operator=(const JobCgroup &) = delete;

    // Creates the directories and writes the limits; false and *error on failure (nothing left behind).
    bool create(QString *error);
    // "<dir>/cgroup.procs" of every hierarchy: the spawned child writes "0" into each before exec.
    const std::vector<QByteArray> &procsFiles() const { return m_procsFiles; }
    const CgroupLimits &limits() const { return m_limits; }

    // Sends sig to every process in the cgroup once.
    void signalAll(int sig) const;
    // SIGKILL until no process is left (cgroup.kill where the kernel has it); bounded rounds.
    void killAll() const;
    CgroupUsage usage() const;
    // rmdir of every directory; false while a process is still in one (try again later).
    bool remove();
    QStringList paths() const;

    static QList<qint64> pidsIn(const QString &dir); // cgroup.procs of one directory
    static bool writeFile(const QString &path, const QByteArray &value, QString *error = nullptr);
    static QByteArray readFile(const QString &path);
    // A "key value" line's value from a flat-keyed file such as memory.events or cpu.stat; -1 if absent.
    static qint64 keyedValue(const QByteArray &content, QByteArrayView key);

private:
    QString dirWith(const QString &controller) const;

    Version m_version;
    QList<Dir> m_dirs;
    CgroupLimits m_limits;
    std::vector<QByteArray> m_procsFiles;
    bool m_created = false;
};

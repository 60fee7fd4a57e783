// A sweep lists jobs/ on a pool thread and removes the agent's own job directories whose last change is
// older than the keep time (with keep 0: older than this process, i.e. left by an earlier run); the
// directories of this process's jobs are removed when they end (keep 0) or by a later sweep.
#include "WorkDirReaper.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace {
constexpr int kMaxSweepMs = 10 * 60 * 1000;
constexpr int kEndedBatchMs = 200; // keep 0: ends are gathered this long, then removed together

void removeAll(const QString &root, const QStringList &dirs)
{
    for (const QString &d : dirs) {
        // only a direct child of jobs/ made by the agent; removeRecursively does not follow symlinks
        const QFileInfo fi(d);
        if (fi.isSymLink() || QDir(fi.absolutePath()) != QDir(root) || !WorkDirReaper::isJobDirName(fi.fileName()))
            continue;
        QDir(d).removeRecursively();
    }
}
} // namespace

WorkDirReaper::WorkDirReaper(QString jobsRoot, int keepHours, std::function<QSet<QString>()> running, QObject *parent)
    : QObject(parent)
    , m_jobsRoot(std::move(jobsRoot))
    , m_keepHours(qMax(0, keepHours))
    , m_running(std::move(running))
{
    m_sweepTimer = new QTimer(this);
    connect(m_sweepTimer, &QTimer::timeout, this, &WorkDirReaper::sweep);
    m_endedTimer = new QTimer(this);
    m_endedTimer->setSingleShot(true);
    connect(m_endedTimer, &QTimer::timeout, this, &WorkDirReaper::removeEnded);
}

bool WorkDirReaper::isJobDirName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]+-[0-9]+-[A-Za-z0-9]{6,32}$"));
    return re.match(name).hasMatch();
}

void WorkDirReaper::start()
{
    m_startedAtSecs = QDateTime::currentSecsSinceEpoch();
    const qint64 keepMs = qint64(m_keepHours) * 3600 * 1000;
    m_sweepTimer->start(int(std::clamp<qint64>(keepMs / 4, 60 * 1000, kMaxSweepMs)));
    QTimer::singleShot(0, this, &WorkDirReaper::sweep);
}

void WorkDirReaper::jobEnded(const QString &dir)
{
    if (m_keepHours > 0 || dir.isEmpty())
        return; // a sweep takes it once it is old enough
    m_ended.append(dir);
    if (!m_endedTimer->isActive())
        m_endedTimer->start(kEndedBatchMs);
}

void WorkDirReaper::removeEnded()
{
    const QStringList dirs = std::exchange(m_ended, {});
    const QString root = m_jobsRoot;
    QThreadPool::globalInstance()->start([root, dirs] { removeAll(root, dirs); });
}

void WorkDirReaper::sweep()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    // keep 0: what this process's jobs leave is removed as they end; a sweep takes what earlier runs left
    const qint64 cutoff = m_keepHours > 0 ? now - qint64(m_keepHours) * 3600 : m_startedAtSecs;
    const QSet<QString> running = m_running ? m_running() : QSet<QString>();
    const QString root = m_jobsRoot;
    QThreadPool::globalInstance()->start([root, cutoff, running] {
        QStringList old;
        const QFileInfoList entries = QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
        for (const QFileInfo &fi : entries) {
            if (!WorkDirReaper::isJobDirName(fi.fileName()) || running.contains(fi.absoluteFilePath()))
                continue;
            if (fi.lastModified().toSecsSinceEpoch() < cutoff)
                old.append(fi.absoluteFilePath());
        }
        removeAll(root, old);
    });
}

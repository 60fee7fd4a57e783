// Removes finished jobs' working directories under <work-dir>/jobs once they are older than
// --keep-workdirs hours (0: as soon as the job ends). Runs on a timer and deletes on the thread pool, so
// neither a job's end nor the event loop waits for a large tree to go.
#pragma once

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

class QTimer;

class WorkDirReaper : public QObject
{
    Q_OBJECT

public:
    // running: the directories of jobs running now, never removed.
    WorkDirReaper(QString jobsRoot, int keepHours, std::function<QSet<QString>()> running, QObject *parent = nullptr);

    void start(); // a first sweep of what earlier runs left, then one every interval
    void setJobsRoot(const QString &jobsRoot) { m_jobsRoot = jobsRoot; } // before start()
    // A job that ran in a directory the agent made has ended (one it was given by name is left alone).
    void jobEnded(const QString &dir);
    int keepHours() const { return m_keepHours; }

    // Directory names the agent makes for jobs (<job>-<attempt>-<6 to 32 random letters and digits>): the only ones ever removed.
    static bool isJobDirName(const QString &name);

private:
    void sweep();
    void removeEnded();

    QString m_jobsRoot;
    int m_keepHours;
    std::function<QSet<QString>()> m_running;
    qint64 m_startedAtSecs = 0;
    QStringList m_ended; // keep 0: waiting for the next tick
    QTimer *m_sweepTimer = nullptr;
    QTimer *m_endedTimer = nullptr;
};

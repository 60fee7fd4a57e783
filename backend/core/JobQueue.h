// The QUEUED jobs, in the little memory placement needs: id, priority, when it was queued, and a profile
// (workspace, type, labels, resources, why it waits) shared by every queued job that asks for the same.
#pragma once

#include "Job.h"

#include <QHash>
#include <QString>
#include <map>
#include <memory>
#include <optional>

struct JobProfile
{
    QString workspaceId;
    QString type;
    QMap<QString, QString> labels;
    JobResources resources;
    QString pendingReason; // worked out by the scheduler; the same for every job of the profile
    QByteArray reasonJson; // `,"pendingReason":"…"`, spliced into the stored JSON of a queued job
    qint64 refs = 0; // queued (or taken) jobs that point here
    QString key;
};

struct QueuedJob
{
    QString id;
    int priority = 0;
    qint64 queuedAt = 0; // ms since epoch, when it (last) became QUEUED
    JobProfile *profile = nullptr;
};

class JobQueue
{
public:
    using Key = std::pair<int, QString>; // (-priority, id): higher priority first, then oldest (ids sort by age)
    struct Entry
    {
        qint64 queuedAt = 0;
        JobProfile *profile = nullptr;
    };
    using Order = std::map<Key, Entry>;

    JobQueue();
    ~JobQueue();
    JobQueue(const JobQueue &) = delete;
    JobQueue &operator=(const JobQueue &) = delete;

    // Adds a queued job; equal profiles are shared.
    void add(const QString &id, int priority, qint64 queuedAt, const QString &workspaceId, const QString &type,
        const QMap<QString, QString> &labels, const JobResources &resources);
    void add(const Job &job, qint64 queuedAt);
    bool contains(const QString &id) const { return m_priority.contains(id); }
    qsizetype size() const { return m_priority.size(); }
    const JobProfile *profileOf(const QString &id) const;

    // Takes a job out while a change of it is being stored; give it back (failure) or release it (success).
    std::optional<QueuedJob> take(const QString &id);
    void giveBack(const QueuedJob &job);
    void release(const QueuedJob &job);

    const Order &order() const { return m_order; }
    QList<JobProfile *> profiles() const;
    static void setReason(JobProfile &p, const QString &reason);

private:
    JobProfile *profileFor(const QString &workspaceId, const QString &type, const QMap<QString, QString> &labels,
        const JobResources &resources);
    void unref(JobProfile *p);

    Order m_order;
    QHash<QString, int> m_priority; // id -> priority, to find a job's place in m_order
    QHash<QString, JobProfile *> m_profiles;
};

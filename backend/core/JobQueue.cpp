// Profiles are reference-counted and dropped with their last job, so unique labels cost memory only
// while their jobs wait. The id string is shared (implicitly) between the order and the lookup table.
#include "JobQueue.h"

#include <QJsonDocument>
#include <QJsonObject>

JobQueue::JobQueue() = default;

JobQueue::~JobQueue()
{
    qDeleteAll(m_profiles);
}

JobProfile *JobQueue::profileFor(const QString &workspaceId, const QString &type, const QMap<QString, QString> &labels,
    const JobResources &resources)
{
    QString key = workspaceId + QChar(0x1f) + type + QChar(0x1f) + QString::number(resources.cpu) + QLatin1Char(',')
        + QString::number(resources.memGib) + QLatin1Char(',') + QString::number(resources.gpus);
    bool systemLabels = false; // schedules (part 4): system labels (tanvrit/…) do not constrain placement
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (JobSpec::isSystemLabel(it.key())) {
            systemLabels = true;
            continue;
        }
        key += QChar(0x1f) + it.key() + QChar(0x1e) + it.value();
    }
    JobProfile *&p = m_profiles[key];
    if (!p) {
        p = new JobProfile;
        p->workspaceId = workspaceId;
        p->type = type;
        p->labels = labels;
        for (auto it = p->labels.begin(); systemLabels && it != p->labels.end();)
            it = JobSpec::isSystemLabel(it.key()) ? p->labels.erase(it) : std::next(it);
        p->resources = resources;
        p->key = key;
    }
    ++p->refs;
    return p;
}

void JobQueue::unref(JobProfile *p)
{
    if (--p->refs > 0)
        return;
    m_profiles.remove(p->key);
    delete p;
}

void JobQueue::add(const QString &id, int priority, qint64 queuedAt, const QString &workspaceId, const QString &type,
    const QMap<QString, QString> &labels, const JobResources &resources)
{
    if (m_priority.contains(id))
        return;
    JobProfile *p = profileFor(workspaceId, type, labels, resources);
    m_priority.insert(id, priority);
    m_order.emplace(Key {-priority, id}, Entry {queuedAt, p});
}

void JobQueue::add(const Job &job, qint64 queuedAt)
{
    add(job.id, job.spec.priority, queuedAt, job.workspaceId, job.spec.type, job.spec.labels, job.spec.resources);
}

const JobProfile *JobQueue::profileOf(const QString &id) const
{
    const auto p = m_priority.constFind(id);
    if (p == m_priority.constEnd())
        return nullptr;
    const auto it = m_order.find(Key {-*p, id});
    return it == m_order.end() ? nullptr : it->second.profile;
}

std::optional<QueuedJob> JobQueue::take(const QString &id)
{
    const auto p = m_priority.constFind(id);
    if (p == m_priority.constEnd())
        return std::nullopt;
    const int priority = *p;
    const auto it = m_order.find(Key {-priority, id});
    QueuedJob out {id, priority, it->second.queuedAt, it->second.profile};
    m_order.erase(it);
    m_priority.erase(p);
    return out; // the profile keeps its reference until giveBack or release
}

void JobQueue::giveBack(const QueuedJob &job)
{
    if (m_priority.contains(job.id))
        return release(job);
    m_priority.insert(job.id, job.priority);
    m_order.emplace(Key {-job.priority, job.id}, Entry {job.queuedAt, job.profile});
}

void JobQueue::release(const QueuedJob &job)
{
    unref(job.profile);
}

QList<JobProfile *> JobQueue::profiles() const
{
    return m_profiles.values();
}

void JobQueue::setReason(JobProfile &p, const QString &reason)
{
    if (p.pendingReason == reason)
        return;
    p.pendingReason = reason;
    if (reason.isEmpty()) {
        p.reasonJson.clear();
        return;
    }
    const QByteArray obj
        = QJsonDocument(QJsonObject {{QStringLiteral("pendingReason"), reason}}).toJson(QJsonDocument::Compact);
    p.reasonJson = ',' + obj.mid(1, obj.size() - 2); // without the braces
}

// Slot accounting, start and end of job processes, and cancel/kill as the control plane asks.
#include "AgentJobs.h"

#include <QJsonArray>

namespace {
constexpr int kMaxDoneKeys = 4096;

QString round2(double v)
{
    return QString::number(v, 'f', 2);
}
} // namespace

AgentJobs::AgentJobs(AgentOutbox *outbox, const JobSpecBuilder *specBuilder, QObject *parent)
    : QObject(parent)
    , m_outbox(outbox)
    , m_specBuilder(specBuilder)
    , m_gpuAllocator({})
{
}

void AgentJobs::setGpus(const QList<GpuDevice> &gpus)
{
    QList<int> indexes;
    for (const GpuDevice &g : gpus)
        indexes.append(g.index);
    m_gpuAllocator = GpuAllocator(indexes);
    m_gpuCount = int(gpus.size());
}

int AgentJobs::stopAll()
{
    const int killed = int(m_running.size());
    for (const RunningJob &j : std::as_const(m_running)) {
        disconnect(j.process, nullptr, this, nullptr);
        m_gpuAllocator.release(AgentOutbox::key(j.jobId, j.attempt));
        delete j.process; // SIGKILL to the group, reaped
    }
    m_running.clear();
    for (const Finishing &f : std::as_const(m_finishing)) // artifacts (Part 1)
        delete f.uploader;
    m_finishing.clear();
    m_queue.clear();
    m_queuedKeys.clear();
    return killed;
}

QSet<QString> AgentJobs::runningDirs() const
{
    QSet<QString> out;
    for (const RunningJob &j : m_running)
        out.insert(j.process->workingDir());
    for (const Finishing &f : m_finishing) // artifacts (Part 1): still being read
        out.insert(f.dir);
    return out;
}

QList<QPair<QString, int>> AgentJobs::held() const
{
    QList<QPair<QString, int>> out;
    for (const RunningJob &j : m_running) {
        if (!j.killed)
            out.append({j.jobId, j.attempt});
    }
    for (const QJsonObject &a : m_queue)
        out.append({a.value(QStringLiteral("jobId")).toString(), a.value(QStringLiteral("attempt")).toInt(1)});
    for (const Finishing &f : m_finishing) // artifacts (Part 1): still running, as the server sees it
        out.append({f.jobId, f.attempt});
    return out;
}

void AgentJobs::assign(const QJsonArray &assignments, bool draining)
{
    for (const QJsonValue &v : assignments) {
        const QJsonObject a = v.toObject();
        const QString jobId = a.value(QStringLiteral("jobId")).toString();
        const int attempt = a.value(QStringLiteral("attempt")).toInt(1);
        if (jobId.isEmpty() || attempt < 1) {
            qWarning().noquote() << "agent: ignoring an assignment without jobId/attempt";
            continue;
        }
        const QString key = AgentOutbox::key(jobId, attempt);
        if (isKnown(key))
            continue; // re-sent until `started` reaches the server
        if (draining)
            qInfo().noquote() << "agent: assignment while draining (sent before the drain); running it job=" + jobId;
        m_queue.append(a);
        m_queuedKeys.insert(key);
    }
    startQueued();
}

void AgentJobs::startQueued()
{
    while (!m_queue.isEmpty() && m_running.size() < m_slots) {
        const QJsonObject a = m_queue.takeFirst();
        m_queuedKeys.remove(
            AgentOutbox::key(a.value(QStringLiteral("jobId")).toString(), a.value(QStringLiteral("attempt")).toInt(1)));
        start(a);
    }
}

void AgentJobs::start(const QJsonObject &a)
{
    const QString jobId = a.value(QStringLiteral("jobId")).toString();
    const int attempt = a.value(QStringLiteral("attempt")).toInt(1);
    const QString key = AgentOutbox::key(jobId, attempt);
    QString type = a.value(QStringLiteral("type")).toString();
    if (type.isEmpty())
        type = JobSpecBuilder::kCommand;
    if (!m_capabilities.contains(type)) {
        failUnstarted(jobId, attempt, JobState::Failed, tr("this agent does not run jobs of type %1").arg(type));
        return;
    }
    const int gpus = a.value(QStringLiteral("resources")).toObject().value(QStringLiteral("gpus")).toInt();
    QList<int> devices;
    if (gpus > 0) {
        const std::optional<QList<int>> got = m_gpuAllocator.allocate(key, gpus);
        if (!got) {
            failUnstarted(jobId, attempt, JobState::Failed,
                tr("needs %1 GPU(s); %2 of this agent's %3 are free")
                    .arg(gpus)
                    .arg(m_gpuAllocator.freeCount())
                    .arg(m_gpuCount));
            return;
        }
        devices = *got;
    }
    JobProcess::Spec spec;
    QString error;
    if (!m_specBuilder->build(a, type, devices, spec, &error)) {
        m_gpuAllocator.release(key);
        failUnstarted(jobId, attempt, JobState::Failed, error);
        return;
    }
    auto *p = new JobProcess(spec, this);
    connect(p, &JobProcess::linesReady, this, [this, key, jobId, attempt](const QList<LogLine> &lines) {
        const auto it = m_running.find(key);
        if (it != m_running.end() && !it->killed) {
            m_outbox->appendLines(jobId, attempt, lines);
            if (!lines.isEmpty())
                it->lastSeq = lines.last().seq; // artifacts (Part 1)
        }
    });
    connect(p, &JobProcess::finished, this, [this, key](const JobOutcome &o) { onFinished(key, o); });
    if (!p->start(&error)) {
        delete p;
        m_gpuAllocator.release(key);
        failUnstarted(jobId, attempt, JobState::Failed, error);
        return;
    }
    QStringList globs; // artifacts (Part 1): what to collect when it ends
    for (const QJsonValue &g : a.value(QStringLiteral("artifacts")).toArray())
        globs << g.toString();
    m_running.insert(key, RunningJob {jobId, attempt, p, false, spec.workingDir.isEmpty(), globs});
    m_outbox->begin(jobId, attempt, p->pid());
    qInfo().noquote() << QStringLiteral("agent: job started job=%1 attempt=%2 pid=%3 type=%4%5")
                             .arg(jobId)
                             .arg(attempt)
                             .arg(p->pid())
                             .arg(type)
                             .arg(devices.isEmpty()
                                     ? QString()
                                     : QStringLiteral(" gpus=") + GpuAllocator::cudaVisibleDevices(devices));
    Q_EMIT jobStarted(jobId);
}

void AgentJobs::onFinished(const QString &key, const JobOutcome &outcome)
{
    const auto it = m_running.find(key);
    if (it == m_running.end())
        return;
    const RunningJob job = *it;
    m_running.erase(it);
    job.process->deleteLater();
    m_gpuAllocator.release(key);
    rememberDone(key);
    const QString state = JobStates::name(outcome.state);
    if (job.killed) {
        m_outbox->drop(job.jobId, job.attempt);
        qInfo().noquote()
            << QStringLiteral("agent: job stopped (taken away) job=%1 attempt=%2").arg(job.jobId).arg(job.attempt);
    } else {
        QJsonObject result {{QStringLiteral("jobId"), job.jobId}, {QStringLiteral("attempt"), job.attempt},
            {QStringLiteral("state"), state},
            {QStringLiteral("exitCode"), outcome.exitCode ? QJsonValue(*outcome.exitCode) : QJsonValue()},
            {QStringLiteral("runtimeMs"), outcome.runtimeMs}, {QStringLiteral("cpuSeconds"), outcome.cpuSeconds},
            {QStringLiteral("error"), outcome.error}};
        if (outcome.peakMemoryBytes >= 0) // from the job's cgroup
            result.insert(QStringLiteral("peakMemoryBytes"), outcome.peakMemoryBytes);
        if (!outcome.message.isEmpty()) // the detail of a coded error (oom_killed: the limit)
            result.insert(QStringLiteral("message"), outcome.message);
        if (!uploadArtifacts(job, result)) // artifacts (Part 1): else reported once they are uploaded
            m_outbox->finish(job.jobId, job.attempt, result);
        qInfo().noquote() << QStringLiteral(
            "agent: job finished job=%1 attempt=%2 state=%3 exit=%4 runtimeMs=%5 cpu=%6 peakMiB=%7")
                                 .arg(job.jobId)
                                 .arg(job.attempt)
                                 .arg(state)
                                 .arg(outcome.exitCode ? QString::number(*outcome.exitCode) : QStringLiteral("-"))
                                 .arg(outcome.runtimeMs)
                                 .arg(round2(outcome.cpuSeconds))
                                 .arg(outcome.peakMemoryBytes >= 0 ? round2(outcome.peakMemoryBytes / 1048576.0)
                                                                   : QStringLiteral("-"));
    }
    if (job.ownDir && !m_finishing.contains(key))
        Q_EMIT jobDirEnded(job.process->workingDir());
    Q_EMIT jobFinished(job.jobId, state);
    startQueued();
    Q_EMIT slotFreed();
}

void AgentJobs::failUnstarted(const QString &jobId, int attempt, JobState state, const QString &error)
{
    rememberDone(AgentOutbox::key(jobId, attempt));
    const QString name = JobStates::name(state);
    m_outbox->finish(jobId, attempt,
        QJsonObject {{QStringLiteral("jobId"), jobId}, {QStringLiteral("attempt"), attempt},
            {QStringLiteral("state"), name}, {QStringLiteral("exitCode"), QJsonValue()},
            {QStringLiteral("runtimeMs"), 0}, {QStringLiteral("cpuSeconds"), 0}, {QStringLiteral("error"), error}});
    qWarning().noquote() << QStringLiteral("agent: job not started job=%1 attempt=%2 state=%3: %4")
                                .arg(jobId)
                                .arg(attempt)
                                .arg(name, error);
    Q_EMIT jobFinished(jobId, name);
}

QList<QString> AgentJobs::keysOf(const QString &jobId, int attempt) const
{
    if (attempt > 0)
        return {AgentOutbox::key(jobId, attempt)};
    QList<QString> keys; // no attempt given: every attempt of that job we hold
    for (const RunningJob &j : m_running) {
        if (j.jobId == jobId)
            keys.append(AgentOutbox::key(j.jobId, j.attempt));
    }
    for (const Finishing &f : m_finishing) // artifacts (Part 1)
        if (f.jobId == jobId)
            keys.append(AgentOutbox::key(f.jobId, f.attempt));
    for (const QJsonObject &a : m_queue) {
        if (a.value(QStringLiteral("jobId")).toString() == jobId)
            keys.append(AgentOutbox::key(jobId, a.value(QStringLiteral("attempt")).toInt(1)));
    }
    return keys;
}

void AgentJobs::cancel(const QString &jobId, int attempt)
{
    for (const QString &key : keysOf(jobId, attempt)) {
        const auto it = m_running.find(key);
        if (it != m_running.end() && !it->killed) {
            qInfo().noquote() << QStringLiteral("agent: cancelling job=%1 attempt=%2").arg(jobId).arg(it->attempt);
            it->process->cancel();
            continue;
        }
        if (unqueue(key))
            failUnstarted(jobId, key.section(QLatin1Char('#'), -1).toInt(), JobState::Cancelled,
                tr("cancelled before it started"));
        else if (attempt > 0 && !m_doneKeys.contains(key) && !m_outbox->contains(jobId, attempt))
            // the assignment never reached us: say so, or the job would wait in CANCELLING forever
            failUnstarted(jobId, attempt, JobState::Cancelled, tr("cancelled before it reached the agent"));
    }
}

void AgentJobs::kill(const QString &jobId, int attempt, const QString &why)
{
    for (const QString &key : keysOf(jobId, attempt)) {
        const int att = key.section(QLatin1Char('#'), -1).toInt();
        abortFinishing(key); // artifacts (Part 1)
        const auto it = m_running.find(key);
        if (it != m_running.end()) {
            if (!it->killed)
                qInfo().noquote()
                    << QStringLiteral("agent: killing job=%1 attempt=%2 (%3)").arg(jobId).arg(att).arg(why);
            it->killed = true;
            it->process->cancel();
        }
        unqueue(key);
        m_outbox->drop(jobId, att);
        rememberDone(key);
    }
}

void AgentJobs::killAll(const QString &why)
{
    const QList<RunningJob> running = m_running.values();
    for (const RunningJob &j : running)
        kill(j.jobId, j.attempt, why);
    for (const QString &key : m_finishing.keys()) // artifacts (Part 1)
        kill(m_finishing.value(key).jobId, m_finishing.value(key).attempt, why);
    for (const QString &key : std::as_const(m_queuedKeys))
        rememberDone(key);
    m_queue.clear();
    m_queuedKeys.clear();
}

bool AgentJobs::unqueue(const QString &key)
{
    if (!m_queuedKeys.remove(key))
        return false;
    m_queue.removeIf([&key](const QJsonObject &a) {
        return AgentOutbox::key(
                   a.value(QStringLiteral("jobId")).toString(), a.value(QStringLiteral("attempt")).toInt(1))
            == key;
    });
    return true;
}

bool AgentJobs::isKnown(const QString &key) const
{
    if (m_running.contains(key) || m_queuedKeys.contains(key) || m_doneKeys.contains(key))
        return true;
    return m_outbox->contains(key.section(QLatin1Char('#'), 0, -2), key.section(QLatin1Char('#'), -1).toInt());
}

void AgentJobs::rememberDone(const QString &key)
{
    if (m_doneKeys.contains(key))
        return;
    m_doneKeys.insert(key);
    m_doneOrder.enqueue(key);
    while (m_doneOrder.size() > kMaxDoneKeys)
        m_doneKeys.remove(m_doneOrder.dequeue());
}

int AgentJobs::freeSlots() const
{
    return m_slots - int(m_running.size()) - int(m_queue.size());
}

QString AgentJobs::gpuHolder(int deviceIndex) const
{
    return m_gpuAllocator.ownerOf(deviceIndex).section(QLatin1Char('#'), 0, 0);
}

// Artifacts (Part 1) of AgentJobs: after a job's process ends, its artifacts are collected and uploaded
// before its result is reported; lines about what was stored or refused go to the job's log.
#include "AgentJobs.h"
#include "ArtifactCollector.h"

#include <QDateTime>

bool AgentJobs::uploadArtifacts(const RunningJob &job, const QJsonObject &result)
{
    if (job.artifacts.isEmpty() || !m_uploads.nam)
        return false;
    const QString key = AgentOutbox::key(job.jobId, job.attempt);
    Finishing f {job.jobId, job.attempt, job.process->workingDir(), job.ownDir, job.lastSeq + 1, result, nullptr};
    const ArtifactCollection c = ArtifactCollector::collect(f.dir, job.artifacts);
    for (const QString &why : c.refused)
        appendArtifactLine(f, true, why);
    if (c.files.isEmpty()) {
        if (c.refused.isEmpty())
            appendArtifactLine(f, false, QStringLiteral("artifacts: no file matched"));
        return false;
    }
    f.uploader = new ArtifactUploader(m_uploads, job.jobId, c.files, this);
    connect(f.uploader, &ArtifactUploader::line, this, [this, key](bool isError, const QString &text) {
        const auto it = m_finishing.find(key);
        if (it != m_finishing.end())
            appendArtifactLine(*it, isError, text);
    });
    connect(f.uploader, &ArtifactUploader::done, this, [this, key] { artifactsDone(key); });
    m_finishing.insert(key, f);
    f.uploader->start();
    return true;
}

void AgentJobs::appendArtifactLine(Finishing &f, bool isError, const QString &text)
{
    LogLine l;
    l.seq = f.nextSeq++;
    l.tsMs = QDateTime::currentMSecsSinceEpoch();
    l.stderrStream = isError;
    l.text = text;
    m_outbox->appendLines(f.jobId, f.attempt, {l});
    (isError ? qWarning() : qInfo()).noquote() << QStringLiteral("agent: job=%1 %2").arg(f.jobId, text);
}

void AgentJobs::artifactsDone(const QString &key)
{
    const auto it = m_finishing.find(key);
    if (it == m_finishing.end())
        return;
    const Finishing f = *it;
    m_finishing.erase(it);
    f.uploader->deleteLater();
    m_outbox->finish(f.jobId, f.attempt, f.result);
    if (f.ownDir)
        Q_EMIT jobDirEnded(f.dir);
    Q_EMIT slotFreed(); // a drain may be waiting for this
}

bool AgentJobs::abortFinishing(const QString &key)
{
    const auto it = m_finishing.find(key);
    if (it == m_finishing.end())
        return false;
    const Finishing f = *it;
    m_finishing.erase(it);
    delete f.uploader; // its request in flight is aborted with it
    if (f.ownDir)
        Q_EMIT jobDirEnded(f.dir);
    return true;
}

// Artifacts: presigning, part uploads and downloads, retention. Parts are appended and flushed as they
// arrive, so a server holds at most one part of each upload in memory (the HTTP layer caps its size).
#include "ArtifactService.h"
#include "ArtifactRepository.h"
#include "JobRepository.h"
#include "JobService.h"
#include "Store.h"
#include "Ulid.h"
#include "Wire.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace {
QString nowIso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject toJson(const Artifact &a)
{
    return {{QStringLiteral("id"), a.id}, {QStringLiteral("name"), a.name}, {QStringLiteral("size"), a.size},
        {QStringLiteral("sha256"), a.sha256}, {QStringLiteral("createdAt"), nowIso(a.createdAtMs)},
        {QStringLiteral("attempt"), a.attempt}};
}

// A relative '/'-separated path without empty, "." or ".." segments or control characters.
bool isSafeName(const QString &name)
{
    if (name.isEmpty() || name.size() > ArtifactService::kMaxNameLength || name.startsWith(QLatin1Char('/')))
        return false;
    for (QChar c : name)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c == QLatin1Char('\\'))
            return false;
    for (const QString &seg : name.split(QLatin1Char('/')))
        if (seg.isEmpty() || seg == QLatin1String(".") || seg == QLatin1String(".."))
            return false;
    return true;
}

ApiError forbidden(const QString &why)
{
    return ApiError::make(ErrorCode::Forbidden, why);
}

ApiError tooLarge(const QString &why)
{
    return ApiError::make(ErrorCode::PayloadTooLarge, why);
}
}

ArtifactService::ArtifactService(Store &store, JobService &jobs, ArtifactLimits limits, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_jobs(jobs)
    , m_limits(limits)
    , m_root(store.dataDir() + QStringLiteral("/artifacts"))
{
    m_retention.setInterval(3600 * 1000);
    connect(&m_retention, &QTimer::timeout, this, &ArtifactService::runRetention);
}

bool ArtifactService::load(QString *error)
{
    if (!QDir().mkpath(m_root)) {
        *error = QStringLiteral("cannot create ") + m_root;
        return false;
    }
    QFile::setPermissions(m_root, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (!m_signer.load(m_store.dataDir() + QStringLiteral("/artifacts.key"), error))
        return false;
    m_retention.start();
    QTimer::singleShot(5000, this, &ArtifactService::runRetention);
    return true;
}

QString ArtifactService::blobPath(const QString &jobId, const QString &id) const
{
    return m_root + QLatin1Char('/') + jobId + QLatin1Char('/') + id;
}

Status ArtifactService::canRead(const Principal &p, const QString &jobId)
{
    if (!Wire::isId(jobId, QLatin1StringView("job")) || !JobRepository::job(m_store.reader(), p.workspaceId, jobId))
        return ApiError::notFound(QStringLiteral("no job %1").arg(jobId.left(64)));
    return Ok {};
}

void ArtifactService::presignUpload(const Principal &p, const QJsonObject &body, Reply done)
{
    Wire::Fields f(body);
    const auto jobId = f.id(QStringLiteral("jobId"), QLatin1StringView("job"), true);
    const auto name = f.string(QStringLiteral("name"), kMaxNameLength, true);
    const auto size = f.integer(QStringLiteral("size"), 0, std::numeric_limits<qint64>::max() / 2, true);
    const auto sha = f.string(QStringLiteral("sha256"), 64, true);
    if (name && !isSafeName(*name))
        f.add(QStringLiteral("name"), QStringLiteral("must be a relative path without '..', '.' or empty segments"));
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (sha && !hex.match(*sha).hasMatch())
        f.add(QStringLiteral("sha256"), QStringLiteral("must be 64 lower-case hex digits"));
    if (!f.ok())
        return done(ApiError::validation(f.errors()));
    // Whose attempt: a node uploads for the attempt it runs; a person for their own job's latest attempt.
    QString workspaceId;
    int attempt = 0;
    if (p.isNode()) {
        const JobPtr job = m_jobs.find(*jobId);
        if (!job || job->agentId != p.nodeId)
            return done(ApiError::notFound(QStringLiteral("job %1 is not running on this agent").arg(*jobId)));
        workspaceId = job->workspaceId;
        attempt = job->attempt;
    } else {
        const auto job = JobRepository::job(m_store.reader(), p.workspaceId, *jobId);
        if (!job)
            return done(ApiError::notFound(QStringLiteral("no job %1").arg(*jobId)));
        if (!p.atLeast(Role::Admin) && job->submittedBy != p.actor())
            return done(forbidden(QStringLiteral("only admins may add artifacts to other people's jobs")));
        workspaceId = job->workspaceId;
        attempt = job->attempt;
    }
    if (*size > m_limits.maxFileBytes)
        return done(tooLarge(QStringLiteral("the artifact is %1 bytes; the limit per file is %2")
                                 .arg(*size)
                                 .arg(m_limits.maxFileBytes)));
    const qint64 expiresAt = QDateTime::currentSecsSinceEpoch() + kUploadExpirySec;
    auto answer = [this, done, expiresAt](const Artifact &a, qint64 received) {
        done(QJsonObject {{QStringLiteral("artifactId"), a.id}, {QStringLiteral("jobId"), a.jobId},
            {QStringLiteral("url"), m_signer.presign("PUT", a.jobId, a.id, expiresAt)},
            {QStringLiteral("expiresIn"), kUploadExpirySec}, {QStringLiteral("received"), received}});
    };
    // The same file again (an agent retrying): the same artifact, from where it got to.
    if (const auto existing = ArtifactRepository::byName(m_store.reader(), *jobId, attempt, *name)) {
        if (existing->complete)
            return done(ApiError::conflict(QStringLiteral("artifact '%1' of this attempt is already stored").arg(*name),
                {{QStringLiteral("artifactId"), existing->id}}));
        if (existing->size != *size || existing->sha256 != *sha)
            return done(ApiError::conflict(
                QStringLiteral("artifact '%1' is being uploaded with another size or sha256").arg(*name)));
        const auto it = m_uploads.constFind(existing->id);
        const qint64 received = it != m_uploads.cend()
            ? it->received
            : QFileInfo(blobPath(*jobId, existing->id) + QStringLiteral(".part")).size();
        return answer(*existing, received);
    }
    int count = 0;
    const qint64 held = ArtifactRepository::jobBytes(m_store.reader(), *jobId, &count);
    if (count >= m_limits.maxPerJob)
        return done(tooLarge(QStringLiteral("a job keeps at most %1 artifacts").arg(m_limits.maxPerJob)));
    if (held + *size > m_limits.maxJobBytes)
        return done(tooLarge(QStringLiteral("the job's artifacts would take %1 bytes; the limit per job is %2")
                                 .arg(held + *size)
                                 .arg(m_limits.maxJobBytes)));
    Artifact a;
    a.id = Ulid::withPrefix(QStringLiteral("art"));
    a.jobId = *jobId;
    a.workspaceId = workspaceId;
    a.attempt = attempt;
    a.name = *name;
    a.size = *size;
    a.sha256 = *sha;
    a.createdAtMs = QDateTime::currentMSecsSinceEpoch();
    m_store.writer().enqueue([a](SqlSession &s) { return ArtifactRepository::insert(s, a); },
        [a, answer, done](bool ok) {
            if (!ok)
                return done(ApiError::conflict(QStringLiteral("could not record artifact '%1'").arg(a.name)));
            answer(a, 0);
        });
}

Result<QJsonObject> ArtifactService::presignDownload(
    const Principal &p, const QString &jobId, const QString &artifactId, const QString &name, int expiresIn)
{
    if (const Status st = canRead(p, jobId); !st)
        return st.error();
    std::optional<Artifact> a;
    if (!artifactId.isEmpty()) {
        a = ArtifactRepository::find(m_store.reader(), jobId, artifactId);
    } else {
        // by name (the newest attempt's), or the job's first artifact
        const QList<Artifact> all = ArtifactRepository::list(m_store.reader(), jobId, m_limits.maxPerJob);
        for (const Artifact &x : all)
            if (name.isEmpty() ? !a : x.name == name && (!a || x.attempt >= a->attempt))
                a = x;
    }
    if (!a || !a->complete)
        return ApiError::notFound(name.isEmpty() && artifactId.isEmpty()
                ? QStringLiteral("job %1 has no artifacts").arg(jobId)
                : QStringLiteral("job %1 has no artifact %2")
                      .arg(jobId, (artifactId.isEmpty() ? name : artifactId).left(128)));
    const int ttl = expiresIn > 0 ? expiresIn : kDownloadExpirySec;
    const qint64 expiresAt = QDateTime::currentSecsSinceEpoch() + ttl;
    QJsonObject o = toJson(*a);
    o.remove(QStringLiteral("id"));
    o.insert(QStringLiteral("jobId"), jobId);
    o.insert(QStringLiteral("artifactId"), a->id);
    o.insert(QStringLiteral("url"), m_signer.presign("GET", jobId, a->id, expiresAt));
    o.insert(QStringLiteral("expiresIn"), ttl);
    return o;
}

Result<QJsonArray> ArtifactService::list(const Principal &p, const QString &jobId)
{
    if (const Status st = canRead(p, jobId); !st)
        return st.error();
    QJsonArray out;
    for (const Artifact &a : ArtifactRepository::list(m_store.reader(), jobId, m_limits.maxPerJob))
        out.append(toJson(a));
    return out;
}

void ArtifactService::receivePart(const QString &jobId, const QString &id, const QString &expires,
    const QString &signature, const QByteArray &contentRange, const QByteArray &body, Reply done)
{
    if (const Status st = m_signer.verify("PUT", jobId, id, expires, signature, QDateTime::currentSecsSinceEpoch());
        !st)
        return done(st.error());
    const auto a = ArtifactRepository::find(m_store.reader(), jobId, id);
    if (!a)
        return done(ApiError::notFound(QStringLiteral("no artifact %1").arg(id)));
    if (a->complete)
        return done(ApiError::conflict(QStringLiteral("artifact %1 is already complete").arg(id)));
    qint64 first = 0, last = qint64(body.size()) - 1, total = body.size();
    if (!contentRange.isEmpty()) {
        static const QRegularExpression re(QStringLiteral("^bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})$"));
        const auto m = re.match(QString::fromLatin1(contentRange.trimmed()));
        if (!m.hasMatch())
            return done(ApiError::invalid(QStringLiteral("Content-Range must look like 'bytes FIRST-LAST/TOTAL'")));
        first = m.captured(1).toLongLong();
        last = m.captured(2).toLongLong();
        total = m.captured(3).toLongLong();
        if (last < first || last - first + 1 != body.size())
            return done(ApiError::invalid(QStringLiteral("Content-Range names %1 bytes; the body has %2")
                                              .arg(last - first + 1)
                                              .arg(body.size())));
    }
    if (total != a->size)
        return done(total > a->size
                ? tooLarge(QStringLiteral("the upload is %1 bytes; %2 were presigned").arg(total).arg(a->size))
                : ApiError::invalid(
                    QStringLiteral("the upload is %1 bytes; %2 were presigned").arg(total).arg(a->size)));
    const QString part = blobPath(jobId, id) + QStringLiteral(".part");
    auto it = m_uploads.find(id);
    if (it == m_uploads.end()) {
        // A restarted server (or the first part): what the .part file holds counts, hashed once.
        Upload u;
        u.hash = std::make_shared<QCryptographicHash>(QCryptographicHash::Sha256);
        QFile f(part);
        if (f.open(QIODevice::ReadOnly)) {
            u.hash->addData(&f);
            u.received = f.size();
        }
        it = m_uploads.insert(id, u);
    }
    if (first != it->received)
        return done(ApiError::conflict(QStringLiteral("expected the part starting at byte %1").arg(it->received),
            {{QStringLiteral("received"), it->received}}));
    if (!body.isEmpty() || it->received == 0) {
        QDir().mkpath(m_root + QLatin1Char('/') + jobId);
        QFile f(part);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Append) || f.write(body) != body.size() || !f.flush()) {
            f.close();
            f.resize(it->received); // a short write leaves nothing half-counted
            return done(ApiError::make(
                ErrorCode::Unavailable, QStringLiteral("could not store the part: %1").arg(f.errorString())));
        }
        it->hash->addData(body);
        it->received += body.size();
    }
    if (it->received < total)
        return done(QJsonObject {{QStringLiteral("received"), it->received}, {QStringLiteral("complete"), false}});
    const QString digest = QString::fromLatin1(it->hash->result().toHex());
    m_uploads.erase(it);
    if (digest != a->sha256) {
        QFile::remove(part);
        return done(ApiError::make(ErrorCode::ValidationFailed,
            QStringLiteral("the uploaded bytes have sha256 %1; %2 was presigned; send the file again")
                .arg(digest, a->sha256),
            {{QStringLiteral("fields"),
                QJsonObject {{QStringLiteral("sha256"), QStringLiteral("does not match the bytes")}}}}));
    }
    const QString final = blobPath(jobId, id);
    QFile::remove(final);
    if (!QFile::rename(part, final))
        return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("could not store the artifact")));
    const qint64 size = a->size;
    m_store.writer().enqueue([id](SqlSession &s) { return ArtifactRepository::markComplete(s, id); },
        [done, size](bool ok) {
            if (!ok)
                return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("could not record the artifact")));
            done(QJsonObject {{QStringLiteral("received"), size}, {QStringLiteral("complete"), true}});
        });
}

Result<ArtifactService::Download> ArtifactService::openDownload(
    const QString &jobId, const QString &id, const QString &expires, const QString &signature) const
{
    if (const Status st = m_signer.verify("GET", jobId, id, expires, signature, QDateTime::currentSecsSinceEpoch());
        !st)
        return st.error();
    const auto a = ArtifactRepository::find(const_cast<Store &>(m_store).reader(), jobId, id);
    if (!a || !a->complete || !QFileInfo::exists(blobPath(jobId, id)))
        return ApiError::notFound(QStringLiteral("artifact %1 is not stored (any more)").arg(id));
    return Download {blobPath(jobId, id), a->name, a->size, a->sha256};
}

void ArtifactService::removeJobFiles(const QString &jobId)
{
    QDir(m_root + QLatin1Char('/') + jobId).removeRecursively();
}

void ArtifactService::runRetention()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Uploads abandoned for a day (an agent that died mid-file) are dropped whatever the retention.
    for (const Artifact &a : ArtifactRepository::staleIncomplete(m_store.reader(), now - 86400 * 1000, 256)) {
        if (m_jobs.isUnfinished(a.jobId))
            continue;
        QFile::remove(blobPath(a.jobId, a.id) + QStringLiteral(".part"));
        m_uploads.remove(a.id);
        m_store.writer().enqueue([id = a.id](SqlSession &s) { return ArtifactRepository::remove(s, id); });
    }
    if (m_limits.retentionDays <= 0)
        return;
    const qint64 cutoff = now - qint64(m_limits.retentionDays) * 86400 * 1000;
    int removed = 0;
    for (const QString &jobId : ArtifactRepository::jobsOlderThan(m_store.reader(), cutoff, 256)) {
        if (m_jobs.isUnfinished(jobId))
            continue;
        removeJobFiles(jobId);
        m_store.writer().enqueue([jobId](SqlSession &s) { return ArtifactRepository::removeJob(s, jobId); });
        ++removed;
    }
    if (removed > 0)
        qInfo().noquote() << "artifact retention removed the artifacts of" << removed << "finished jobs";
}

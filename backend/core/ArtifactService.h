// The rules of artifacts (Part 1): who may presign what, the caps, the blob store under
// <data-dir>/artifacts/<jobId>/<artifactId>, uploads in parts appended to a .part file (sha256 checked when
// the last part lands, then renamed into place), downloads by signed URL, and retention with the job's logs.
#pragma once

#include "ApiError.h"
#include "Artifact.h"
#include "ArtifactSigner.h"
#include "Principal.h"

#include <QCryptographicHash>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

class Store;
class JobService;

struct ArtifactLimits
{
    qint64 maxFileBytes = 8LL << 30; // one artifact
    qint64 maxJobBytes = 32LL << 30; // all artifacts of one job
    int maxPerJob = 1000;
    int retentionDays = 30; // the job's logs' retention (0: keep)
};

class ArtifactService : public QObject
{
    Q_OBJECT
public:
    static constexpr int kUploadExpirySec = 3600;
    static constexpr int kDownloadExpirySec = 3600;
    static constexpr int kMaxNameLength = 512;

    ArtifactService(Store &store, JobService &jobs, ArtifactLimits limits, QObject *parent = nullptr);
    bool load(QString *error); // the blob directory and the signing key

    using Reply = std::function<void(Result<QJsonObject>)>;
    // body: jobId, name, size, sha256 -> {artifactId, url, expiresIn, received}. A node key may presign for
    // the attempt it runs; a person for their own job (admins: any job of the workspace).
    void presignUpload(const Principal &p, const QJsonObject &body, Reply done);
    // jobId + artifactId or name -> {jobId, artifactId, name, url, expiresIn}; name: the newest attempt's.
    Result<QJsonObject> presignDownload(
        const Principal &p, const QString &jobId, const QString &artifactId, const QString &name, int expiresIn);
    Result<QJsonArray> list(const Principal &p, const QString &jobId);

    // The signed URLs. A part is "bytes a-b/total" (no Content-Range: the whole file in one body).
    void receivePart(const QString &jobId, const QString &id, const QString &expires, const QString &signature,
        const QByteArray &contentRange, const QByteArray &body, Reply done);
    struct Download
    {
        QString path;
        QString name;
        qint64 size = 0;
        QString sha256;
    };
    Result<Download> openDownload(
        const QString &jobId, const QString &id, const QString &expires, const QString &signature) const;

    QString blobPath(const QString &jobId, const QString &id) const;
    void runRetention();

private:
    struct Upload
    {
        qint64 received = 0;
        std::shared_ptr<QCryptographicHash> hash;
    };
    Status canRead(const Principal &p, const QString &jobId);
    void removeJobFiles(const QString &jobId);

    Store &m_store;
    JobService &m_jobs;
    ArtifactLimits m_limits;
    QString m_root;
    ArtifactSigner m_signer;
    QHash<QString, Upload> m_uploads; // artifact id -> what arrived so far (rebuilt from the .part file)
    QTimer m_retention;
};

// Artifacts (Part 1): uploads one job attempt's collected files: hashes each (a few MiB per event-loop
// turn), presigns it with the node key, then PUTs it in parts read from the file one at a time, so
// memory stays at one part whatever the file's size. Reports each outcome as a log line, then done().
#pragma once

#include "AgentReply.h"
#include "ArtifactCollector.h"

#include <QCryptographicHash>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

class ArtifactUploader : public QObject
{
    Q_OBJECT
public:
    struct Context
    {
        QNetworkAccessManager *nam = nullptr;
        // A request for a path (and query) on the control plane; withKey adds the node key.
        std::function<QNetworkRequest(const QString &pathAndQuery, bool withKey)> request;
        qint64 partBytes = 4 << 20;
    };

    ArtifactUploader(Context ctx, QString jobId, QList<CollectedFile> files, QObject *parent = nullptr);
    void start();

Q_SIGNALS:
    void line(bool isError, const QString &text);
    void done();

private:
    void nextFile();
    void hashSome();
    void presign();
    void sendPart();
    void failFile(const QString &why);
    bool retryLater(const AgentReply &r, void (ArtifactUploader::*step)());

    Context m_ctx;
    QString m_jobId;
    QList<CollectedFile> m_files;
    int m_index = -1;
    QFile m_file;
    std::unique_ptr<QCryptographicHash> m_hash;
    QString m_sha256;
    QString m_uploadPath; // the signed PUT URL's path and query
    qint64 m_offset = 0;
    int m_retries = 0;
    QPointer<QNetworkReply> m_reply;
};

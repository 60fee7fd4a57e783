// Artifacts (Part 1): downloads one artifact through its signed link straight into a file as the bytes
// arrive (never the whole file in memory, never blocking the thread), checks size and sha256, and only
// then puts the file in place (QSaveFile): a failed or aborted download leaves nothing behind.
#pragma once

#include "ArtifactTypes.h"

#include <QCryptographicHash>
#include <QObject>
#include <QPointer>
#include <QSaveFile>
#include <memory>

class ComputeClient;
class QNetworkReply;

class ArtifactFetch : public QObject
{
    Q_OBJECT
public:
    ArtifactFetch(ComputeClient *client, QObject *parent = nullptr);
    ~ArtifactFetch() override;

    // `link` from ComputeClient::artifactLink; `targetPath` is written (replaced) only on success.
    void start(const ArtifactLink &link, const QString &targetPath);
    void abort();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void progress(qint64 received, qint64 total);
    void finished(bool ok, const QString &error); // once per start()

private:
    void onReadyRead();
    void onFinished();
    void fail(const QString &error);

    ComputeClient *m_client;
    ArtifactLink m_link;
    std::unique_ptr<QSaveFile> m_file;
    QCryptographicHash m_hash {QCryptographicHash::Sha256};
    QPointer<QNetworkReply> m_reply;
    qint64 m_received = 0;
    bool m_running = false;
};

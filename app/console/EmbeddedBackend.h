// The console's own control plane and local agent, each on its own thread, started without questions:
// data under the user's data location, 127.0.0.1:8080 (or a free port when that is taken), the owner key.
#pragma once

#include "JobSandbox.h"

#include <QHostAddress>
#include <QObject>
#include <QThread>
#include <QUrl>
#include <memory>

class LocalAgent;
class PlaneHost;

struct EmbeddedOptions
{
    QString dataDir; // empty: <GenericDataLocation>/tanvrit-compute, as `serve`
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8080;
    bool anyPortIfTaken = true;
    bool withAgent = true;
    int agentSlots = 0; // 0: one per CPU
    qint64 logMaxBytes = 1LL << 30; // a desktop keeps whole logs (1 GiB per attempt)
    int agentTimeoutSeconds = 90;
    static QString defaultDataDir();
};

class EmbeddedBackend : public QObject
{
    Q_OBJECT
public:
    explicit EmbeddedBackend(QObject *parent = nullptr);
    ~EmbeddedBackend() override;

    void start(const EmbeddedOptions &options);
    // Shuts the agent (its jobs end) and the control plane down; waits for their threads (a few seconds at most).
    void stop();
    bool isRunning() const { return m_running; }
    QUrl url() const { return m_url; }
    QString dataDir() const { return m_options.dataDir; }
    QString adminKeyPath() const;

signals:
    void progress(const QString &step);
    void ready(const QUrl &url, const QString &ownerKey);
    void failed(const QString &error);

private:
    void planeStarted(const QUrl &url, const QString &ownerKey);

    EmbeddedOptions m_options;
    QThread m_thread;
    PlaneHost *m_host = nullptr;
    std::unique_ptr<LocalAgent> m_agent;
    QUrl m_url;
    bool m_running = false;
};

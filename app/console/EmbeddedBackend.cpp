// The control plane lives on m_thread inside a PlaneHost created there; the agent on its own thread
// (LocalAgent). The GUI thread only sends queued calls and receives signals.
#include "EmbeddedBackend.h"
#include "ControlPlane.h"
#include "LocalAgent.h"
#include "Logging.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

class PlaneHost : public QObject
{
    Q_OBJECT
public:
    void start(const EmbeddedOptions &o)
    {
        ControlPlaneConfig cfg;
        cfg.dataDir = o.dataDir;
        cfg.address = o.address;
        cfg.port = o.port;
        cfg.agentTimeoutSeconds = o.agentTimeoutSeconds;
        cfg.server.logMaxBytes = o.logMaxBytes;
        QString error;
        if (!QDir().mkpath(cfg.dataDir)) {
            emit failed(tr("cannot create the data directory %1").arg(cfg.dataDir));
            return;
        }
        QFile::setPermissions(cfg.dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        m_plane = new ControlPlane(this);
        bool ok = m_plane->start(cfg, &error);
        if (!ok && o.anyPortIfTaken && o.port != 0 && error.contains(QLatin1String("listen"))) {
            // 8080 belongs to someone else: any free port will do for a console
            delete m_plane;
            cfg.port = 0;
            m_plane = new ControlPlane(this);
            ok = m_plane->start(cfg, &error);
        }
        if (!ok) {
            delete m_plane;
            m_plane = nullptr;
            emit failed(error);
            return;
        }
        QFile key(m_plane->adminKeyPath());
        if (!key.open(QIODevice::ReadOnly)) {
            emit failed(tr("cannot read the owner key %1").arg(key.fileName()));
            return;
        }
        const QString ownerKey = QString::fromUtf8(key.read(4096)).trimmed();
        emit started(m_plane->url(), ownerKey, m_plane->adminKeyPath());
    }

    void shutdown()
    {
        if (!m_plane) {
            thread()->quit();
            return;
        }
        m_plane->shutdown(2000, [this] {
            delete m_plane;
            m_plane = nullptr;
            thread()->quit();
        });
    }

signals:
    void started(const QUrl &url, const QString &ownerKey, const QString &keyPath);
    void failed(const QString &error);

private:
    ControlPlane *m_plane = nullptr;
};

QString EmbeddedOptions::defaultDataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/tanvrit-compute");
}

EmbeddedBackend::EmbeddedBackend(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("control-plane"));
}

EmbeddedBackend::~EmbeddedBackend()
{
    stop();
}

QString EmbeddedBackend::adminKeyPath() const
{
    return m_options.dataDir + QStringLiteral("/admin.key");
}

void EmbeddedBackend::start(const EmbeddedOptions &options)
{
    if (m_host)
        return;
    m_options = options;
    if (m_options.dataDir.isEmpty())
        m_options.dataDir = EmbeddedOptions::defaultDataDir();
    m_host = new PlaneHost;
    m_host->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_host, &QObject::deleteLater);
    connect(m_host, &PlaneHost::started, this,
        [this](const QUrl &url, const QString &ownerKey, const QString &) { planeStarted(url, ownerKey); });
    connect(m_host, &PlaneHost::failed, this, [this](const QString &error) {
        stop();
        emit failed(error);
    });
    emit progress(tr("Opening the store in %1…").arg(QDir::toNativeSeparators(m_options.dataDir)));
    m_thread.start();
    QMetaObject::invokeMethod(m_host, [host = m_host, o = m_options] { host->start(o); }, Qt::QueuedConnection);
}

void EmbeddedBackend::planeStarted(const QUrl &url, const QString &ownerKey)
{
    m_url = url;
    m_running = true;
    Logging::always(QStringLiteral("listening url=%1 data-dir=%2 admin-key=%3")
                        .arg(url.toString(), m_options.dataDir, adminKeyPath()));
    if (m_options.withAgent) {
        emit progress(tr("Starting the local agent (detecting GPUs)…"));
        m_agent = std::make_unique<LocalAgent>();
        m_agent->start(url, adminKeyPath(), m_options.dataDir, m_options.agentSlots);
    }
    emit ready(url, ownerKey);
}

void EmbeddedBackend::stop()
{
    if (m_agent) {
        m_agent->stop();
        m_agent.reset();
    }
    if (m_host) {
        QMetaObject::invokeMethod(m_host, &PlaneHost::shutdown, Qt::QueuedConnection);
        m_thread.wait(10000);
        m_host = nullptr;
    }
    m_running = false;
}

#include "EmbeddedBackend.moc"

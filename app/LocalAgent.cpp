// The runtime lives on m_thread; it is created there-bound (moveToThread) and driven by queued calls.
#include "LocalAgent.h"
#include "AgentRuntime.h"

#include <QDebug>

LocalAgent::~LocalAgent()
{
    stop();
}

void LocalAgent::start(const QUrl &server, const QString &keyFile, const QString &dataDir, int slotCount,
    const JobSandbox::Options &sandbox, const QSslCertificate &serverCertificate)
{
    AgentConfig c;
    c.serverUrl = server;
    c.registrationKeyFile = keyFile; // read only when it registers; never held
    c.name = QStringLiteral("local");
    c.workDir = dataDir + QStringLiteral("/agent");
    c.slotCount = slotCount;
    c.sandbox = sandbox;
    c.pinnedCertificate = serverCertificate; // it connects by address, which the certificate may not name
    m_runtime = new AgentRuntime(c);
    QObject::connect(m_runtime, &AgentRuntime::fatalError, m_runtime,
        [](const QString &message) { qCritical().noquote() << "local agent:" << message; });
    m_runtime->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_runtime, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("local-agent"));
    m_thread.start();
    QMetaObject::invokeMethod(m_runtime, &AgentRuntime::start, Qt::QueuedConnection);
}

void LocalAgent::stop()
{
    if (!m_runtime)
        return;
    QMetaObject::invokeMethod(m_runtime, &AgentRuntime::stop, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_runtime = nullptr;
}

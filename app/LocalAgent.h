// `serve --with-agent`: an agent for this machine on its own thread, registered with the owner key.
#pragma once

#include "JobSandbox.h"

#include <QSslCertificate>
#include <QString>
#include <QThread>
#include <QUrl>

class AgentRuntime;

class LocalAgent
{
public:
    ~LocalAgent();
    void start(const QUrl &server, const QString &keyFile, const QString &dataDir, int slotCount,
        const JobSandbox::Options &sandbox = {}, const QSslCertificate &serverCertificate = {});
    void stop(); // kills its running jobs; blocks until its thread has ended

private:
    QThread m_thread;
    AgentRuntime *m_runtime = nullptr;
};

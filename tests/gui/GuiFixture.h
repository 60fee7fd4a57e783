// The GUI suites' fixture: a whole console (ConsoleApp: window, session, embedded control plane and local
// agent) in this process, on a temporary data dir and settings, connected before a test starts; and
// sequential helpers to set up data through the same client the pages use.
#pragma once

#include "ClientTypes.h"
#include "ConsoleApp.h"
#include "MainWindow.h"

#include <QTemporaryDir>
#include <memory>

class ComputeClient;
class ConsoleSession;

class GuiFixture
{
public:
    // configDir: settings (profiles, window state) of an earlier fixture, to start "again"; empty: fresh ones
    explicit GuiFixture(const QString &configDir = {});
    ~GuiFixture();
    // Starts the console and waits (up to 60 s) until it is connected to its embedded control plane.
    // logMaxBytes > 0: the embedded control plane's log cap per attempt (a suite that needs the cap's gap).
    bool start(int agentSlots = 4, qint64 logMaxBytes = 0);
    void stop();

    ConsoleApp *app() const { return m_app.get(); }
    MainWindow *window() const { return m_app->window(); }
    ConsoleSession *session() const { return m_app->session(); }
    ComputeClient *client() const;
    QString url() const;
    QString apiKey() const { return m_ownerKey; }
    QString dataDir() const { return m_data.path(); }
    QString configDir() const { return m_configPath; }

    template <typename T> T *find(const QString &objectName) const { return window()->findChild<T *>(objectName); }
    // Shows a page by its objectName (jobsPage, logsPage, …) as a user clicking the sidebar would.
    bool showPage(const QString &objectName);

    // Setup through a second client on the same server and key (not through the widgets under test).
    QString submit(const QJsonObject &body);
    JobView job(const QString &id);
    bool waitForState(const QString &id, const QString &state, int timeoutMs = 30000);

private:
    QTemporaryDir m_data;
    QTemporaryDir m_config;
    QString m_configPath;
    std::unique_ptr<ConsoleApp> m_app;
    std::unique_ptr<ComputeClient> m_setup;
    QString m_ownerKey;
};

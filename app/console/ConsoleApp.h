// Wires one console together: the session, the profiles, the window and (for the embedded profile) the
// control plane and local agent. main() and the GUI tests build the same thing.
#pragma once

#include "EmbeddedBackend.h"

#include <QElapsedTimer>
#include <QObject>

class ConsoleSession;
class MainWindow;
class ProfileStore;

struct ConsoleOptions
{
    EmbeddedOptions embedded;
    QString profile; // empty: the last one used (the embedded one at first)
    qint64 msBeforeApp = 0; // how long the process ran before the ConsoleApp was made (start-up figures)
};

class ConsoleApp : public QObject
{
    Q_OBJECT
public:
    explicit ConsoleApp(const ConsoleOptions &options, QObject *parent = nullptr);
    ~ConsoleApp() override;

    void start(); // shows the window at once, then connects (starting the embedded backend if needed)

    MainWindow *window() const { return m_window; }
    ConsoleSession *session() const { return m_session; }
    ProfileStore *profiles() const { return m_profiles; }
    EmbeddedBackend *backend() const { return m_backend; }

    // milliseconds since the process started: window shown, backend ready, first connection
    qint64 windowShownMs() const { return m_windowMs; }
    qint64 backendReadyMs() const { return m_readyMs; }
    qint64 connectedMs() const { return m_connectedMs; }

signals:
    void connectedFirstTime();

private:
    ConsoleOptions m_options;
    QElapsedTimer m_clock;
    ConsoleSession *m_session;
    ProfileStore *m_profiles;
    EmbeddedBackend *m_backend;
    MainWindow *m_window;
    qint64 m_windowMs = -1;
    qint64 m_readyMs = -1;
    qint64 m_connectedMs = -1;
};

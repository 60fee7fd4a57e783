#include "ConsoleApp.h"
#include "ConsoleSession.h"
#include "MainWindow.h"
#include "ProfileStore.h"

#include <QIcon>
#include <QTimer>

ConsoleApp::ConsoleApp(const ConsoleOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_session(new ConsoleSession(this))
    , m_profiles(new ProfileStore(this))
    , m_backend(new EmbeddedBackend(this))
    , m_window(nullptr)
{
    m_clock.start();
    Q_INIT_RESOURCE(ui); // the icons of the (static) ui library
    m_window = new MainWindow(m_session, m_profiles);
    m_window->setWindowIcon(QIcon(QStringLiteral(":/ui/tanvrit-compute.svg")));
    connect(m_backend, &EmbeddedBackend::progress, m_window, &MainWindow::showStartupProgress);
    connect(m_backend, &EmbeddedBackend::failed, m_window, &MainWindow::startupFailed);
    connect(m_backend, &EmbeddedBackend::ready, this, [this](const QUrl &url, const QString &ownerKey) {
        m_readyMs = m_options.msBeforeApp + m_clock.elapsed();
        m_window->showStartupProgress(tr("Connecting to the local control plane…"));
        ClientConnection c;
        c.server = url.toString(QUrl::StripTrailingSlash);
        c.apiKey = ownerKey;
        m_window->setEmbeddedConnection(c);
    });
    connect(m_window, &MainWindow::embeddedRequested, this, [this] { m_backend->start(m_options.embedded); });
    connect(m_session, &ConsoleSession::connectionStateChanged, this, [this](ConsoleSession::State s) {
        if (s == ConsoleSession::State::Connected && m_connectedMs < 0) {
            m_connectedMs = m_options.msBeforeApp + m_clock.elapsed();
            emit connectedFirstTime();
        }
    });
}

ConsoleApp::~ConsoleApp()
{
    m_session->disconnectFromServer();
    delete m_window;
    m_backend->stop();
}

void ConsoleApp::start()
{
    m_window->show();
    m_windowMs = m_options.msBeforeApp + m_clock.elapsed();
    const QString profile = m_options.profile.isEmpty() ? m_profiles->activeName() : m_options.profile;
    // after the window has painted once, so it appears before the backend starts
    QTimer::singleShot(0, this, [this, profile] { m_window->activateProfile(profile); });
}

// The console's window: a sidebar of pages, the connection banner, the start-up view of the embedded
// control plane, the tray icon and desktop notifications. Pages reach each other through the session.
#pragma once

#include "ClientTypes.h"
#include "ConsoleSession.h"
#include "ProfileStore.h"

#include <QMainWindow>
#include <QPalette>
#include <QSet>

class Page;
class ProfileStore;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QSystemTrayIcon;
class SettingsPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ConsoleSession *session, ProfileStore *profiles, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The embedded control plane's progress (shown until it is ready), its failure, and its address.
    void showStartupProgress(const QString &step);
    void startupFailed(const QString &error);
    void setEmbeddedConnection(const ClientConnection &connection);
    // Connects to the active profile (the embedded one asks for embeddedRequested() when not running).
    void activateProfile(const QString &name);

    void showPage(const QString &objectName);
    Page *page(const QString &objectName) const;
    int runningJobs() const { return int(m_running.size()); }
    void bringToFront();

    enum class Theme { System, Light, Dark };
    void setTheme(Theme theme);

signals:
    void embeddedRequested();
    void notified(const QString &title, const QString &text); // each desktop notification (tests read it)

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildMenus();
    void addPage(Page *page);
    void updateBanner();
    void updateSidebar();
    void updateRunning();
    void reloadRunning();
    void onEvent(const ClientEvent &event);
    void connectRemote(const Profile &profile);
    void signIn(const Profile &profile, const ClientConnection &base);

    ConsoleSession *m_session;
    ProfileStore *m_profiles;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    QWidget *m_banner;
    QLabel *m_bannerText;
    QPushButton *m_bannerRetry;
    QWidget *m_startup;
    QLabel *m_startupText;
    QProgressBar *m_startupBar;
    QLabel *m_statusConnection;
    QLabel *m_statusRunning;
    QSystemTrayIcon *m_tray = nullptr;
    SettingsPage *m_settings = nullptr;
    QList<Page *> m_pages;
    QSet<QString> m_running;
    std::optional<ClientConnection> m_embedded;
    bool m_wantEmbedded = false;
    Theme m_theme = Theme::System;
    QPalette m_systemPalette;
};

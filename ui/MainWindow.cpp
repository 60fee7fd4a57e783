#include "MainWindow.h"
#include "ComputeClient.h"
#include "JobState.h"
#include "Page.h"
#include "Pages.h"
#include "SettingsPage.h"
#include "SignInDialog.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyleFactory>
#include <QSystemTrayIcon>
#include <QVBoxLayout>

namespace {
constexpr int kRunningPages = 10; // the running-jobs count reads at most 10 pages of 1,000 at a reset

QPalette darkPalette()
{
    QPalette p;
    const QColor window(37, 37, 38), base(30, 30, 30), text(220, 220, 220), disabled(127, 127, 127);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(51, 51, 55));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(88, 166, 255));
    p.setColor(QPalette::Highlight, QColor(38, 79, 120));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, disabled);
    for (auto role : {QPalette::Text, QPalette::WindowText, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

// The window icon with the number of running jobs in a badge (none when nothing runs).
QIcon trayIcon(const QIcon &base, int running)
{
    if (running <= 0)
        return base;
    QPixmap pixmap = base.pixmap(64, 64);
    if (pixmap.isNull())
        pixmap = QPixmap(64, 64), pixmap.fill(QColor(0x09, 0x69, 0xda));
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    const QString label = running > 99 ? QStringLiteral("99+") : QString::number(running);
    const QRectF badge(24, 24, 40, 40);
    p.setBrush(QColor(0xcf, 0x22, 0x2e));
    p.setPen(Qt::NoPen);
    p.drawEllipse(badge);
    QFont f = p.font();
    f.setBold(true);
    f.setPixelSize(label.size() > 2 ? 15 : 22);
    p.setFont(f);
    p.setPen(Qt::white);
    p.drawText(badge, Qt::AlignCenter, label);
    return QIcon(pixmap);
}

QPalette lightPalette()
{
    return QStyleFactory::create(QStringLiteral("Fusion"))->standardPalette();
}
}

MainWindow::MainWindow(ConsoleSession *session, ProfileStore *profiles, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_profiles(profiles)
    , m_sidebar(new QListWidget)
    , m_stack(new QStackedWidget)
    , m_systemPalette(QApplication::palette())
{
    setWindowTitle(tr("Tanvrit Compute"));
    setObjectName(QStringLiteral("mainWindow"));
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setIconSize(QSize(20, 20));
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setMinimumWidth(150);
    m_stack->setObjectName(QStringLiteral("pages"));

    // the connection banner: hidden while connected
    m_banner = new QWidget;
    m_banner->setObjectName(QStringLiteral("connectionBanner"));
    m_banner->setAutoFillBackground(true);
    m_bannerText = new QLabel;
    m_bannerText->setObjectName(QStringLiteral("connectionBannerText"));
    m_bannerText->setWordWrap(true);
    m_bannerRetry = new QPushButton(tr("Retry now"));
    m_bannerRetry->setObjectName(QStringLiteral("connectionRetry"));
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(10, 6, 10, 6);
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(m_bannerRetry);
    connect(m_bannerRetry, &QPushButton::clicked, m_session, &ConsoleSession::retryNow);
    m_banner->hide();

    // the start-up view, shown until the first connection
    m_startup = new QWidget;
    m_startup->setObjectName(QStringLiteral("startupView"));
    auto *title = new QLabel(tr("<h2>Tanvrit Compute</h2>"));
    m_startupText = new QLabel(tr("Starting…"));
    m_startupText->setObjectName(QStringLiteral("startupStatus"));
    m_startupText->setWordWrap(true);
    m_startupBar = new QProgressBar;
    m_startupBar->setRange(0, 0);
    m_startupBar->setMaximumWidth(360);
    auto *startupLayout = new QVBoxLayout(m_startup);
    startupLayout->addStretch();
    startupLayout->addWidget(title, 0, Qt::AlignHCenter);
    startupLayout->addWidget(m_startupText, 0, Qt::AlignHCenter);
    startupLayout->addWidget(m_startupBar, 0, Qt::AlignHCenter);
    startupLayout->addStretch();
    m_stack->addWidget(m_startup);

    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->setSpacing(0);
    contentLayout->addWidget(m_banner);
    contentLayout->addWidget(m_stack, 1);

    auto *splitter = new QSplitter;
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(m_sidebar);
    splitter->addWidget(content);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    setCentralWidget(splitter);

    m_statusConnection = new QLabel;
    m_statusConnection->setObjectName(QStringLiteral("statusConnection"));
    m_statusRunning = new QLabel;
    m_statusRunning->setObjectName(QStringLiteral("statusRunning"));
    statusBar()->addWidget(m_statusConnection, 1);
    statusBar()->addPermanentWidget(m_statusRunning);

    for (Page *p : createPages(m_session, this))
        addPage(p);
    m_settings = new SettingsPage(m_session, m_profiles, this);
    addPage(m_settings);
    connect(m_settings, &SettingsPage::connectRequested, this, &MainWindow::activateProfile);
    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= m_sidebar->count())
            return;
        Page *p = m_pages.value(m_sidebar->item(row)->data(Qt::UserRole).toInt());
        if (p && m_session->state() != ConsoleSession::State::Idle) {
            m_stack->setCurrentWidget(p);
            p->pageShown();
        }
    });

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setObjectName(QStringLiteral("trayIcon"));
        connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason why) {
            if (why == QSystemTrayIcon::Trigger)
                bringToFront();
        });
        m_tray->show();
    }

    connect(m_session, &ConsoleSession::connectionStateChanged, this, [this] {
        updateBanner();
        if (m_session->state() == ConsoleSession::State::Connected && m_stack->currentWidget() == m_startup) {
            const int row = qMax(0, m_sidebar->currentRow());
            m_sidebar->setCurrentRow(-1);
            m_sidebar->setCurrentRow(row);
        }
    });
    connect(m_session, &ConsoleSession::identityChanged, this, [this] {
        updateSidebar();
        updateBanner();
    });
    connect(m_session, &ConsoleSession::reset, this, &MainWindow::reloadRunning);
    connect(m_session, &ConsoleSession::event, this, &MainWindow::onEvent);
    connect(m_session, &ConsoleSession::openJobRequested, this, [this] { showPage(QStringLiteral("jobsPage")); });
    connect(m_session, &ConsoleSession::followLogsRequested, this, [this] { showPage(QStringLiteral("logsPage")); });
    connect(m_session, &ConsoleSession::sessionRefreshed, this, [this](const Session &s) {
        const Profile p = m_profiles->profile(m_session->profileName());
        if (!p.isEmbedded() && p.auth == Profile::Auth::Password && !s.refreshToken.isEmpty())
            m_profiles->writeSecret(p.name, s.refreshToken);
    });

    buildMenus();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (!splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray()))
        splitter->setSizes({170, 1110}); // a narrow sidebar at first
    setTheme(Theme(settings.value(QStringLiteral("window/theme"), 0).toInt()));
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1280, 800);
    updateRunning();
    updateBanner();
}

MainWindow::~MainWindow()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    if (auto *splitter = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
}

void MainWindow::addPage(Page *page)
{
    m_pages << page;
    m_stack->addWidget(page);
    auto *item = new QListWidgetItem(page->icon(), page->title());
    item->setData(Qt::UserRole, int(m_pages.size() - 1));
    m_sidebar->addItem(item);
    const int n = int(m_pages.size());
    if (n <= 9) {
        auto *go = new QAction(this);
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + n)));
        connect(go, &QAction::triggered, this, [this, page] { showPage(page->objectName()); });
        addAction(go);
        item->setToolTip(tr("%1 (%2)").arg(page->title(), go->shortcut().toString(QKeySequence::NativeText)));
    }
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Settings and profiles"), QKeySequence::Preferences, this,
        [this] { showPage(QStringLiteral("settingsPage")); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QMenu *theme = view->addMenu(tr("&Theme"));
    auto *group = new QActionGroup(this);
    const QList<QPair<QString, Theme>> themes {
        {tr("Follow the &system"), Theme::System}, {tr("&Light"), Theme::Light}, {tr("&Dark"), Theme::Dark}};
    for (const auto &[label, value] : themes) {
        QAction *a = theme->addAction(label);
        a->setCheckable(true);
        a->setObjectName(QStringLiteral("theme%1").arg(int(value)));
        a->setData(int(value));
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, value = value] { setTheme(value); });
    }
    connect(theme, &QMenu::aboutToShow, this, [this, group] {
        for (QAction *a : group->actions())
            a->setChecked(a->data().toInt() == int(m_theme));
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Tanvrit Compute"), this, [this] {
        QMessageBox::about(this, tr("About Tanvrit Compute"),
            tr("<b>Tanvrit Compute</b> %1<br>A self-hostable compute-job platform.<br>Connected to: %2")
                .arg(QApplication::applicationVersion(), m_session->serverUrl().toHtmlEscaped()));
    });
}

void MainWindow::setTheme(Theme theme)
{
    m_theme = theme;
    QSettings().setValue(QStringLiteral("window/theme"), int(theme));
    if (theme == Theme::System) {
        QApplication::setPalette(m_systemPalette);
    } else {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(theme == Theme::Dark ? darkPalette() : lightPalette());
    }
    updateBanner();
}

void MainWindow::changeEvent(QEvent *event)
{
    // the desktop switched between light and dark: follow it unless a theme was chosen
    if (event->type() == QEvent::ThemeChange && m_theme == Theme::System) {
        m_systemPalette = QApplication::style()->standardPalette();
        QApplication::setPalette(m_systemPalette);
    }
    QMainWindow::changeEvent(event);
}

void MainWindow::showStartupProgress(const QString &step)
{
    m_startupText->setText(step);
    m_startupBar->setRange(0, 0);
    m_startupBar->show();
}

void MainWindow::startupFailed(const QString &error)
{
    m_startupText->setText(tr("The local control plane could not start: %1\n\nConnect to another deployment in "
                              "Settings (Ctrl+,).")
                               .arg(error));
    m_startupBar->hide();
    m_stack->setCurrentWidget(m_startup);
}

void MainWindow::setEmbeddedConnection(const ClientConnection &connection)
{
    m_embedded = connection;
    if (m_wantEmbedded)
        m_session->connectTo(connection, QString::fromLatin1(ProfileStore::kEmbeddedName));
}

void MainWindow::activateProfile(const QString &name)
{
    const Profile profile = m_profiles->profile(name);
    if (profile.name.isEmpty())
        return;
    m_profiles->setActiveName(profile.name);
    m_stack->setCurrentWidget(m_startup);
    m_wantEmbedded = profile.isEmbedded();
    if (profile.isEmbedded()) {
        if (m_embedded) {
            m_session->connectTo(*m_embedded, profile.name);
        } else {
            m_session->disconnectFromServer();
            showStartupProgress(tr("Starting the local control plane…"));
            emit embeddedRequested();
        }
        return;
    }
    connectRemote(profile);
}

void MainWindow::connectRemote(const Profile &profile)
{
    m_session->disconnectFromServer();
    showStartupProgress(tr("Connecting to %1…").arg(profile.url));
    m_profiles->readSecret(profile.name, [this, profile](const QString &secret, const QString &) {
        if (m_profiles->activeName() != profile.name)
            return; // switched again meanwhile
        ClientConnection c;
        c.server = profile.url;
        c.caFile = profile.caFile;
        c.workspace = profile.workspace;
        if (profile.auth == Profile::Auth::ApiKey) {
            c.apiKey = secret;
            m_session->connectTo(c, profile.name);
        } else if (!secret.isEmpty()) {
            c.refreshToken = secret; // the client refreshes it into an access token first
            m_session->connectTo(c, profile.name);
        } else {
            signIn(profile, c);
        }
    });
}

void MainWindow::signIn(const Profile &profile, const ClientConnection &base)
{
    auto *dialog = new SignInDialog(profile.url, profile.email, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SignInDialog::submitted, this, [this, dialog, profile, base](const QString &password) {
        m_session->client()->setConnection(base);
        m_session->client()->login(profile.email, password, [this, dialog, profile, base](ClientResult<Session> r) {
            if (!r)
                return dialog->showError(r.error().describe());
            dialog->accept();
            ClientConnection c = base;
            c.accessToken = r.value().accessToken;
            c.refreshToken = r.value().refreshToken;
            c.accessExpiresAtMs = r.value().accessExpiresAtMs;
            m_profiles->writeSecret(profile.name, c.refreshToken);
            m_session->connectTo(c, profile.name);
        });
    });
    connect(dialog, &QDialog::rejected, this, [this] {
        showStartupProgress(tr("Not signed in. Choose a profile in Settings (Ctrl+,)."));
        m_startupBar->hide();
    });
    dialog->open();
}

void MainWindow::showPage(const QString &objectName)
{
    for (int i = 0; i < m_sidebar->count(); ++i) {
        Page *p = m_pages.value(m_sidebar->item(i)->data(Qt::UserRole).toInt());
        if (p && p->objectName() == objectName) {
            if (m_sidebar->item(i)->isHidden())
                return;
            m_sidebar->setCurrentRow(i);
            if (m_session->state() == ConsoleSession::State::Idle || m_stack->currentWidget() == m_startup) {
                m_stack->setCurrentWidget(p); // settings stay reachable before any connection
                p->pageShown();
            }
            return;
        }
    }
}

Page *MainWindow::page(const QString &objectName) const
{
    for (Page *p : m_pages)
        if (p->objectName() == objectName)
            return p;
    return nullptr;
}

void MainWindow::bringToFront()
{
    setWindowState((windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    show();
    raise();
    activateWindow();
}

void MainWindow::updateSidebar()
{
    for (int i = 0; i < m_sidebar->count(); ++i) {
        Page *p = m_pages.value(m_sidebar->item(i)->data(Qt::UserRole).toInt());
        m_sidebar->item(i)->setHidden(p && !p->availableToRole(m_session->role()));
    }
    // the page in view may have become one this role cannot use: go to the first one it can
    QListWidgetItem *current = m_sidebar->currentItem();
    if (current && current->isHidden())
        for (int i = 0; i < m_sidebar->count(); ++i)
            if (!m_sidebar->item(i)->isHidden()) {
                m_sidebar->setCurrentRow(i);
                break;
            }
}

void MainWindow::updateBanner()
{
    using State = ConsoleSession::State;
    const State state = m_session->state();
    const QString where = m_session->serverUrl();
    QString text;
    if (state == State::Reconnecting)
        text = tr("Connection to %1 lost (%2). Reconnecting…").arg(where, m_session->lastError().describe());
    else if (state == State::Failed)
        text = tr("%1 refused this console: %2. Check the profile in Settings.")
                   .arg(where, m_session->lastError().describe());
    m_bannerText->setText(text);
    m_banner->setVisible(!text.isEmpty());
    QPalette p = m_banner->palette();
    p.setColor(QPalette::Window, state == State::Failed ? QColor(0xcf, 0x22, 0x2e) : QColor(0x9a, 0x67, 0x00));
    p.setColor(QPalette::WindowText, Qt::white);
    m_banner->setPalette(p);
    m_bannerText->setPalette(p);
    if (state == State::Connected || state == State::Reconnecting) {
        const WhoAmI &me = m_session->me();
        const QString who = me.email.isEmpty() ? tr("API key") : me.email;
        m_statusConnection->setText(
            tr("%1 · %2 · %3 (%4)").arg(m_session->profileName(), where, who, me.role.isEmpty() ? tr("node") : me.role));
    } else if (state == State::Connecting) {
        m_statusConnection->setText(tr("Connecting to %1…").arg(where));
    } else {
        m_statusConnection->setText(tr("Not connected"));
    }
}

void MainWindow::reloadRunning()
{
    // the running set is rebuilt from the server, then kept by the event stream
    m_running.clear();
    updateRunning();
    auto fetch = std::make_shared<std::function<void(QString, int)>>();
    const QString profile = m_session->profileName();
    *fetch = [this, fetch, profile](const QString &cursor, int pages) {
        JobFilter f;
        f.state = QStringLiteral("RUNNING");
        f.limit = 1000;
        f.cursor = cursor;
        m_session->client()->jobs(f, [this, fetch, profile, pages](ClientResult<JobPage> r) {
            if (!r || m_session->profileName() != profile)
                return;
            for (const JobView &j : r.value().jobs)
                m_running.insert(j.job.id);
            updateRunning();
            if (!r.value().nextCursor.isEmpty() && pages + 1 < kRunningPages)
                (*fetch)(r.value().nextCursor, pages + 1);
        });
    };
    (*fetch)(QString(), 0);
}

void MainWindow::onEvent(const ClientEvent &event)
{
    if (event.type != QLatin1String("job.transitioned") && event.type != QLatin1String("job.terminal"))
        return;
    const QString id = event.data.value(QStringLiteral("jobId")).toString();
    const QString state = event.data.value(QStringLiteral("state")).toString();
    if (event.type == QLatin1String("job.transitioned")) {
        if (state == QLatin1String("RUNNING"))
            m_running.insert(id);
        else
            m_running.remove(id);
        updateRunning();
        return;
    }
    if (!m_session->submittedHere(id) || !JobStates::parse(state) || !JobStates::isTerminal(*JobStates::parse(state)))
        return;
    m_session->forgetSubmitted(id); // a retry of it is a new submission of someone's
    const QString title = tr("Job %1").arg(state);
    QString text = tr("%1 ended %2").arg(id, state);
    if (event.data.contains(QStringLiteral("exitCode")))
        text += tr(" (exit %1)").arg(event.data.value(QStringLiteral("exitCode")).toInt());
    if (m_tray)
        m_tray->showMessage(title, text,
            state == QLatin1String("SUCCEEDED") ? QSystemTrayIcon::Information : QSystemTrayIcon::Warning, 8000);
    emit notified(title, text);
}

void MainWindow::updateRunning()
{
    const int running = int(m_running.size());
    const QString text = tr("%n running job(s)", nullptr, running);
    m_statusRunning->setText(text);
    if (m_tray) {
        m_tray->setToolTip(tr("Tanvrit Compute: %1").arg(text));
        m_tray->setIcon(trayIcon(windowIcon(), running));
    }
    setWindowTitle(m_running.isEmpty() ? tr("Tanvrit Compute") : tr("Tanvrit Compute (%1 running)").arg(m_running.size()));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // closing the window stops the embedded control plane and its agent, and with them its running jobs
    if (m_wantEmbedded && !m_running.isEmpty() && isVisible()
        && QMessageBox::question(this, tr("Quit Tanvrit Compute?"),
               tr("%n job(s) run on this machine's agent. Quitting stops them.", nullptr, int(m_running.size())),
               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Yes) {
        event->ignore();
        return;
    }
    QMainWindow::closeEvent(event);
}

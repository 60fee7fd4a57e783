// Lists are replaced whole on each reload (a workspace has at most a few hundred schedules); job events
// refresh the page at most twice a second while it is visible, so a busy fleet does not flood the server.
#include "SchedulesPage.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "ScheduleDialog.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
QString localTime(const QString &iso)
{
    if (iso.isEmpty())
        return QStringLiteral("-");
    return QLocale().toString(QDateTime::fromString(iso, Qt::ISODateWithMs).toLocalTime(), QLocale::ShortFormat);
}
}

SchedulesPage::SchedulesPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("schedulesPage"));
    m_table = new QTreeWidget(this);
    m_table->setObjectName(QStringLiteral("schedulesTable"));
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setHeaderLabels({tr("Name"), tr("Cron"), tr("Time zone"), tr("Next run"), tr("Last run"), tr("Paused")});
    connect(m_table, &QTreeWidget::itemSelectionChanged, this, &SchedulesPage::selectionChanged);
    connect(m_table, &QTreeWidget::itemDoubleClicked, this, [this] { editSelected(); });

    m_runs = new QTreeWidget(this);
    m_runs->setObjectName(QStringLiteral("scheduleRunsTable"));
    m_runs->setRootIsDecorated(false);
    m_runs->setUniformRowHeights(true);
    m_runs->setHeaderLabels({tr("Job"), tr("State"), tr("Slot"), tr("Created"), tr("Exit code")});
    connect(m_runs, &QTreeWidget::itemDoubleClicked, this,
        [this](QTreeWidgetItem *item) { m_session->requestOpenJob(item->data(0, Qt::UserRole).toString()); });

    m_new = new QPushButton(tr("&New schedule…"), this);
    m_new->setObjectName(QStringLiteral("newScheduleButton"));
    connect(m_new, &QPushButton::clicked, this, &SchedulesPage::newSchedule);
    m_edit = new QPushButton(tr("&Edit…"), this);
    m_edit->setObjectName(QStringLiteral("editScheduleButton"));
    connect(m_edit, &QPushButton::clicked, this, &SchedulesPage::editSelected);
    m_pause = new QPushButton(tr("&Pause"), this);
    m_pause->setObjectName(QStringLiteral("pauseScheduleButton"));
    connect(m_pause, &QPushButton::clicked, this, &SchedulesPage::togglePauseSelected);
    m_delete = new QPushButton(tr("&Delete"), this);
    m_delete->setObjectName(QStringLiteral("deleteScheduleButton"));
    connect(m_delete, &QPushButton::clicked, this, &SchedulesPage::deleteSelected);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_edit);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("schedulesStatus"));
    m_status->setWordWrap(true);

    auto *runsBox = new QWidget(this);
    auto *runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLayout->addWidget(new QLabel(tr("Runs of the selected schedule (double-click opens the job)"), runsBox));
    runsLayout->addWidget(m_runs);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(runsBox);

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, this, &SchedulesPage::reload);
    addAction(refresh);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    m_eventDebounce.setSingleShot(true);
    m_eventDebounce.setInterval(500);
    connect(&m_eventDebounce, &QTimer::timeout, this, &SchedulesPage::reload);
    connect(m_session, &ConsoleSession::event, this, [this](const ClientEvent &e) {
        if (isVisible() && e.type.startsWith(QLatin1String("job.")) && !m_eventDebounce.isActive())
            m_eventDebounce.start();
    });
    connect(m_session, &ConsoleSession::reset, this, [this] {
        m_table->clear();
        m_runs->clear();
        m_schedules.clear();
        reload();
    });
    connect(m_session, &ConsoleSession::identityChanged, this, &SchedulesPage::updateActions);
    updateActions();
}

QString SchedulesPage::title() const
{
    return tr("Schedules");
}

QIcon SchedulesPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("appointment-new"));
}

void SchedulesPage::pageShown()
{
    reload();
}

void SchedulesPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

QString SchedulesPage::selectedId() const
{
    const auto items = m_table->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(0, Qt::UserRole).toString();
}

void SchedulesPage::updateActions()
{
    const bool admin = m_session->isAdmin();
    const QString why = admin ? QString() : tr("Managing schedules needs the admin or owner role");
    const QString id = selectedId();
    m_new->setEnabled(admin);
    m_edit->setEnabled(admin && !id.isEmpty());
    m_pause->setEnabled(admin && !id.isEmpty());
    m_delete->setEnabled(admin && !id.isEmpty());
    for (QPushButton *b : {m_new, m_edit, m_pause, m_delete})
        b->setToolTip(why);
    m_pause->setText(m_schedules.value(id).paused ? tr("&Resume") : tr("&Pause"));
}

void SchedulesPage::selectionChanged()
{
    updateActions();
    reloadRuns();
}

void SchedulesPage::reload()
{
    QPointer<SchedulesPage> self(this);
    m_session->client()->schedules([self](ClientResult<ScheduleList> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not list the schedules: %1").arg(r.error().describe()), true);
        const QString selected = self->selectedId();
        self->m_table->clear();
        self->m_schedules.clear();
        for (const ScheduleView &s : r.value().schedules) {
            self->m_schedules.insert(s.id, s);
            auto *item = new QTreeWidgetItem(self->m_table);
            item->setData(0, Qt::UserRole, s.id);
            item->setText(0, s.name);
            item->setText(1, s.cron);
            item->setText(2, s.timeZone);
            item->setText(3, s.nextRuns.isEmpty() ? QStringLiteral("-") : localTime(s.nextRuns.first()));
            item->setText(4,
                s.lastSlot.isEmpty()         ? QStringLiteral("-")
                    : !s.lastState.isEmpty() ? s.lastState
                                             : s.lastOutcome.section(QLatin1Char(':'), 0, 0));
            item->setToolTip(4, s.lastOutcome);
            item->setText(5, s.paused ? tr("paused") : QString());
            if (s.id == selected)
                item->setSelected(true);
        }
        self->updateActions();
        self->reloadRuns();
    });
}

void SchedulesPage::reloadRuns()
{
    const QString id = selectedId();
    if (id.isEmpty()) {
        m_runs->clear();
        return;
    }
    QPointer<SchedulesPage> self(this);
    m_session->client()->scheduleRuns(id, 50, [self, id](ClientResult<JobPage> r) {
        if (!self || self->selectedId() != id)
            return;
        self->m_runs->clear();
        if (!r)
            return self->setStatus(tr("Could not list the runs: %1").arg(r.error().describe()), true);
        for (const QJsonValue &v : r.value().json.value(QStringLiteral("jobs")).toArray()) {
            const QJsonObject j = v.toObject();
            auto *item = new QTreeWidgetItem(self->m_runs);
            item->setData(0, Qt::UserRole, j.value(QStringLiteral("id")).toString());
            item->setText(0, j.value(QStringLiteral("id")).toString());
            item->setText(1, j.value(QStringLiteral("state")).toString());
            item->setText(2,
                localTime(j.value(QStringLiteral("labels"))
                              .toObject()
                              .value(QStringLiteral("tanvrit/schedule-slot"))
                              .toString()));
            item->setText(3, localTime(j.value(QStringLiteral("createdAt")).toString()));
            item->setText(4,
                j.value(QStringLiteral("exitCode")).isDouble()
                    ? QString::number(j.value(QStringLiteral("exitCode")).toInt())
                    : QString());
        }
    });
}

void SchedulesPage::openDialog(const ScheduleView &existing)
{
    if (m_dialog)
        m_dialog->close();
    m_dialog = new ScheduleDialog(m_session, existing, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &ScheduleDialog::saved, this, [this](const QString &id) {
        setStatus(tr("Schedule saved"));
        reload();
        Q_UNUSED(id);
    });
    m_dialog->open();
}

void SchedulesPage::newSchedule()
{
    openDialog(ScheduleView());
}

void SchedulesPage::editSelected()
{
    const QString id = selectedId();
    if (!id.isEmpty() && m_session->isAdmin())
        openDialog(m_schedules.value(id));
}

void SchedulesPage::togglePauseSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    const bool pause = !m_schedules.value(id).paused;
    QPointer<SchedulesPage> self(this);
    m_session->client()->setSchedulePaused(id, pause, [self, pause](ClientResult<ScheduleView> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not change the schedule: %1").arg(r.error().describe()), true);
        self->setStatus(
            pause ? tr("Schedule %1 paused").arg(r.value().name) : tr("Schedule %1 resumed").arg(r.value().name));
        self->reload();
    });
}

void SchedulesPage::deleteSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    const QString name = m_schedules.value(id).name;
    if (QMessageBox::question(this, tr("Delete schedule"), tr("Delete the schedule %1? Its past runs stay.").arg(name))
        != QMessageBox::Yes)
        return;
    QPointer<SchedulesPage> self(this);
    m_session->client()->deleteSchedule(id, [self, name](ClientResult<bool> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not delete: %1").arg(r.error().describe()), true);
        self->setStatus(tr("Schedule %1 deleted").arg(name));
        self->reload();
    });
}

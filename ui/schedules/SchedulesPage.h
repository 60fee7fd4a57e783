// Schedules: the workspace's schedules (name, cron, zone, next run, last run, paused), create and edit them
// in ScheduleDialog, pause, resume, delete, and the selected schedule's runs (double-click opens the job).
#pragma once

#include "Page.h"
#include "ScheduleDialog.h"
#include "ScheduleTypes.h"

#include <QHash>
#include <QPointer>
#include <QTimer>

class ConsoleSession;
class QLabel;
class QPushButton;
class QTreeWidget;

class SchedulesPage : public Page
{
    Q_OBJECT
public:
    explicit SchedulesPage(ConsoleSession *session, QWidget *parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void pageShown() override;

    void reload();
    void newSchedule();
    void editSelected();
    void togglePauseSelected();
    void deleteSelected();
    ScheduleDialog *dialog() const { return m_dialog; } // the open editor, if any (tests drive it)

private:
    QString selectedId() const;
    void selectionChanged();
    void reloadRuns();
    void updateActions();
    void setStatus(const QString &text, bool error = false);
    void openDialog(const ScheduleView &existing);

    ConsoleSession *m_session;
    QTreeWidget *m_table;
    QTreeWidget *m_runs;
    QPushButton *m_new;
    QPushButton *m_edit;
    QPushButton *m_pause;
    QPushButton *m_delete;
    QLabel *m_status;
    QHash<QString, ScheduleView> m_schedules;
    QPointer<ScheduleDialog> m_dialog;
    QTimer m_eventDebounce;
};

// The Logs page: tails several jobs at once, interleaved with a job column — running jobs to pick from, job
// ids to paste, and what other pages send (ConsoleSession::requestFollowLogs). Bounded memory (MultiLogModel).
#pragma once

#include "Page.h"

class LogView;
class MultiLogModel;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSplitter;
class QTimer;

class LogsPage : public Page
{
    Q_OBJECT
public:
    explicit LogsPage(ConsoleSession *session, QWidget *parent = nullptr);
    ~LogsPage() override;
    QString title() const override { return tr("Logs"); }
    QIcon icon() const override;
    void pageShown() override;

    void followJobs(const QStringList &jobIds);
    MultiLogModel *model() const { return m_model; }
    LogView *view() const { return m_view; }

private:
    void refreshRunning();
    void followPasted();
    void onReset();
    void updateStatus();

    MultiLogModel *m_model;
    LogView *m_view;
    QSplitter *m_splitter;
    QListWidget *m_running;
    QLineEdit *m_ids;
    QPushButton *m_follow;
    QLineEdit *m_filter;
    QLineEdit *m_search;
    QPushButton *m_jump;
    QLabel *m_status;
    QTimer *m_filterDebounce;
    QString m_connection; // server, profile and workspace: another one clears the page
    QString m_error;
    bool m_updatingList = false;
};

// One job's log with its toolbar (filter, search, timestamps, attempt, save, jump to end) over a LogView: the
// job detail pane embeds it, and it stands alone for a single job.
#pragma once

#include <QPointer>
#include <QWidget>

class ConsoleSession;
class LogModel;
class LogSaver;
class LogView;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTimer;
class QToolButton;

class JobLogPane : public QWidget
{
    Q_OBJECT
public:
    explicit JobLogPane(ConsoleSession *session, QWidget *parent = nullptr);
    ~JobLogPane() override;

    void showJob(const QString &jobId);
    QString jobId() const { return m_jobId; }

    LogView *view() const { return m_view; }
    LogModel *model() const { return m_model; }
    // Saves the shown attempt's whole log to path (the "Save log…" action asks for it first).
    void saveTo(const QString &path);

signals:
    void saveFinished(bool ok, const QString &error);

private:
    void chooseSaveFile();
    void updateStatus();
    void setAttempts(int latest, int shown);
    void reopen();

    ConsoleSession *m_session;
    LogModel *m_model;
    LogView *m_view;
    QLineEdit *m_filter;
    QLineEdit *m_search;
    QCheckBox *m_timestamps;
    QComboBox *m_attempt;
    QToolButton *m_save;
    QToolButton *m_cancelSave;
    QPushButton *m_jump;
    QProgressBar *m_progress;
    QLabel *m_status;
    QTimer *m_filterDebounce;
    QPointer<LogSaver> m_saver;
    QString m_jobId;
    QString m_error;
    QString m_note;
    QString m_connection;
    int m_latestAttempt = 0;
};

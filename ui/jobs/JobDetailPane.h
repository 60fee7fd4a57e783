// The selected job in full: its fields, the timeline of every attempt and transition, why it is pending
// (requested resources against what agents have free), the GPUs it holds, its artifacts; cancel, retry,
// clone and edit, open logs.
#pragma once

#include "ClientTypes.h"

#include <QWidget>

class ArtifactList; // artifacts (Part 1)
class ConsoleSession;
class JobLogPane;
class QFormLayout;
class QLabel;
class QPushButton;
class QTabWidget;
class QTreeWidget;

class JobDetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit JobDetailPane(ConsoleSession *session, QWidget *parent = nullptr);

    void showJob(const QString &jobId); // fetches it; empty: shows nothing
    void refresh(); // fetches the shown job again (its row changed)
    QString jobId() const { return m_jobId; }
    const QJsonObject &jobJson() const { return m_json; }

    void cancelJob();
    void retryJob();
    void openLogs();
    void showLogTab(); // the job's live log, in the pane
    JobLogPane *logPane() const { return m_log; }
    ArtifactList *artifactList() const { return m_artifacts; } // artifacts (Part 1)

signals:
    void cloneRequested(const QJsonObject &job);

private:
    void render(const JobView &view);
    void renderPending(const JobView &view);
    void renderGpus(const JobView &view);
    void fetchArtifacts();
    void setStatus(const QString &text, bool error = false);
    void updateButtons();

    ConsoleSession *m_session;
    QString m_jobId;
    QJsonObject m_json;
    QString m_state;
    quint64 m_generation = 0;
    bool m_refreshQueued = false;
    QLabel *m_title;
    QLabel *m_status;
    QTabWidget *m_tabs;
    QFormLayout *m_fields;
    QLabel *m_pending;
    QLabel *m_gpus;
    ArtifactList *m_artifacts; // artifacts (Part 1)
    QTreeWidget *m_timeline;
    JobLogPane *m_log;
    QPushButton *m_cancel;
    QPushButton *m_retry;
    QPushButton *m_clone;
    QPushButton *m_logs;
};

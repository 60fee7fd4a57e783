// Artifacts (Part 1) in the job detail pane: the files the job's run left behind (name, size, sha256),
// "Download…" to a file chosen in a save dialog and "Open" (downloaded to a temporary file, then opened
// with the desktop's handler). Downloads stream to the file as bytes arrive, never blocking the GUI thread.
#pragma once

#include "ArtifactTypes.h"

#include <QPointer>
#include <QStringList>
#include <QWidget>

class ArtifactFetch;
class ConsoleSession;
class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;

class ArtifactList : public QWidget
{
    Q_OBJECT
public:
    explicit ArtifactList(ConsoleSession *session, QWidget *parent = nullptr);

    // Fetches the job's artifacts; `globs` are what the job asked for (shown above the list).
    void showJob(const QString &jobId, const QStringList &globs);
    void clear();

    // Tests (and scripted use): the next "Download…" saves here instead of asking with a dialog.
    void setSaveTargetOverride(const QString &path) { m_saveOverride = path; }
    QTreeWidget *list() const { return m_list; }

public Q_SLOTS:
    void downloadSelected(); // asks where (a save dialog), then downloads
    void openSelected(); // downloads to a temporary file, then opens it

Q_SIGNALS:
    void downloaded(const QString &path); // a download finished and was checked
    void failed(const QString &error);

private:
    void fetch(const QString &target, bool openWhenDone);
    const ArtifactView *selected() const;
    void setBusy(bool busy);
    void setStatus(const QString &text, bool error = false);

    ConsoleSession *m_session;
    QString m_jobId;
    quint64 m_generation = 0;
    QList<ArtifactView> m_items;
    QLabel *m_asked;
    QTreeWidget *m_list;
    QPushButton *m_download;
    QPushButton *m_open;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPointer<ArtifactFetch> m_fetch;
    QString m_saveOverride;
};

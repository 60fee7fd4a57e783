// The audit log of the workspace (admins and owners): filter by actor, action, subject and time, export to a
// JSON-Lines or CSV file page by page, and verify the hash chain, showing where it breaks.
#pragma once

#include "Page.h"

#include <memory>

class ConsoleSession;
class QComboBox;
class QFile;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QWidget;

class AuditPage : public Page
{
    Q_OBJECT
public:
    explicit AuditPage(ConsoleSession *session, QWidget *parent = nullptr);
    ~AuditPage() override;

    QString title() const override;
    QIcon icon() const override;
    void pageShown() override;
    bool availableToRole(const QString &role) const override; // admins and owners read the audit log

    void reload(); // the first page with the current filter
    void loadMore();
    void verify();
    // Streams every page of the filtered log to `path` (format "jsonl" or "csv"), writing as pages arrive.
    void exportTo(const QString &path, const QString &format);

Q_SIGNALS:
    void exportFinished(bool ok, const QString &message);
    void verified(bool ok);

private:
    struct Export;
    void fetchPage(const QString &cursor, bool append);
    void nextExportPage();
    void finishExport(bool ok, const QString &message);
    void chooseExportFile();
    void updateAccess();
    void setStatus(const QString &text, bool error = false);

    ConsoleSession *m_session;
    QWidget *m_body;
    QLabel *m_denied;
    QLineEdit *m_actor;
    QLineEdit *m_action;
    QLineEdit *m_subject;
    QLineEdit *m_since;
    QLineEdit *m_until;
    QTreeWidget *m_table;
    QPushButton *m_more;
    QPushButton *m_export;
    QLabel *m_verdict;
    QLabel *m_status;
    QString m_nextCursor;
    qint64 m_brokenSeq = 0;
    std::unique_ptr<Export> m_running; // the export being written, if any
};

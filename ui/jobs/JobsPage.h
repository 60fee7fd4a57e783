// The Jobs page: a filter bar (state, labels, text), the jobs table fed by JobsModel, the detail pane of the
// selected job in a splitter, the submit dialog, "Run your first job" on an empty store, and keyboard actions.
#pragma once

#include "Page.h"

#include <QJsonObject>

class JobDetailPane;
class JobsModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTimer;
class SubmitDialog;

class JobsPage : public Page
{
    Q_OBJECT
public:
    explicit JobsPage(ConsoleSession *session, QWidget *parent = nullptr);
    ~JobsPage() override;
    QString title() const override { return tr("Jobs"); }
    QIcon icon() const override;
    void pageShown() override;

    JobsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    JobDetailPane *detail() const { return m_detail; }
    // Selects a job (fetching it when it is not loaded) and shows it in the detail pane.
    void selectJob(const QString &jobId);
    QString selectedJob() const;
    // Opens the submit dialog, empty or filled from a job (clone and edit), or with a shell command.
    SubmitDialog *openSubmitDialog(const QJsonObject &prefill = {}, const QString &command = {});
    static QString firstJobCommand();

private:
    void applyFilters();
    void applyPendingSelection();
    void updateStatus();
    void updateEmptyState();
    void saveLayout();

    JobsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_stateFilter;
    QLineEdit *m_labelFilter;
    QLineEdit *m_textFilter;
    QTimer *m_debounce;
    QTimer *m_ticker; // repaints live runtimes and relative times
    QLabel *m_status;
    QStackedWidget *m_center;
    QTableView *m_table;
    QSplitter *m_splitter;
    JobDetailPane *m_detail;
    QString m_pendingSelect;
    QString m_error;
    bool m_empty = false;
};

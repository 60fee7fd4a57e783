// The Jobs page: filter bar, the paged jobs table, the detail pane, the submit dialog and the page's actions.
// Filters by state, label and id prefix go to the server; other text filters the loaded rows here.
#include "JobsPage.h"

#include "ConsoleSession.h"
#include "JobDetailPane.h"
#include "JobsModel.h"
#include "SubmitDialog.h"

#include <QComboBox>
#include <QHeaderView>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>

namespace {
constexpr int FilterDebounceMs = 250;

// A job id or the start of one: "job_01J…" or a bare ULID prefix (its first character is 0–7 for millennia).
bool looksLikeIdPrefix(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^(job_)?[0-7][0-9a-hjkmnp-tv-z]{3,25}$"), QRegularExpression::CaseInsensitiveOption);
    return re.match(text).hasMatch();
}
}

JobsPage::JobsPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_model(new JobsModel(session, this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("jobsPage"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(JobsModel::SearchTextRole);
    m_proxy->setFilterKeyColumn(0);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setDynamicSortFilter(false); // a live row that stops matching stays until the filter changes

    // filter bar
    m_stateFilter = new QComboBox(this);
    m_stateFilter->setObjectName(QStringLiteral("stateFilter"));
    m_stateFilter->addItem(tr("All states"), QString());
    for (const char *s :
        {"QUEUED", "ASSIGNED", "RUNNING", "CANCELLING", "SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED"})
        m_stateFilter->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    m_labelFilter = new QLineEdit(this);
    m_labelFilter->setObjectName(QStringLiteral("labelFilter"));
    m_labelFilter->setPlaceholderText(tr("labels: gpu:a100 zone:eu"));
    m_labelFilter->setClearButtonEnabled(true);
    m_textFilter = new QLineEdit(this);
    m_textFilter->setObjectName(QStringLiteral("textFilter"));
    m_textFilter->setPlaceholderText(tr("Filter: job id, command, agent… (Ctrl+F)"));
    m_textFilter->setClearButtonEnabled(true);
    auto *newJob = new QPushButton(tr("New job…"), this);
    newJob->setObjectName(QStringLiteral("newJobButton"));
    newJob->setToolTip(tr("Submit a job (N)"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("jobsStatus"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_stateFilter);
    bar->addWidget(m_labelFilter, 1);
    bar->addWidget(m_textFilter, 2);
    bar->addWidget(newJob);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(FilterDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &JobsPage::applyFilters);
    connect(m_textFilter, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_labelFilter, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, &JobsPage::applyFilters);

    // the table: uniform rows, no per-row widgets, no client-side sorting (the server's order is the pages')
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("jobsTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    header->resizeSection(
        JobsModel::IdColumn, fontMetrics().horizontalAdvance(QStringLiteral("job_01JXXXXXXXXXXXXXXXXXXXXXXXX")) + 12);
    header->resizeSection(JobsModel::CommandColumn, 320);
    for (int c : {JobsModel::GpusColumn, JobsModel::ExitCodeColumn})
        header->resizeSection(c, 60);

    auto *empty = new QWidget(this);
    auto *emptyLayout = new QVBoxLayout(empty);
    auto *emptyText = new QLabel(tr("No jobs yet. Run one to see its output here."), empty);
    emptyText->setAlignment(Qt::AlignCenter);
    auto *runFirst = new QPushButton(tr("Run your first job"), empty);
    runFirst->setObjectName(QStringLiteral("runFirstJob"));
    runFirst->setToolTip(tr("Prints this machine's name and GPUs"));
    emptyLayout->addStretch();
    emptyLayout->addWidget(emptyText);
    emptyLayout->addWidget(runFirst, 0, Qt::AlignHCenter);
    emptyLayout->addStretch();
    connect(runFirst, &QPushButton::clicked, this, [this] {
        // once submitted, its live output shows in the detail pane at once
        SubmitDialog *dialog = openSubmitDialog({}, firstJobCommand());
        connect(dialog, &SubmitDialog::submitted, m_detail, &JobDetailPane::showLogTab);
    });

    m_center = new QStackedWidget(this);
    m_center->addWidget(m_table);
    m_center->addWidget(empty);

    m_detail = new JobDetailPane(session, this);
    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("jobsSplitter"));
    m_splitter->addWidget(m_center);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_status);

    QSettings settings;
    header->restoreState(settings.value(QStringLiteral("jobs/header")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("jobs/splitter")).toByteArray());
    connect(m_splitter, &QSplitter::splitterMoved, this, &JobsPage::saveLayout);

    // actions: on the page, so they work wherever the focus is in it
    auto addAction = [this](const QString &text, const QList<QKeySequence> &keys, const QString &name, auto slot,
                         QWidget *on = nullptr, Qt::ShortcutContext ctx = Qt::WidgetWithChildrenShortcut) {
        auto *a = new QAction(text, this);
        a->setObjectName(name);
        a->setShortcuts(keys);
        a->setShortcutContext(ctx);
        connect(a, &QAction::triggered, this, slot);
        (on ? on : this)->addAction(a);
        return a;
    };
    addAction(
        tr("New job…"), {QKeySequence(Qt::Key_N)}, QStringLiteral("newJobAction"), [this] { openSubmitDialog(); });
    addAction(tr("Filter"), {QKeySequence::Find}, QStringLiteral("filterAction"), [this] {
        m_textFilter->setFocus(Qt::ShortcutFocusReason);
        m_textFilter->selectAll();
    });
    addAction(tr("Cancel job"), {QKeySequence(Qt::Key_Delete), QKeySequence(Qt::CTRL | Qt::Key_K)},
        QStringLiteral("cancelAction"), [this] { m_detail->cancelJob(); });
    addAction(tr("Retry job"), {QKeySequence(Qt::CTRL | Qt::Key_R)}, QStringLiteral("retryAction"),
        [this] { m_detail->retryJob(); });
    addAction(tr("Clone and edit…"), {QKeySequence(Qt::CTRL | Qt::Key_D)}, QStringLiteral("cloneAction"), [this] {
        if (!m_detail->jobJson().isEmpty())
            openSubmitDialog(m_detail->jobJson());
    });
    // Enter in a filter field is the field's own: open logs is the table's
    addAction(
        tr("Open logs"), {QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)}, QStringLiteral("openLogsAction"),
        [this] { m_detail->openLogs(); }, m_table, Qt::WidgetShortcut);
    connect(newJob, &QPushButton::clicked, this, [this] { openSubmitDialog(); });
    connect(m_table, &QTableView::doubleClicked, m_detail, &JobDetailPane::openLogs);
    connect(m_detail, &JobDetailPane::cloneRequested, this, [this](const QJsonObject &job) { openSubmitDialog(job); });

    connect(
        m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
            if (current.isValid())
                m_detail->showJob(current.data(JobsModel::JobIdRole).toString());
        });
    connect(m_model, &JobsModel::jobChanged, this, [this](const QString &id) {
        if (id == m_detail->jobId())
            m_detail->refresh();
        if (id == m_pendingSelect)
            applyPendingSelection();
    });
    connect(m_model, &JobsModel::rowsInserted, this, [this] {
        if (!m_pendingSelect.isEmpty())
            applyPendingSelection();
        updateStatus();
    });
    connect(m_model, &JobsModel::modelReset, this, [this] {
        m_error.clear();
        updateStatus();
    });
    connect(m_model, &JobsModel::pageLoaded, this, [this] {
        if (!m_pendingSelect.isEmpty())
            applyPendingSelection();
        updateStatus();
    });
    connect(m_model, &JobsModel::failed, this, [this](const QString &message) {
        m_error = message;
        updateStatus();
    });
    connect(m_model, &JobsModel::emptyChanged, this, [this](bool empty) {
        m_empty = empty;
        updateEmptyState();
    });
    connect(session, &ConsoleSession::openJobRequested, this, &JobsPage::selectJob);
    connect(session, &ConsoleSession::reset, this, [this] { m_detail->showJob({}); });

    m_ticker = new QTimer(this);
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, [this] {
        if (isVisible())
            m_table->viewport()->update(); // runtimes of RUNNING jobs and relative times move on
    });
    m_ticker->start();
    if (session->state() == ConsoleSession::State::Connected)
        m_model->reload();
}

JobsPage::~JobsPage()
{
    saveLayout();
}

QIcon JobsPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("view-list-details"));
}

void JobsPage::pageShown()
{
    m_table->viewport()->update();
}

void JobsPage::saveLayout()
{
    QSettings settings;
    settings.setValue(QStringLiteral("jobs/header"), m_table->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("jobs/splitter"), m_splitter->saveState());
}

QString JobsPage::firstJobCommand()
{
    return QStringLiteral("echo \"Hello from $(hostname), $(nproc) CPUs\"\n"
                          "nvidia-smi -L 2>/dev/null || echo \"no GPU\"\n"
                          "uname -sr");
}

void JobsPage::applyFilters()
{
    m_debounce->stop();
    const QString text = m_textFilter->text().trimmed();
    QStringList labels;
    static const QRegularExpression sep(QStringLiteral("[,\\s]+"));
    for (QString l : m_labelFilter->text().split(sep, Qt::SkipEmptyParts)) {
        const qsizetype eq = l.indexOf(QLatin1Char('='));
        if (!l.contains(QLatin1Char(':')) && eq > 0)
            l[eq] = QLatin1Char(':');
        if (l.indexOf(QLatin1Char(':')) > 0)
            labels.append(l);
    }
    const bool idPrefix = looksLikeIdPrefix(text);
    m_model->setServerFilter(m_stateFilter->currentData().toString(), labels, idPrefix ? text : QString());
    m_proxy->setFilterFixedString(idPrefix ? QString() : text);
    updateStatus();
    updateEmptyState();
}

void JobsPage::updateStatus()
{
    if (!m_error.isEmpty()) {
        m_status->setText(tr("Could not load jobs: %1").arg(m_error));
        return;
    }
    const int loaded = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    QString text = shown == loaded ? tr("%n job(s) loaded", nullptr, loaded)
                                   : tr("%1 of %n loaded job(s) match", nullptr, loaded).arg(shown);
    if (m_model->canFetchMore({}))
        text += QLatin1Char(' ') + tr("(more as you scroll)");
    m_status->setText(text);
}

void JobsPage::updateEmptyState()
{
    const bool showEmpty = m_empty && !m_model->hasFilter() && m_textFilter->text().isEmpty();
    m_center->setCurrentIndex(showEmpty ? 1 : 0);
}

SubmitDialog *JobsPage::openSubmitDialog(const QJsonObject &prefill, const QString &command)
{
    auto *dialog = new SubmitDialog(session(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!prefill.isEmpty())
        dialog->prefill(prefill);
    if (!command.isEmpty())
        dialog->setCommand(command);
    connect(dialog, &SubmitDialog::submitted, this, &JobsPage::selectJob);
    dialog->open();
    return dialog;
}

void JobsPage::selectJob(const QString &jobId)
{
    if (jobId.isEmpty())
        return;
    m_pendingSelect = jobId;
    m_detail->showJob(jobId);
    if (m_model->rowOf(jobId) < 0)
        m_model->ensureJob(jobId); // a job created a moment ago, or not loaded yet
    applyPendingSelection();
}

void JobsPage::applyPendingSelection()
{
    const int row = m_model->rowOf(m_pendingSelect);
    if (row < 0)
        return;
    const QModelIndex proxyIndex = m_proxy->mapFromSource(m_model->index(row, 0));
    m_pendingSelect.clear();
    if (m_center->currentIndex() != 0)
        m_center->setCurrentIndex(0);
    if (!proxyIndex.isValid())
        return; // the text filter hides it; the detail pane shows it anyway
    m_table->selectionModel()->setCurrentIndex(
        proxyIndex, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(proxyIndex);
}

QString JobsPage::selectedJob() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? current.data(JobsModel::JobIdRole).toString() : m_detail->jobId();
}

#include "LogsPage.h"

#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "LogView.h"
#include "MultiLogModel.h"
#include "UiFormat.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

LogsPage::LogsPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_model(new MultiLogModel(session->client(), this))
    , m_view(new LogView(this))
    , m_splitter(new QSplitter(this))
    , m_running(new QListWidget(this))
    , m_ids(new QLineEdit(this))
    , m_follow(new QPushButton(tr("Follow"), this))
    , m_filter(new QLineEdit(this))
    , m_search(new QLineEdit(this))
    , m_jump(new QPushButton(tr("Jump to end"), this))
    , m_status(new QLabel(this))
    , m_filterDebounce(new QTimer(this))
{
    setObjectName(QStringLiteral("logsPage"));
    m_view->setObjectName(QStringLiteral("logsView"));
    m_view->setSource(m_model);
    m_running->setObjectName(QStringLiteral("logsRunningJobs"));
    m_running->setToolTip(tr("Running jobs: tick the ones to tail"));
    m_ids->setObjectName(QStringLiteral("logsJobIds"));
    m_ids->setPlaceholderText(tr("Job ids to follow (paste, separated by spaces or commas)"));
    m_follow->setObjectName(QStringLiteral("logsFollow"));
    m_filter->setObjectName(QStringLiteral("logsFilter"));
    m_filter->setPlaceholderText(tr("Filter (regular expression)"));
    m_filter->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("logsSearch"));
    m_search->setPlaceholderText(tr("Search"));
    m_search->setClearButtonEnabled(true);
    m_jump->setObjectName(QStringLiteral("logsJumpToEnd"));
    m_jump->setEnabled(false);
    m_status->setObjectName(QStringLiteral("logsStatus"));

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Running jobs"), left));
    leftLayout->addWidget(m_running, 1);
    auto *paste = new QHBoxLayout;
    paste->addWidget(m_ids, 1);
    paste->addWidget(m_follow);
    leftLayout->addLayout(paste);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_jump);
    rightLayout->addLayout(bar);
    rightLayout->addWidget(m_view, 1);
    rightLayout->addWidget(m_status);

    m_splitter->addWidget(left);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->restoreState(QSettings().value(QStringLiteral("logs/splitter")).toByteArray());
    connect(m_splitter, &QSplitter::splitterMoved, this,
        [this] { QSettings().setValue(QStringLiteral("logs/splitter"), m_splitter->saveState()); });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter);

    auto addAction = [this](const QString &text, const QKeySequence &key, auto slot) {
        auto *a = new QAction(text, this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, slot);
        QWidget::addAction(a);
        return a;
    };
    addAction(tr("Find next"), QKeySequence(Qt::Key_F3), [this] { m_view->findNext(); });
    addAction(tr("Find previous"), QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { m_view->findPrevious(); });
    addAction(tr("Jump to end"), QKeySequence(Qt::CTRL | Qt::Key_End), [this] { m_view->jumpToEnd(); });
    addAction(tr("Filter"), QKeySequence(Qt::CTRL | Qt::Key_L), [this] { m_filter->setFocus(); });
    addAction(tr("Search"), QKeySequence::Find, [this] { m_search->setFocus(); });
    addAction(tr("Refresh running jobs"), QKeySequence::Refresh, [this] { refreshRunning(); });

    connect(m_follow, &QPushButton::clicked, this, &LogsPage::followPasted);
    connect(m_ids, &QLineEdit::returnPressed, this, &LogsPage::followPasted);
    connect(m_jump, &QPushButton::clicked, m_view, &LogView::jumpToEnd);
    connect(m_view, &LogView::followChanged, this, [this](bool following) { m_jump->setEnabled(!following); });
    m_filterDebounce->setSingleShot(true);
    m_filterDebounce->setInterval(150);
    connect(m_filter, &QLineEdit::textChanged, m_filterDebounce, qOverload<>(&QTimer::start));
    connect(m_filterDebounce, &QTimer::timeout, this, [this] { m_view->setFilter(m_filter->text()); });
    connect(m_search, &QLineEdit::textChanged, m_view, &LogView::setSearch);
    connect(m_search, &QLineEdit::returnPressed, m_view, &LogView::findNext);
    connect(m_view, &LogView::rowsChanged, this, &LogsPage::updateStatus);
    connect(m_model, &MultiLogModel::jobsChanged, this, &LogsPage::updateStatus);
    connect(m_model, &MultiLogModel::jobFailed, this, [this](const QString &id, const ClientError &e) {
        m_error = tr("%1: %2").arg(id, e.describe());
        updateStatus();
    });
    connect(m_running, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        if (m_updatingList)
            return;
        const QString id = item->data(Qt::UserRole).toString();
        if (item->checkState() == Qt::Checked)
            m_model->follow(id);
        else
            m_model->unfollow(id);
    });
    connect(m_running, &QListWidget::itemDoubleClicked, this,
        [this](QListWidgetItem *item) { this->session()->requestOpenJob(item->data(Qt::UserRole).toString()); });
    connect(session, &ConsoleSession::followLogsRequested, this, &LogsPage::followJobs);
    connect(session, &ConsoleSession::reset, this, &LogsPage::onReset);
    connect(session, &ConsoleSession::event, this, [this](const ClientEvent &e) {
        // a job started or ended: the running list is stale (refreshed when seen)
        if (e.type.startsWith(QLatin1String("job.")) && isVisible())
            QTimer::singleShot(500, this, &LogsPage::refreshRunning);
    });
    updateStatus();
}

LogsPage::~LogsPage() = default;

QIcon LogsPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("utilities-terminal"));
}

void LogsPage::pageShown()
{
    refreshRunning();
}

void LogsPage::onReset()
{
    const QString key = session()->serverUrl() + QLatin1Char('\n') + session()->profileName() + QLatin1Char('\n')
        + session()->workspaceId();
    // the same server after a reconnect: every JobLogStream resumes where it stopped, without a gap
    if (key != m_connection && !m_connection.isEmpty())
        m_model->clear();
    m_connection = key;
    m_error.clear();
    if (isVisible())
        refreshRunning();
}

void LogsPage::followJobs(const QStringList &jobIds)
{
    for (const QString &id : jobIds)
        m_model->follow(id.trimmed());
    refreshRunning();
}

void LogsPage::followPasted()
{
    const QStringList ids = m_ids->text().split(QRegularExpression(QStringLiteral("[\\s,;]+")), Qt::SkipEmptyParts);
    followJobs(ids);
    m_ids->clear();
}

void LogsPage::refreshRunning()
{
    JobFilter f;
    f.state = QStringLiteral("RUNNING");
    f.limit = 200;
    QPointer<LogsPage> self(this);
    session()->client()->jobs(f, [self](ClientResult<JobPage> r) {
        if (!self)
            return;
        if (!r) {
            self->m_error = r.error().describe();
            return self->updateStatus();
        }
        self->m_updatingList = true;
        self->m_running->clear();
        QStringList shown;
        for (const JobView &v : r.value().jobs) {
            auto *item = new QListWidgetItem(self->m_running);
            const QString command
                = v.job.spec.command.isEmpty() ? v.job.spec.argv.join(QLatin1Char(' ')) : v.job.spec.command;
            item->setText(QStringLiteral("%1  %2").arg(v.job.id, command.left(60)));
            item->setToolTip(command.left(500));
            item->setData(Qt::UserRole, v.job.id);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(self->m_model->isFollowing(v.job.id) ? Qt::Checked : Qt::Unchecked);
            shown << v.job.id;
        }
        // followed jobs that are no longer running stay listed (their last lines are on screen)
        for (const QString &id : self->m_model->jobs()) {
            if (shown.contains(id))
                continue;
            auto *item = new QListWidgetItem(id, self->m_running);
            item->setData(Qt::UserRole, id);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(self->m_model->isFollowing(id) ? Qt::Checked : Qt::Unchecked);
        }
        self->m_updatingList = false;
    });
}

void LogsPage::updateStatus()
{
    QStringList parts;
    const int jobs = int(m_model->jobs().size());
    parts << tr("%n job(s)", nullptr, jobs);
    parts << tr("%1 lines kept (the newest %2)")
                 .arg(UiFormat::thousands(m_model->endKey() - m_model->firstKey()),
                     UiFormat::thousands(qint64(MultiLogModel::ChunkLines) * MultiLogModel::MaxChunks));
    if (m_view->isFiltered())
        parts << tr("%1 match").arg(UiFormat::thousands(m_view->rowCount()));
    if (!m_error.isEmpty())
        parts << m_error;
    m_status->setText(parts.join(QStringLiteral(" · ")));
}

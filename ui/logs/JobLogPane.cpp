#include "JobLogPane.h"

#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "LogModel.h"
#include "LogSaver.h"
#include "LogView.h"
#include "UiFormat.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

JobLogPane::JobLogPane(ConsoleSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new LogModel(session->client(), this))
    , m_view(new LogView(this))
    , m_filter(new QLineEdit(this))
    , m_search(new QLineEdit(this))
    , m_timestamps(new QCheckBox(tr("Timestamps"), this))
    , m_attempt(new QComboBox(this))
    , m_save(new QToolButton(this))
    , m_cancelSave(new QToolButton(this))
    , m_jump(new QPushButton(tr("Jump to end"), this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_filterDebounce(new QTimer(this))
{
    setObjectName(QStringLiteral("jobLogPane"));
    m_view->setSource(m_model);
    m_filter->setObjectName(QStringLiteral("logFilter"));
    m_filter->setPlaceholderText(tr("Filter (regular expression)"));
    m_filter->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Search"));
    m_search->setClearButtonEnabled(true);
    m_timestamps->setObjectName(QStringLiteral("logTimestamps"));
    m_attempt->setObjectName(QStringLiteral("logAttempt"));
    m_attempt->setToolTip(tr("Attempt whose log is shown"));
    m_save->setObjectName(QStringLiteral("logSave"));
    m_cancelSave->setObjectName(QStringLiteral("logSaveCancel"));
    m_cancelSave->setVisible(false);
    m_jump->setObjectName(QStringLiteral("jumpToEnd"));
    m_jump->setEnabled(false);
    m_progress->setObjectName(QStringLiteral("logProgress"));
    m_progress->setVisible(false);
    m_progress->setMaximumWidth(160);
    m_progress->setTextVisible(true);
    m_status->setObjectName(QStringLiteral("logStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *prev = new QToolButton(this);
    auto *next = new QToolButton(this);
    prev->setObjectName(QStringLiteral("logSearchPrevious"));
    next->setObjectName(QStringLiteral("logSearchNext"));

    auto addAction = [this](const QString &text, const QKeySequence &key, auto slot) {
        auto *a = new QAction(text, this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, slot);
        QWidget::addAction(a);
        return a;
    };
    QAction *findNext = addAction(tr("Find next"), QKeySequence(Qt::Key_F3), [this] { m_view->findNext(); });
    QAction *findPrev
        = addAction(tr("Find previous"), QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { m_view->findPrevious(); });
    QAction *save = addAction(tr("Save log…"), QKeySequence::Save, [this] { chooseSaveFile(); });
    QAction *jump = addAction(tr("Jump to end"), QKeySequence(Qt::CTRL | Qt::Key_End), [this] { m_view->jumpToEnd(); });
    addAction(tr("Filter"), QKeySequence(Qt::CTRL | Qt::Key_L), [this] { m_filter->setFocus(); });
    addAction(tr("Search"), QKeySequence::Find, [this] { m_search->setFocus(); });
    addAction(tr("Show timestamps"), QKeySequence(Qt::ALT | Qt::Key_T), [this] { m_timestamps->toggle(); });
    QAction *cancel = addAction(tr("Cancel saving"), QKeySequence(), [this] {
        if (m_saver)
            m_saver->cancel();
    });
    prev->setDefaultAction(findPrev);
    prev->setText(tr("Previous"));
    next->setDefaultAction(findNext);
    next->setText(tr("Next"));
    m_save->setDefaultAction(save);
    m_cancelSave->setDefaultAction(cancel);
    m_jump->setToolTip(tr("Follow new lines again (%1)").arg(jump->shortcut().toString(QKeySequence::NativeText)));
    connect(m_jump, &QPushButton::clicked, jump, &QAction::trigger);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_filter, 2);
    bar->addWidget(m_search, 2);
    bar->addWidget(prev);
    bar->addWidget(next);
    bar->addWidget(m_timestamps);
    bar->addWidget(m_attempt);
    bar->addWidget(m_save);
    bar->addWidget(m_cancelSave);
    bar->addWidget(m_jump);
    auto *foot = new QHBoxLayout;
    foot->setContentsMargins(0, 0, 0, 0);
    foot->addWidget(m_status, 1);
    foot->addWidget(m_progress);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addLayout(foot);

    m_timestamps->setChecked(QSettings().value(QStringLiteral("logs/timestamps"), false).toBool());
    m_view->setShowTimestamps(m_timestamps->isChecked());
    connect(m_timestamps, &QCheckBox::toggled, this, [this](bool on) {
        m_view->setShowTimestamps(on);
        QSettings().setValue(QStringLiteral("logs/timestamps"), on);
    });

    m_filterDebounce->setSingleShot(true);
    m_filterDebounce->setInterval(150);
    connect(m_filter, &QLineEdit::textChanged, m_filterDebounce, qOverload<>(&QTimer::start));
    connect(m_filterDebounce, &QTimer::timeout, this, [this] { m_view->setFilter(m_filter->text()); });
    connect(m_view, &LogView::filterError, this, [this](const QString &e) {
        m_filter->setToolTip(e);
        m_filter->setStyleSheet(e.isEmpty() ? QString() : QStringLiteral("QLineEdit { color: #c0392b; }"));
        m_note = e.isEmpty() ? QString() : tr("Filter: %1").arg(e);
        updateStatus();
    });
    connect(m_view, &LogView::filterProgress, this, [this](qint64 done, qint64 total, bool caughtUp) {
        if (m_saver)
            return;
        m_progress->setVisible(!caughtUp && total > 0);
        m_progress->setFormat(tr("Filtering %p%"));
        m_progress->setRange(0, 1000);
        m_progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
        updateStatus();
    });
    connect(m_search, &QLineEdit::textChanged, m_view, &LogView::setSearch);
    connect(m_search, &QLineEdit::returnPressed, m_view, &LogView::findNext);
    connect(m_view, &LogView::searchResult, this, [this](bool found, qint64) {
        m_note = found ? QString() : tr("No more matches for “%1”").arg(m_search->text());
        updateStatus();
    });
    connect(m_view, &LogView::message, this, [this](const QString &text) {
        m_note = text;
        updateStatus();
    });
    connect(m_view, &LogView::followChanged, this, [this](bool following) { m_jump->setEnabled(!following); });
    connect(m_view, &LogView::rowsChanged, this, &JobLogPane::updateStatus);

    connect(m_attempt, &QComboBox::activated, this, [this](int index) {
        const int attempt = m_attempt->itemData(index).toInt();
        m_model->open(m_jobId, attempt == m_latestAttempt ? 0 : attempt);
    });
    connect(m_model, &LogModel::opened, this, [this](int attempt) {
        setAttempts(std::max(m_latestAttempt, attempt), attempt);
        m_error.clear();
        updateStatus();
    });
    connect(m_model, &LogModel::attemptChanged, this, [this](int attempt) { setAttempts(attempt, attempt); });
    connect(m_model, &LogModel::failed, this, [this](const ClientError &e) {
        m_error = e.describe();
        updateStatus();
    });
    connect(m_model, &LogModel::reconnecting, this, [this](const ClientError &e) {
        m_error = tr("Reconnecting: %1").arg(e.describe());
        updateStatus();
    });
    connect(m_model, &LogModel::connected, this, [this] {
        m_error.clear();
        updateStatus();
    });
    connect(m_model, &LogModel::ended, this, &JobLogPane::updateStatus);
    connect(m_session, &ConsoleSession::reset, this, [this] {
        const QString key = m_session->serverUrl() + QLatin1Char('\n') + m_session->profileName() + QLatin1Char('\n')
            + m_session->workspaceId();
        // the same server after a reconnect: the live stream resumes where it stopped, without a gap
        const bool same = key == m_connection;
        m_connection = key;
        if (!same || !m_model->isOpen() || !m_error.isEmpty())
            reopen();
    });
    updateStatus();
}

JobLogPane::~JobLogPane() = default;

void JobLogPane::showJob(const QString &jobId)
{
    if (jobId == m_jobId && !jobId.isEmpty())
        return;
    m_jobId = jobId;
    m_latestAttempt = 0;
    m_attempt->clear();
    m_error.clear();
    m_note.clear();
    reopen();
}

void JobLogPane::reopen()
{
    if (m_jobId.isEmpty()) {
        m_model->close();
        emit m_model->reset();
        updateStatus();
        return;
    }
    m_model->open(m_jobId, 0);
    // the attempts there are: the latest is the job's
    QPointer<JobLogPane> self(this);
    const QString id = m_jobId;
    m_session->client()->job(id, [self, id](ClientResult<JobView> r) {
        if (!self || self->m_jobId != id || !r)
            return;
        self->setAttempts(std::max(self->m_latestAttempt, r.value().job.attempt), -1);
    });
}

void JobLogPane::setAttempts(int latest, int shown)
{
    m_latestAttempt = std::max(1, latest);
    const QSignalBlocker block(m_attempt);
    const int current
        = shown > 0 ? shown : (m_attempt->currentIndex() >= 0 ? m_attempt->currentData().toInt() : latest);
    m_attempt->clear();
    for (int a = 1; a <= m_latestAttempt; ++a)
        m_attempt->addItem(tr("Attempt %1").arg(a), a);
    m_attempt->setCurrentIndex(std::clamp(current, 1, m_latestAttempt) - 1);
    m_attempt->setEnabled(m_latestAttempt > 1);
}

void JobLogPane::updateStatus()
{
    QStringList parts;
    if (m_jobId.isEmpty()) {
        m_status->setText(tr("No job selected"));
        return;
    }
    if (m_model->isOpen()) {
        const qint64 lines = m_model->lastSeq() - m_model->firstSeq() + 1;
        if (m_view->isFiltered())
            parts << tr("%1 of %2 lines match")
                         .arg(UiFormat::thousands(m_view->rowCount()), UiFormat::thousands(std::max<qint64>(0, lines)));
        else
            parts << tr("%1 lines").arg(UiFormat::thousands(std::max<qint64>(0, lines)));
        if (m_model->droppedLines() > 0)
            parts << tr("%1 dropped by the size cap").arg(UiFormat::thousands(m_model->droppedLines()));
        if (m_model->isLive())
            parts << (m_view->isFollowing() ? tr("following") : tr("paused"));
        else if (!m_model->jobState().isEmpty())
            parts << m_model->jobState();
    } else if (m_error.isEmpty()) {
        parts << tr("Loading…");
    }
    if (!m_error.isEmpty())
        parts << m_error;
    if (!m_note.isEmpty())
        parts << m_note;
    m_status->setText(parts.join(QStringLiteral(" · ")));
}

void JobLogPane::chooseSaveFile()
{
    if (m_jobId.isEmpty() || m_saver)
        return;
    // a non-modal dialog: the GUI thread keeps running while it is open
    auto *dialog = new QFileDialog(this, tr("Save log"), QSettings().value(QStringLiteral("logs/saveDir")).toString(),
        tr("Log files (*.log *.txt);;All files (*)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->selectFile(m_jobId + QStringLiteral(".log"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QSettings().setValue(QStringLiteral("logs/saveDir"), QFileInfo(path).absolutePath());
        saveTo(path);
    });
    dialog->open();
}

void JobLogPane::saveTo(const QString &path)
{
    if (m_jobId.isEmpty() || m_saver)
        return;
    const int attempt = m_model->attempt();
    m_saver = new LogSaver(m_session->client(), m_jobId, attempt, path, this);
    m_progress->setVisible(true);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Saving %p%"));
    m_cancelSave->setVisible(true);
    m_save->setEnabled(false);
    connect(m_saver, &LogSaver::progress, this,
        [this](qint64 done, qint64 total) { m_progress->setValue(total > 0 ? int(done * 1000 / total) : 1000); });
    connect(m_saver, &LogSaver::finished, this, [this, path](bool ok, const QString &error) {
        m_progress->setVisible(false);
        m_cancelSave->setVisible(false);
        m_save->setEnabled(true);
        m_note = ok ? tr("Saved to %1").arg(path) : error;
        updateStatus();
        m_saver->deleteLater();
        m_saver = nullptr;
        emit saveFinished(ok, error);
    });
    m_saver->start();
}

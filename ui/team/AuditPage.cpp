// The table shows the log through the same paged export (JSON-Lines) that files are written from, so what
// is on screen is what is exported. A file is written a page at a time: memory stays one page whatever the log.
#include "AuditPage.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QTreeWidget>
#include <QVBoxLayout>

struct AuditPage::Export
{
    QSaveFile file;
    QString format;
    AuditFilter filter;
    QString workspaceId;
    QString cursor;
    qint64 bytes = 0;
    int pages = 0;
};

AuditPage::AuditPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("auditPage"));
    m_denied = new QLabel(tr("Reading the audit log needs an admin or owner of the workspace."), this);
    m_denied->setObjectName(QStringLiteral("auditDenied"));
    m_body = new QWidget(this);
    auto field = [this](const char *name, const QString &placeholder) {
        auto *e = new QLineEdit(m_body);
        e->setObjectName(QLatin1String(name));
        e->setPlaceholderText(placeholder);
        e->setClearButtonEnabled(true);
        connect(e, &QLineEdit::returnPressed, this, &AuditPage::reload);
        return e;
    };
    m_actor = field("auditActor", tr("user:…, key:…, node:…"));
    m_action = field("auditAction", tr("job.submit, key.create, …"));
    m_subject = field("auditSubject", tr("an id"));
    m_since = field("auditSince", tr("2026-01-31T00:00:00Z"));
    m_until = field("auditUntil", tr("ISO 8601 or epoch ms"));
    auto *apply = new QPushButton(tr("&Filter"), m_body);
    apply->setObjectName(QStringLiteral("auditFilterButton"));
    connect(apply, &QPushButton::clicked, this, &AuditPage::reload);
    auto *filters = new QFormLayout;
    filters->addRow(tr("Actor"), m_actor);
    filters->addRow(tr("Action"), m_action);
    filters->addRow(tr("Subject"), m_subject);
    auto *times = new QHBoxLayout;
    times->addWidget(m_since);
    times->addWidget(new QLabel(tr("to"), m_body));
    times->addWidget(m_until);
    times->addWidget(apply);
    filters->addRow(tr("Since"), times);

    m_table = new QTreeWidget(m_body);
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setHeaderLabels(
        {tr("#"), tr("At"), tr("Actor"), tr("Action"), tr("Subject"), tr("Outcome"), tr("Source"), tr("Hash")});
    m_more = new QPushButton(tr("Load &more"), m_body);
    m_more->setObjectName(QStringLiteral("auditMore"));
    m_more->setEnabled(false);
    connect(m_more, &QPushButton::clicked, this, &AuditPage::loadMore);
    m_export = new QPushButton(tr("&Export…"), m_body);
    m_export->setObjectName(QStringLiteral("auditExport"));
    connect(m_export, &QPushButton::clicked, this, &AuditPage::chooseExportFile);
    auto *verifyButton = new QPushButton(tr("&Verify chain"), m_body);
    verifyButton->setObjectName(QStringLiteral("verifyButton"));
    connect(verifyButton, &QPushButton::clicked, this, &AuditPage::verify);
    m_verdict = new QLabel(m_body);
    m_verdict->setObjectName(QStringLiteral("verifyLabel"));
    m_verdict->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_more);
    buttons->addStretch(1);
    buttons->addWidget(m_export);
    buttons->addWidget(verifyButton);

    auto *bodyLayout = new QVBoxLayout(m_body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addLayout(filters);
    bodyLayout->addWidget(m_table, 1);
    bodyLayout->addLayout(buttons);
    bodyLayout->addWidget(m_verdict);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("auditStatus"));
    m_status->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_denied);
    layout->addWidget(m_body, 1);
    layout->addWidget(m_status);

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, this, &AuditPage::reload);
    addAction(refresh);
    auto *save = new QAction(tr("Export"), this);
    save->setShortcut(QKeySequence::Save);
    save->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(save, &QAction::triggered, this, &AuditPage::chooseExportFile);
    addAction(save);

    connect(m_session, &ConsoleSession::reset, this, [this] {
        m_table->clear();
        m_verdict->clear();
        updateAccess();
        if (isVisible())
            reload();
    });
    connect(m_session, &ConsoleSession::identityChanged, this, &AuditPage::updateAccess);
    updateAccess();
}

AuditPage::~AuditPage() = default;

QString AuditPage::title() const
{
    return tr("Audit");
}

QIcon AuditPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("document-properties"));
}

bool AuditPage::availableToRole(const QString &role) const
{
    return role == QLatin1String("admin") || role == QLatin1String("owner");
}

void AuditPage::pageShown()
{
    updateAccess();
    if (m_session->isAdmin() && m_table->topLevelItemCount() == 0)
        reload();
}

void AuditPage::updateAccess()
{
    const bool admin = m_session->isAdmin();
    m_denied->setVisible(!admin);
    m_body->setEnabled(admin);
}

void AuditPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

void AuditPage::reload()
{
    m_table->clear();
    fetchPage(QString(), false);
}

void AuditPage::loadMore()
{
    if (!m_nextCursor.isEmpty())
        fetchPage(m_nextCursor, true);
}

void AuditPage::fetchPage(const QString &cursor, bool append)
{
    if (!m_session->isAdmin())
        return;
    const AuditFilter filter {m_actor->text().trimmed(), m_action->text().trimmed(), m_subject->text().trimmed(),
        m_since->text().trimmed(), m_until->text().trimmed()};
    m_more->setEnabled(false);
    QPointer<AuditPage> self(this);
    m_session->client()->auditExport(m_session->me().workspaceId, filter, QStringLiteral("jsonl"), cursor,
        [self, append](ClientResult<AuditChunk> r) {
            if (!self)
                return;
            if (!r)
                return self->setStatus(tr("Could not read the audit log: %1").arg(r.error().describe()), true);
            if (!append)
                self->m_table->clear();
            for (const QByteArray &line : r.value().body.split('\n')) {
                const QJsonObject e = QJsonDocument::fromJson(line).object();
                if (e.isEmpty())
                    continue;
                auto *item = new QTreeWidgetItem(self->m_table);
                const qint64 seq = qint64(e.value(QStringLiteral("seq")).toDouble());
                item->setData(0, Qt::DisplayRole, seq);
                item->setText(1, e.value(QStringLiteral("at")).toString());
                item->setText(2, e.value(QStringLiteral("actor")).toString());
                item->setText(3, e.value(QStringLiteral("action")).toString());
                item->setText(4, e.value(QStringLiteral("subject")).toString());
                item->setText(5, e.value(QStringLiteral("outcome")).toString());
                item->setText(6, e.value(QStringLiteral("source")).toString());
                item->setText(7, e.value(QStringLiteral("hash")).toString().left(16));
                item->setToolTip(7, e.value(QStringLiteral("hash")).toString());
                if (seq == self->m_brokenSeq && seq > 0)
                    for (int c = 0; c < 8; ++c)
                        item->setBackground(c, QColor(255, 200, 200));
            }
            self->m_nextCursor = r.value().nextCursor;
            self->m_more->setEnabled(!self->m_nextCursor.isEmpty());
            self->setStatus(tr("%n entr(ies) shown", nullptr, self->m_table->topLevelItemCount()));
        });
}

void AuditPage::verify()
{
    QPointer<AuditPage> self(this);
    m_session->client()->auditVerify(m_session->me().workspaceId, [self](ClientResult<AuditVerdict> r) {
        if (!self)
            return;
        if (!r) {
            self->m_verdict->setText(tr("Could not verify: %1").arg(r.error().describe()));
            return;
        }
        const AuditVerdict &v = r.value();
        self->m_brokenSeq = v.ok ? 0 : v.firstBrokenSeq;
        if (v.ok) {
            self->m_verdict->setText(tr("The chain is intact: %n entr(ies) checked", nullptr, int(v.checked)));
            self->m_verdict->setStyleSheet(QString());
        } else {
            self->m_verdict->setText(tr("The chain breaks at entry #%1: %2 (%3 checked before it)")
                                         .arg(v.firstBrokenSeq)
                                         .arg(v.reason)
                                         .arg(v.checked));
            self->m_verdict->setStyleSheet(QStringLiteral("color: #c0392b;"));
            for (int i = 0; i < self->m_table->topLevelItemCount(); ++i) {
                QTreeWidgetItem *item = self->m_table->topLevelItem(i);
                if (item->data(0, Qt::DisplayRole).toLongLong() == v.firstBrokenSeq) {
                    self->m_table->setCurrentItem(item);
                    self->m_table->scrollToItem(item);
                }
            }
        }
        Q_EMIT self->verified(v.ok);
    });
}

void AuditPage::chooseExportFile()
{
    if (!m_session->isAdmin() || m_running)
        return;
    auto *dialog = new QFileDialog(this, tr("Export the audit log"));
    dialog->setObjectName(QStringLiteral("auditExportDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilters({tr("JSON Lines (*.jsonl)"), tr("CSV (*.csv)")});
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this, dialog](const QString &path) {
        const bool csv = dialog->selectedNameFilter().contains(QLatin1String("csv"))
            || path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive);
        exportTo(path, csv ? QStringLiteral("csv") : QStringLiteral("jsonl"));
    });
    dialog->open();
}

void AuditPage::exportTo(const QString &path, const QString &format)
{
    if (m_running)
        return Q_EMIT exportFinished(false, tr("An export is already running"));
    m_running = std::make_unique<Export>();
    m_running->file.setFileName(path);
    m_running->format = format;
    m_running->workspaceId = m_session->me().workspaceId;
    m_running->filter = {m_actor->text().trimmed(), m_action->text().trimmed(), m_subject->text().trimmed(),
        m_since->text().trimmed(), m_until->text().trimmed()};
    if (!m_running->file.open(QIODevice::WriteOnly))
        return finishExport(false, tr("Cannot write %1: %2").arg(path, m_running->file.errorString()));
    m_export->setEnabled(false);
    nextExportPage();
}

void AuditPage::nextExportPage()
{
    const QString cursor = m_running->cursor;
    QPointer<AuditPage> self(this);
    m_session->client()->auditExport(
        m_running->workspaceId, m_running->filter, m_running->format, cursor, [self](ClientResult<AuditChunk> r) {
            if (!self || !self->m_running)
                return;
            if (!r)
                return self->finishExport(false, tr("The export stopped: %1").arg(r.error().describe()));
            Export &ex = *self->m_running;
            QByteArray body = r.value().body;
            if (ex.format == QLatin1String("csv") && ex.pages > 0) {
                const qsizetype eol = body.indexOf('\n'); // each page repeats the header line
                body = eol >= 0 ? body.mid(eol + 1) : QByteArray();
            }
            if (ex.file.write(body) != body.size())
                return self->finishExport(false, tr("Cannot write: %1").arg(ex.file.errorString()));
            ex.bytes += body.size();
            ++ex.pages;
            self->setStatus(tr("Exporting… %1 page(s), %2 bytes").arg(ex.pages).arg(ex.bytes));
            if (r.value().nextCursor.isEmpty()) {
                if (!ex.file.commit())
                    return self->finishExport(false, tr("Cannot write: %1").arg(ex.file.errorString()));
                return self->finishExport(true, tr("Exported %1 bytes to %2").arg(ex.bytes).arg(ex.file.fileName()));
            }
            ex.cursor = r.value().nextCursor;
            self->nextExportPage();
        });
}

void AuditPage::finishExport(bool ok, const QString &message)
{
    if (m_running && !ok)
        m_running->file.cancelWriting();
    m_running.reset();
    m_export->setEnabled(true);
    setStatus(message, !ok);
    Q_EMIT exportFinished(ok, message);
}

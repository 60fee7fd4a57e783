// The list is fetched when the job is shown and again when its state changes (the agent uploads before
// the job ends, so an ended job's list is complete). One download runs at a time.
#include "ArtifactList.h"
#include "ArtifactFetch.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "UiFormat.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

ArtifactList::ArtifactList(ConsoleSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("jobArtifacts"));
    m_asked = new QLabel(this);
    m_asked->setObjectName(QStringLiteral("artifactGlobs"));
    m_asked->setWordWrap(true);
    m_asked->setTextFormat(Qt::PlainText);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("artifactList"));
    m_list->setHeaderLabels({tr("Name"), tr("Size"), tr("Attempt"), tr("SHA-256")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setMaximumHeight(160);
    m_download = new QPushButton(tr("Download…"), this);
    m_download->setObjectName(QStringLiteral("artifactDownload"));
    m_open = new QPushButton(tr("Open"), this);
    m_open->setObjectName(QStringLiteral("artifactOpen"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("artifactProgress"));
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(8);
    m_progress->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("artifactStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_download);
    buttons->addWidget(m_open);
    buttons->addWidget(m_progress, 1);
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addWidget(m_asked);
    v->addWidget(m_list);
    v->addLayout(buttons);
    v->addWidget(m_status);
    connect(m_download, &QPushButton::clicked, this, &ArtifactList::downloadSelected);
    connect(m_open, &QPushButton::clicked, this, &ArtifactList::openSelected);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, [this] { setBusy(m_fetch && m_fetch->isRunning()); });
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, &ArtifactList::openSelected);
    setBusy(false);
}

void ArtifactList::clear()
{
    ++m_generation;
    m_jobId.clear();
    m_items.clear();
    m_list->clear();
    setStatus({});
    hide();
}

void ArtifactList::showJob(const QString &jobId, const QStringList &globs)
{
    if (jobId != m_jobId)
        setStatus({});
    m_jobId = jobId;
    const quint64 generation = ++m_generation;
    m_asked->setText(tr("Artifacts asked for: %1").arg(globs.join(QStringLiteral(", "))));
    show();
    QPointer<ArtifactList> self(this);
    m_session->client()->artifacts(jobId, [self, generation](ClientResult<JobArtifacts> r) {
        if (!self || self->m_generation != generation)
            return;
        if (!r)
            return self->setStatus(tr("Could not list the artifacts: %1").arg(r.error().message), true);
        const QString current = self->selected() ? self->selected()->id : QString();
        self->m_items = r.value().artifacts;
        self->m_list->clear();
        for (const ArtifactView &a : std::as_const(self->m_items)) {
            auto *item = new QTreeWidgetItem(self->m_list,
                {a.name, UiFormat::bytes(a.size), QString::number(a.attempt), a.sha256.left(16) + QStringLiteral("…")});
            item->setToolTip(3, a.sha256);
            item->setData(0, Qt::UserRole, a.id);
            if (a.id == current)
                item->setSelected(true);
        }
        if (self->m_list->selectedItems().isEmpty() && self->m_list->topLevelItemCount() > 0)
            self->m_list->topLevelItem(0)->setSelected(true);
        self->m_list->header()->resizeSections(QHeaderView::ResizeToContents);
        if (self->m_items.isEmpty() && !(self->m_fetch && self->m_fetch->isRunning()))
            self->setStatus(tr("None collected yet."));
        self->setBusy(self->m_fetch && self->m_fetch->isRunning());
    });
}

const ArtifactView *ArtifactList::selected() const
{
    const QList<QTreeWidgetItem *> items = m_list->selectedItems();
    if (items.isEmpty())
        return nullptr;
    const QString id = items.first()->data(0, Qt::UserRole).toString();
    for (const ArtifactView &a : m_items)
        if (a.id == id)
            return &a;
    return nullptr;
}

void ArtifactList::downloadSelected()
{
    const ArtifactView *a = selected();
    if (!a || (m_fetch && m_fetch->isRunning()))
        return;
    QString target = m_saveOverride;
    if (target.isEmpty()) {
        const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::DownloadLocation))
                                      .filePath(a->name.section(QLatin1Char('/'), -1));
        target = QFileDialog::getSaveFileName(this, tr("Save artifact"), suggested);
        if (target.isEmpty())
            return;
    }
    fetch(target, false);
}

void ArtifactList::openSelected()
{
    const ArtifactView *a = selected();
    if (!a || (m_fetch && m_fetch->isRunning()))
        return;
    const QString dir = QDir(QStandardPaths::writableLocation(QStandardPaths::TempLocation))
                            .filePath(QStringLiteral("tanvrit-artifacts/") + a->id);
    QDir().mkpath(dir);
    fetch(QDir(dir).filePath(a->name.section(QLatin1Char('/'), -1)), true);
}

void ArtifactList::fetch(const QString &target, bool openWhenDone)
{
    const ArtifactView *a = selected();
    if (!a)
        return;
    const ArtifactView artifact = *a;
    if (!m_fetch) {
        m_fetch = new ArtifactFetch(m_session->client(), this);
        connect(m_fetch, &ArtifactFetch::progress, this, [this](qint64 received, qint64 total) {
            m_progress->setMaximum(total > 0 ? 1000 : 0);
            m_progress->setValue(total > 0 ? int(received * 1000 / total) : 0);
        });
    }
    disconnect(m_fetch, &ArtifactFetch::finished, this, nullptr);
    connect(m_fetch, &ArtifactFetch::finished, this, [this, target, openWhenDone](bool ok, const QString &error) {
        setBusy(false);
        if (!ok) {
            setStatus(tr("Download failed: %1").arg(error), true);
            Q_EMIT failed(error);
            return;
        }
        setStatus(openWhenDone ? tr("Opened %1").arg(QDir::toNativeSeparators(target))
                               : tr("Saved to %1").arg(QDir::toNativeSeparators(target)));
        if (openWhenDone)
            QDesktopServices::openUrl(QUrl::fromLocalFile(target));
        Q_EMIT downloaded(target);
    });
    setBusy(true);
    setStatus(tr("Downloading %1…").arg(artifact.name));
    QPointer<ArtifactList> self(this);
    const quint64 generation = m_generation;
    m_session->client()->artifactLink(
        m_jobId, artifact.id, QString(), [self, generation, target](ClientResult<ArtifactLink> r) {
            if (!self || !self->m_fetch)
                return;
            if (!r || self->m_generation != generation) {
                self->setBusy(false);
                if (!r)
                    self->setStatus(tr("Download failed: %1").arg(r.error().message), true);
                return;
            }
            self->m_fetch->start(r.value(), target);
        });
}

void ArtifactList::setBusy(bool busy)
{
    const bool any = selected() != nullptr;
    m_download->setEnabled(any && !busy);
    m_open->setEnabled(any && !busy);
    m_progress->setVisible(busy);
    if (busy)
        m_progress->setValue(0);
}

void ArtifactList::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #cf222e") : QString());
    m_status->setVisible(!text.isEmpty());
}

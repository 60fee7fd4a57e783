// Reads GET /v0/agents; reloads on agent and job events (coalesced) and every few seconds while shown,
// since load and heartbeats change without an event. Actions a role may not use are disabled, with why.
#include "NodesPage.h"
#include "AddNodeDialog.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "DrainDialog.h"
#include "UiFormat.h"

#include <QAction>
#include <QDateTime>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QSplitter>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
enum Column { Name, State, Labels, JobTypes, Cpu, Memory, Gpus, Load, Heartbeat, Running, ColumnCount };

QString labelsText(const QJsonObject &labels)
{
    QStringList out;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        out << it.key() + QLatin1Char('=') + it.value().toString();
    return out.join(QStringLiteral(", "));
}

QString number(double v)
{
    return QString::number(v, 'f', v < 10 ? 1 : 0);
}
}

NodesPage::NodesPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("nodesPage"));
    auto *bar = new QToolBar(this);
    bar->setObjectName(QStringLiteral("nodesToolBar"));
    m_refresh = bar->addAction(tr("Refresh"), this, &NodesPage::reload);
    m_refresh->setShortcut(QKeySequence::Refresh);
    m_drain = bar->addAction(tr("Drain…"), this, &NodesPage::askDrain);
    m_drain->setObjectName(QStringLiteral("drainAction"));
    m_drain->setShortcut(QKeySequence(tr("Ctrl+D")));
    m_remove = bar->addAction(tr("Remove…"), this, &NodesPage::askRemove);
    m_remove->setObjectName(QStringLiteral("removeAction"));
    m_remove->setShortcut(QKeySequence::Delete);
    m_rotate = bar->addAction(tr("Rotate key"), this, &NodesPage::rotateKeySelected);
    m_rotate->setObjectName(QStringLiteral("rotateKeyAction"));
    m_rotate->setShortcut(QKeySequence(tr("Ctrl+K")));
    bar->addSeparator();
    m_add = bar->addAction(tr("Add a node…"), this, &NodesPage::openAddNodeDialog);
    m_add->setObjectName(QStringLiteral("addNodeAction"));
    m_add->setShortcut(QKeySequence::New);
    for (QAction *a : {m_refresh, m_drain, m_remove, m_rotate, m_add}) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
    }

    m_nodes = new QTreeWidget(this);
    m_nodes->setObjectName(QStringLiteral("nodesTree"));
    m_nodes->setRootIsDecorated(false);
    m_nodes->setUniformRowHeights(true);
    m_nodes->setSortingEnabled(true);
    m_nodes->setHeaderLabels({tr("Name"), tr("State"), tr("Labels"), tr("Job types"), tr("CPU alloc / used / total"),
        tr("Memory GiB alloc / used / total"), tr("GPUs"), tr("Load"), tr("Last heartbeat"), tr("Running")});
    m_nodes->sortByColumn(Name, Qt::AscendingOrder);

    m_detailTitle = new QLabel(this);
    m_detailTitle->setObjectName(QStringLiteral("nodeDetailTitle"));
    m_gpus = new QTreeWidget(this);
    m_gpus->setObjectName(QStringLiteral("gpuTree"));
    m_gpus->setRootIsDecorated(false);
    m_gpus->setHeaderLabels({tr("GPU"), tr("Model"), tr("Memory"), tr("Utilisation"), tr("Held by")});
    m_running = new QListWidget(this);
    m_running->setObjectName(QStringLiteral("runningJobsList"));
    m_running->setToolTip(tr("Double-click a job to open it"));
    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(new QLabel(tr("GPUs"), detail));
    detailLayout->addWidget(m_gpus, 2);
    detailLayout->addWidget(new QLabel(tr("Jobs on this node"), detail));
    detailLayout->addWidget(m_running, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("nodesSplitter"));
    split->addWidget(m_nodes);
    split->addWidget(detail);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("nodesStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    QSettings settings(QStringLiteral("Tanvrit"), QStringLiteral("tanvrit-compute-console"));
    m_nodes->header()->restoreState(settings.value(QStringLiteral("nodes/header")).toByteArray());
    split->restoreState(settings.value(QStringLiteral("nodes/splitter")).toByteArray());
    connect(split, &QSplitter::splitterMoved, this, [split] {
        QSettings(QStringLiteral("Tanvrit"), QStringLiteral("tanvrit-compute-console"))
            .setValue(QStringLiteral("nodes/splitter"), split->saveState());
    });

    connect(m_nodes, &QTreeWidget::itemSelectionChanged, this, [this] {
        showDetail();
        updateActions();
    });
    connect(m_running, &QListWidget::itemDoubleClicked, this,
        [this](QListWidgetItem *item) { m_session->requestOpenJob(item->data(Qt::UserRole).toString()); });
    connect(m_gpus, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        const QString job = item->data(0, Qt::UserRole).toString();
        if (!job.isEmpty())
            m_session->requestOpenJob(job);
    });

    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(1000);
    connect(&m_reloadTimer, &QTimer::timeout, this, &NodesPage::reload);
    m_poll.setInterval(5000);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (isVisible())
            reload();
    });
    m_poll.start();
    connect(m_session, &ConsoleSession::reset, this, [this] {
        m_nodes->clear();
        m_agents.clear();
        showDetail();
        m_stale = true;
        updateActions();
        reload();
    });
    connect(m_session, &ConsoleSession::identityChanged, this, &NodesPage::updateActions);
    connect(m_session, &ConsoleSession::event, this, [this](const ClientEvent &e) {
        if (e.type.startsWith(QLatin1String("agent.")) || e.type == QLatin1String("job.transitioned"))
            scheduleReload();
    });
    updateActions();
}

NodesPage::~NodesPage()
{
    QSettings(QStringLiteral("Tanvrit"), QStringLiteral("tanvrit-compute-console"))
        .setValue(QStringLiteral("nodes/header"), m_nodes->header()->saveState());
}

QString NodesPage::title() const
{
    return tr("Nodes");
}

QIcon NodesPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("network-server"));
}

void NodesPage::pageShown()
{
    if (m_stale || !m_reloadTimer.isActive())
        reload();
}

void NodesPage::scheduleReload()
{
    m_stale = true;
    if (!m_reloadTimer.isActive())
        m_reloadTimer.start();
}

void NodesPage::reload()
{
    if (m_loading) {
        scheduleReload();
        return;
    }
    m_loading = true;
    QPointer<NodesPage> self(this);
    m_session->client()->agents([self](ClientResult<AgentList> r) {
        if (!self)
            return;
        self->m_loading = false;
        if (!r)
            return self->setStatus(tr("Could not list the nodes: %1").arg(r.error().describe()), true);
        self->m_stale = false;
        self->show(r.value().agents);
    });
}

void NodesPage::show(const QList<AgentView> &agents)
{
    const QString selected = selectedId();
    m_agents.clear();
    m_nodes->setSortingEnabled(false);
    m_nodes->clear();
    for (const AgentView &v : agents) {
        const QJsonObject &o = v.json;
        const QString id = o.value(QStringLiteral("id")).toString();
        m_agents.insert(id, o);
        const QJsonObject res = o.value(QStringLiteral("resources")).toObject();
        const QJsonObject free = o.value(QStringLiteral("free")).toObject();
        const QJsonObject alloc = o.value(QStringLiteral("allocated")).toObject();
        const double cpu = res.value(QStringLiteral("cpu")).toDouble();
        const double mem = res.value(QStringLiteral("memGib")).toDouble();
        const QJsonArray gpus = o.value(QStringLiteral("gpus")).toArray();
        int held = 0;
        for (const QJsonValue &g : gpus)
            held += !g.toObject().value(QStringLiteral("jobId")).toString().isEmpty();
        const QString state = o.value(QStringLiteral("state")).toString();
        const QDateTime beat
            = QDateTime::fromString(o.value(QStringLiteral("lastHeartbeat")).toString(), Qt::ISODateWithMs);
        const int running = o.value(QStringLiteral("currentJobs")).toArray().size();

        auto *item = new QTreeWidgetItem(m_nodes);
        item->setData(Name, Qt::UserRole, id);
        item->setText(Name, o.value(QStringLiteral("name")).toString());
        item->setToolTip(Name, id + QLatin1Char('\n') + o.value(QStringLiteral("hostname")).toString());
        QString stateText = state;
        if (!o.value(QStringLiteral("drainDeadline")).toString().isEmpty())
            stateText += tr(" (deadline %1)")
                             .arg(QDateTime::fromString(
                                 o.value(QStringLiteral("drainDeadline")).toString(), Qt::ISODateWithMs)
                                      .toLocalTime()
                                      .toString(QStringLiteral("HH:mm:ss")));
        item->setText(State, stateText);
        item->setForeground(State, UiFormat::stateColor(state, palette()));
        item->setText(Labels, labelsText(o.value(QStringLiteral("labels")).toObject()));
        QStringList types;
        for (const QJsonValue &t : o.value(QStringLiteral("capabilities")).toArray())
            types << t.toString();
        item->setText(JobTypes, types.join(QStringLiteral(", ")));
        item->setText(Cpu,
            tr("%1 / %2 / %3")
                .arg(number(alloc.value(QStringLiteral("cpu")).toDouble()),
                    number(std::max(0.0, cpu - free.value(QStringLiteral("cpu")).toDouble())), number(cpu)));
        item->setText(Memory,
            tr("%1 / %2 / %3")
                .arg(number(alloc.value(QStringLiteral("memGib")).toDouble()),
                    number(std::max(0.0, mem - free.value(QStringLiteral("memGib")).toDouble())), number(mem)));
        item->setText(Gpus, gpus.isEmpty() ? tr("none") : tr("%1 of %2 held").arg(held).arg(gpus.size()));
        item->setText(Load, QString::number(o.value(QStringLiteral("load")).toDouble(), 'f', 2));
        item->setText(Heartbeat, beat.isValid() ? UiFormat::relativeTime(beat) : tr("never"));
        item->setToolTip(Heartbeat, beat.toLocalTime().toString(Qt::ISODate));
        item->setText(Running, QString::number(running));
        item->setData(Running, Qt::DisplayRole, running);
        if (id == selected)
            item->setSelected(true);
    }
    m_nodes->setSortingEnabled(true);
    if (m_nodes->selectedItems().isEmpty() && m_nodes->topLevelItemCount() > 0)
        m_nodes->setCurrentItem(m_nodes->topLevelItem(0));
    showDetail();
    updateActions();
    if (agents.isEmpty())
        setStatus(tr("No node yet: \"Add a node\" shows the command that starts one."));
    else if (!m_status->property("error").toBool())
        setStatus(tr("%n node(s)", nullptr, int(agents.size())));
}

void NodesPage::showDetail()
{
    m_gpus->clear();
    m_running->clear();
    const QJsonObject o = m_agents.value(selectedId());
    if (o.isEmpty()) {
        m_detailTitle->setText(tr("Select a node to see its GPUs and jobs."));
        return;
    }
    m_detailTitle->setText(tr("<b>%1</b> — %2, version %3, isolation %4")
                               .arg(o.value(QStringLiteral("name")).toString().toHtmlEscaped(),
                                   o.value(QStringLiteral("hostname")).toString().toHtmlEscaped(),
                                   o.value(QStringLiteral("version")).toString().toHtmlEscaped(),
                                   o.value(QStringLiteral("isolation")).toString().toHtmlEscaped()));
    for (const QJsonValue &v : o.value(QStringLiteral("gpus")).toArray()) {
        const QJsonObject g = v.toObject();
        auto *item = new QTreeWidgetItem(m_gpus);
        item->setText(0, QString::number(g.value(QStringLiteral("index")).toInt()));
        item->setText(1, g.value(QStringLiteral("model")).toString());
        item->setText(2,
            tr("%1 / %2").arg(
                UiFormat::bytes(qint64(g.value(QStringLiteral("memoryUsedMiB")).toDouble()) * 1024 * 1024),
                UiFormat::bytes(qint64(g.value(QStringLiteral("memoryTotalMiB")).toDouble()) * 1024 * 1024)));
        item->setText(3, tr("%1 %").arg(g.value(QStringLiteral("utilizationPercent")).toInt()));
        const QString job = g.value(QStringLiteral("jobId")).toString();
        item->setText(4, job.isEmpty() ? tr("free") : job);
        item->setData(0, Qt::UserRole, job);
    }
    for (const QJsonValue &v : o.value(QStringLiteral("currentJobs")).toArray()) {
        auto *item = new QListWidgetItem(v.toString(), m_running);
        item->setData(Qt::UserRole, v.toString());
    }
}

QString NodesPage::selectedId() const
{
    const QList<QTreeWidgetItem *> items = m_nodes->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(Name, Qt::UserRole).toString();
}

void NodesPage::updateActions()
{
    const bool admin = m_session->isAdmin();
    const bool any = !selectedId().isEmpty();
    const QString why = tr("Needs an admin or owner of the workspace");
    for (QAction *a : {m_drain, m_remove, m_rotate, m_add}) {
        a->setEnabled(admin && (a == m_add || any));
        a->setToolTip(admin ? (a == m_add || any ? a->text() : tr("Select a node first")) : why);
    }
}

void NodesPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setProperty("error", error);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

void NodesPage::askDrain()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    auto *dialog = new DrainDialog(m_agents.value(id).value(QStringLiteral("name")).toString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { drainSelected(dialog->deadlineSeconds()); });
    dialog->open();
}

void NodesPage::drainSelected(std::optional<int> deadlineSeconds)
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    QPointer<NodesPage> self(this);
    auto done = [self](ClientResult<AgentView> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not drain: %1").arg(r.error().describe()), true);
        self->setStatus(tr("%1 is draining").arg(r.value().agent.name));
        self->reload();
    };
    if (deadlineSeconds)
        m_session->client()->drainAgent(id, *deadlineSeconds, done);
    else
        m_session->client()->drainAgent(id, done);
}

void NodesPage::askRemove()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Remove node"),
        tr("Remove %1? Its key is revoked and its jobs are requeued or failed.")
            .arg(m_agents.value(id).value(QStringLiteral("name")).toString()),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("removeConfirm"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::accepted, this, &NodesPage::removeSelected);
    box->open();
}

void NodesPage::removeSelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    QPointer<NodesPage> self(this);
    m_session->client()->removeAgent(id, [self](ClientResult<bool> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not remove: %1").arg(r.error().describe()), true);
        self->setStatus(tr("Node removed"));
        self->reload();
    });
}

void NodesPage::rotateKeySelected()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    QPointer<NodesPage> self(this);
    m_session->client()->rotateAgentKey(id, [self](ClientResult<AgentView> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not rotate the key: %1").arg(r.error().describe()), true);
        self->setStatus(tr("%1 was asked to rotate its key; it fetches a new one itself and the old one stops "
                           "working then.")
                            .arg(r.value().agent.name));
    });
}

void NodesPage::openAddNodeDialog()
{
    auto *dialog = new AddNodeDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

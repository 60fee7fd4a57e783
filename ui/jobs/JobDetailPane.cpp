// The job detail pane: fields, the attempt/transition timeline, the pending reason in plain words with the
// resources asked for against those agents have free, the GPUs it holds, artifacts, and the job's actions.
#include "JobDetailPane.h"

#include "ArtifactList.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "JobLogPane.h"
#include "UiFormat.h"

#include <QFormLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QPointer>
#include <QScrollArea>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>

namespace {
bool isTerminal(const QString &s)
{
    return s == QLatin1String("SUCCEEDED") || s == QLatin1String("FAILED") || s == QLatin1String("TIMED_OUT")
        || s == QLatin1String("CANCELLED");
}

QString number(double v)
{
    return QLocale().toString(v, 'g', 6);
}
}

JobDetailPane::JobDetailPane(ConsoleSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("jobDetail"));
    m_title = new QLabel(tr("Select a job"), this);
    m_title->setObjectName(QStringLiteral("jobDetailTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("jobDetailStatus"));
    m_status->setWordWrap(true);
    m_status->hide();

    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelJobButton"));
    m_cancel->setToolTip(tr("Cancel the job (Del, Ctrl+K)"));
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName(QStringLiteral("retryJobButton"));
    m_retry->setToolTip(tr("Start a new attempt of a failed, timed out or cancelled job (Ctrl+R)"));
    m_clone = new QPushButton(tr("Clone and edit…"), this);
    m_clone->setObjectName(QStringLiteral("cloneJobButton"));
    m_clone->setToolTip(tr("Open the submit dialog filled from this job (Ctrl+D)"));
    m_logs = new QPushButton(tr("Open logs"), this);
    m_logs->setObjectName(QStringLiteral("openLogsButton"));
    m_logs->setToolTip(tr("Follow this job's log on the Logs page (Enter)"));
    connect(m_cancel, &QPushButton::clicked, this, &JobDetailPane::cancelJob);
    connect(m_retry, &QPushButton::clicked, this, &JobDetailPane::retryJob);
    connect(m_clone, &QPushButton::clicked, this, [this] { emit cloneRequested(m_json); });
    connect(m_logs, &QPushButton::clicked, this, &JobDetailPane::openLogs);
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_cancel, m_retry, m_clone, m_logs})
        buttons->addWidget(b);
    buttons->addStretch();

    // Details tab: the fields, then the pending reason, GPUs, artifacts
    auto *details = new QWidget;
    auto *dv = new QVBoxLayout(details);
    m_pending = new QLabel(details);
    m_pending->setObjectName(QStringLiteral("pendingReason"));
    m_pending->setWordWrap(true);
    m_pending->setTextFormat(Qt::PlainText);
    m_pending->hide();
    m_gpus = new QLabel(details);
    m_gpus->setObjectName(QStringLiteral("jobGpus"));
    m_gpus->setWordWrap(true);
    m_gpus->hide();
    m_artifacts = new ArtifactList(m_session, details); // artifacts (Part 1)
    m_artifacts->hide();
    m_fields = new QFormLayout;
    m_fields->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    dv->addWidget(m_pending);
    dv->addLayout(m_fields);
    dv->addWidget(m_gpus);
    dv->addWidget(m_artifacts);
    dv->addStretch();
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(details);

    m_timeline = new QTreeWidget;
    m_timeline->setObjectName(QStringLiteral("jobTimeline"));
    m_timeline->setHeaderLabels({tr("State"), tr("At"), tr("Actor"), tr("Reason")});
    m_timeline->setRootIsDecorated(true);
    m_timeline->setUniformRowHeights(true);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("jobDetailTabs"));
    m_tabs->addTab(scroll, tr("Details"));
    m_tabs->addTab(m_timeline, tr("Timeline"));
    // the log follows a job only while its tab is shown: moving through the table opens no streams
    m_log = new JobLogPane(session);
    m_tabs->addTab(m_log, tr("Log"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() == m_log && m_log->jobId() != m_jobId && !m_jobId.isEmpty())
            m_log->showJob(m_jobId);
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_tabs, 1);
    updateButtons();
}

void JobDetailPane::showJob(const QString &jobId)
{
    if (jobId == m_jobId && !m_json.isEmpty())
        return;
    m_jobId = jobId;
    m_json = {};
    m_state.clear();
    ++m_generation;
    setStatus({});
    m_title->setText(jobId.isEmpty() ? tr("Select a job") : jobId);
    m_timeline->clear();
    while (m_fields->rowCount() > 0)
        m_fields->removeRow(0);
    m_pending->hide();
    m_gpus->hide();
    m_artifacts->clear();
    updateButtons();
    if (m_tabs->currentWidget() == m_log && !jobId.isEmpty())
        m_log->showJob(jobId);
    refresh();
}

void JobDetailPane::showLogTab()
{
    m_tabs->setCurrentWidget(m_log);
}

void JobDetailPane::refresh()
{
    if (m_jobId.isEmpty() || m_refreshQueued)
        return;
    m_refreshQueued = true; // one fetch per event-loop turn however many changes came
    QTimer::singleShot(0, this, [this] {
        m_refreshQueued = false;
        QPointer<JobDetailPane> self(this);
        const quint64 generation = m_generation;
        m_session->client()->job(m_jobId, [self, generation](ClientResult<JobView> r) {
            if (!self || self->m_generation != generation)
                return;
            if (!r)
                self->setStatus(r.error().describe(), true);
            else
                self->render(r.value());
        });
    });
}

void JobDetailPane::render(const JobView &view)
{
    const QJsonObject &j = view.json;
    const bool stateChanged = m_state != j.value(QLatin1String("state")).toString();
    m_json = j;
    m_state = j.value(QLatin1String("state")).toString();
    m_title->setText(tr("%1 — %2").arg(m_jobId, m_state));

    while (m_fields->rowCount() > 0)
        m_fields->removeRow(0);
    auto add = [this](const QString &label, const QString &value, const QString &name = {}) {
        if (value.isEmpty())
            return;
        auto *v = new QLabel(value);
        v->setTextInteractionFlags(Qt::TextSelectableByMouse);
        v->setWordWrap(true);
        if (!name.isEmpty())
            v->setObjectName(name);
        m_fields->addRow(label, v);
    };
    auto time = [&j](const char *key) {
        const QDateTime t = UiFormat::parseTime(j.value(QLatin1String(key)).toString());
        return t.isValid() ? tr("%1 (%2)").arg(UiFormat::localTime(t), UiFormat::relativeTime(t)) : QString();
    };
    add(tr("State"), m_state, QStringLiteral("detailState"));
    add(tr("Type"), j.value(QLatin1String("type")).toString());
    if (j.contains(QLatin1String("argv"))) {
        QStringList argv;
        for (const QJsonValue &v : j.value(QLatin1String("argv")).toArray())
            argv.append(v.toString());
        add(tr("Arguments"), argv.join(QLatin1Char(' ')), QStringLiteral("detailCommand"));
    } else {
        add(tr("Command"), j.value(QLatin1String("command")).toString(), QStringLiteral("detailCommand"));
    }
    if (j.contains(QLatin1String("image")))
        add(tr("Image"), j.value(QLatin1String("image")).toString());
    QStringList env;
    const QJsonObject e = j.value(QLatin1String("env")).toObject();
    for (auto it = e.begin(); it != e.end(); ++it)
        env.append(it.key() + QLatin1Char('=') + it.value().toString());
    add(tr("Environment"), env.join(QLatin1Char('\n')));
    QStringList labels;
    const QJsonObject l = j.value(QLatin1String("labels")).toObject();
    for (auto it = l.begin(); it != l.end(); ++it)
        labels.append(it.key() + QLatin1Char('=') + it.value().toString());
    add(tr("Labels"), labels.join(QStringLiteral(", ")));
    const QJsonObject res = j.value(QLatin1String("resources")).toObject();
    add(tr("Resources"),
        tr("%1 CPU, %2 GiB, %3 GPU")
            .arg(number(res.value(QLatin1String("cpu")).toDouble()),
                number(res.value(QLatin1String("memGib")).toDouble()))
            .arg(res.value(QLatin1String("gpus")).toInt()));
    add(tr("Priority"), QString::number(j.value(QLatin1String("priority")).toInt()));
    add(tr("Retries"),
        tr("%1 of %2 automatic")
            .arg(j.value(QLatin1String("retryCount")).toInt())
            .arg(j.value(QLatin1String("maxRetries")).toInt()));
    if (j.contains(QLatin1String("timeoutSeconds")))
        add(tr("Timeout"), UiFormat::duration(qint64(j.value(QLatin1String("timeoutSeconds")).toInt()) * 1000));
    add(tr("Working dir"), j.value(QLatin1String("workingDir")).toString());
    add(tr("Attempt"), QString::number(j.value(QLatin1String("attempt")).toInt()));
    add(tr("Agent"), j.value(QLatin1String("agentId")).toString());
    add(tr("Created"), time("createdAt"));
    add(tr("Started"), time("startedAt"));
    add(tr("Finished"), time("finishedAt"));
    if (j.value(QLatin1String("exitCode")).isDouble())
        add(tr("Exit code"), QString::number(j.value(QLatin1String("exitCode")).toInt()), QStringLiteral("detailExit"));
    if (j.value(QLatin1String("runtimeMs")).isDouble())
        add(tr("Runtime"), UiFormat::duration(qint64(j.value(QLatin1String("runtimeMs")).toDouble())));
    if (j.contains(QLatin1String("cpuSeconds")))
        add(tr("CPU time"), tr("%1 s").arg(number(j.value(QLatin1String("cpuSeconds")).toDouble())));
    if (j.contains(QLatin1String("peakMemoryBytes")))
        add(tr("Peak memory"), UiFormat::bytes(qint64(j.value(QLatin1String("peakMemoryBytes")).toDouble())));
    add(tr("Error"), j.value(QLatin1String("error")).toString(), QStringLiteral("detailError"));
    if (j.value(QLatin1String("lostCount")).toInt() > 0)
        add(tr("Agent lost"), tr("%n time(s)", nullptr, j.value(QLatin1String("lostCount")).toInt()));
    add(tr("Submitted by"), j.value(QLatin1String("submittedBy")).toString());

    // the timeline: one branch per attempt, every transition under it
    m_timeline->clear();
    QTreeWidgetItem *attemptItem = nullptr;
    int attempt = 0;
    for (const QJsonValue &hv : j.value(QLatin1String("history")).toArray()) {
        const QJsonObject h = hv.toObject();
        const int a = h.value(QLatin1String("attempt")).toInt(1);
        if (!attemptItem || a != attempt) {
            attempt = a;
            attemptItem = new QTreeWidgetItem(m_timeline, {tr("Attempt %1").arg(a)});
            attemptItem->setFirstColumnSpanned(true);
            attemptItem->setExpanded(true);
        }
        const QString st = h.value(QLatin1String("state")).toString();
        const QDateTime at = UiFormat::parseTime(h.value(QLatin1String("at")).toString());
        auto *item = new QTreeWidgetItem(attemptItem,
            {st, UiFormat::localTime(at), h.value(QLatin1String("actor")).toString(),
                h.value(QLatin1String("reason")).toString()});
        item->setForeground(0, UiFormat::stateColor(st, palette()));
    }
    m_timeline->expandAll();
    m_timeline->header()->resizeSections(QHeaderView::ResizeToContents);

    renderPending(view);
    renderGpus(view);
    if (stateChanged)
        fetchArtifacts();
    updateButtons();
}

void JobDetailPane::renderPending(const JobView &view)
{
    if (m_state != QLatin1String("QUEUED")) {
        m_pending->hide();
        return;
    }
    const QJsonObject res = view.json.value(QLatin1String("resources")).toObject();
    const double cpu = res.value(QLatin1String("cpu")).toDouble();
    const double mem = res.value(QLatin1String("memGib")).toDouble();
    const int gpus = res.value(QLatin1String("gpus")).toInt();
    const QString reason = view.pendingReason.isEmpty() ? tr("waiting for a free agent slot") : view.pendingReason;
    m_pending->setText(tr("Pending: %1").arg(reason));
    m_pending->show();
    QPointer<JobDetailPane> self(this);
    const quint64 generation = m_generation;
    m_session->client()->agents([self, generation, reason, cpu, mem, gpus](ClientResult<AgentList> r) {
        if (!self || self->m_generation != generation || self->m_state != QLatin1String("QUEUED") || !r)
            return;
        QStringList lines {tr("Pending: %1").arg(reason),
            tr("Asks for %1 CPU, %2 GiB memory, %3 GPU.").arg(number(cpu), number(mem)).arg(gpus)};
        if (r.value().agents.isEmpty())
            lines << tr("No agent is registered: add a node (Nodes page) or start the local agent.");
        for (const AgentView &a : r.value().agents) {
            const QJsonObject j = a.json;
            const QJsonObject avail = j.value(QLatin1String("free")).toObject();
            const int slotCount = j.value(QLatin1String("resources")).toObject().value(QLatin1String("slots")).toInt();
            const int running = int(j.value(QLatin1String("runningJobs")).toArray().size());
            const int gpuCount = int(j.value(QLatin1String("gpus")).toArray().size());
            lines << tr("%1 (%2): %3 CPU and %4 GiB free, %5 of %6 slots busy, %7 GPU")
                         .arg(j.value(QLatin1String("name")).toString(), j.value(QLatin1String("state")).toString(),
                             number(avail.value(QLatin1String("cpu")).toDouble()),
                             number(avail.value(QLatin1String("memGib")).toDouble()))
                         .arg(running)
                         .arg(slotCount)
                         .arg(gpuCount);
        }
        self->m_pending->setText(lines.join(QLatin1Char('\n')));
    });
}

void JobDetailPane::renderGpus(const JobView &view)
{
    const int gpus = view.json.value(QLatin1String("resources")).toObject().value(QLatin1String("gpus")).toInt();
    const QString agentId = view.json.value(QLatin1String("agentId")).toString();
    const bool holding = m_state == QLatin1String("ASSIGNED") || m_state == QLatin1String("RUNNING")
        || m_state == QLatin1String("CANCELLING");
    if (gpus <= 0 || agentId.isEmpty() || !holding) {
        m_gpus->hide();
        return;
    }
    m_gpus->setText(tr("Holds %n GPU(s) on %1", nullptr, gpus).arg(agentId));
    m_gpus->show();
    QPointer<JobDetailPane> self(this);
    const quint64 generation = m_generation;
    m_session->client()->agent(agentId, [self, generation, gpus, agentId](ClientResult<AgentView> r) {
        if (!self || self->m_generation != generation || !r)
            return;
        // the agent reports its devices, not which of them a job was given (CUDA_VISIBLE_DEVICES is set there)
        QStringList devices;
        for (const QJsonValue &g : r.value().json.value(QLatin1String("gpus")).toArray()) {
            const QJsonObject d = g.toObject();
            devices << tr("#%1 %2, %3% busy, %4 of %5 MiB")
                           .arg(d.value(QLatin1String("index")).toInt())
                           .arg(d.value(QLatin1String("model")).toString())
                           .arg(d.value(QLatin1String("utilizationPercent")).toInt())
                           .arg(qint64(d.value(QLatin1String("memoryUsedMiB")).toDouble()))
                           .arg(qint64(d.value(QLatin1String("memoryTotalMiB")).toDouble()));
        }
        self->m_gpus->setText(tr("Holds %n GPU(s) on %1. Its devices:", nullptr, gpus)
                                  .arg(r.value().json.value(QLatin1String("name")).toString(agentId))
            + QLatin1Char('\n') + devices.join(QLatin1Char('\n')));
    });
}

void JobDetailPane::fetchArtifacts()
{
    if (!m_json.contains(QLatin1String("artifacts"))) {
        m_artifacts->hide();
        return;
    }
    QStringList globs;
    for (const QJsonValue &v : m_json.value(QLatin1String("artifacts")).toArray())
        globs.append(v.toString());
    m_artifacts->showJob(m_jobId, globs); // artifacts (Part 1): the list with Download… and Open
}

void JobDetailPane::cancelJob()
{
    if (m_jobId.isEmpty() || isTerminal(m_state))
        return;
    QPointer<JobDetailPane> self(this);
    const quint64 generation = m_generation;
    m_cancel->setEnabled(false);
    m_session->client()->cancelJob(
        m_jobId, QStringLiteral("cancelled from the console"), [self, generation](ClientResult<JobView> r) {
            if (!self || self->m_generation != generation)
                return;
            if (!r)
                self->setStatus(r.error().describe(), true);
            else
                self->render(r.value());
            self->updateButtons();
        });
}

void JobDetailPane::retryJob()
{
    if (m_jobId.isEmpty())
        return;
    QPointer<JobDetailPane> self(this);
    const quint64 generation = m_generation;
    m_session->client()->retryJob(m_jobId, [self, generation](ClientResult<JobView> r) {
        if (!self || self->m_generation != generation)
            return;
        if (!r)
            self->setStatus(r.error().describe(), true);
        else
            self->render(r.value());
    });
}

void JobDetailPane::openLogs()
{
    if (!m_jobId.isEmpty())
        m_session->requestFollowLogs({m_jobId});
}

void JobDetailPane::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #cf222e") : QString());
    m_status->setVisible(!text.isEmpty());
}

void JobDetailPane::updateButtons()
{
    const bool has = !m_jobId.isEmpty() && !m_json.isEmpty();
    // a member may cancel and retry their own jobs only (docs/api.md, Roles)
    const QString by = m_json.value(QLatin1String("submittedBy")).toString();
    const WhoAmI &me = m_session->me();
    const QString credential = me.json.value(QLatin1String("credential")).toString(); // "key:<id>" for a key
    const bool mine = m_session->isAdmin() || (!me.userId.isEmpty() && by == QLatin1String("user:") + me.userId)
        || (credential.startsWith(QLatin1String("key:")) && by == credential);
    m_cancel->setEnabled(has && mine && !isTerminal(m_state));
    m_retry->setEnabled(has && mine
        && (m_state == QLatin1String("FAILED") || m_state == QLatin1String("TIMED_OUT")
            || m_state == QLatin1String("CANCELLED")));
    const QString why = has && !mine ? tr("Only an admin may cancel or retry another person's job") : QString();
    m_cancel->setToolTip(why.isEmpty() ? tr("Cancel the job (Del, Ctrl+K)") : why);
    m_retry->setToolTip(
        why.isEmpty() ? tr("Start a new attempt of a failed, timed out or cancelled job (Ctrl+R)") : why);
    m_clone->setEnabled(has);
    m_logs->setEnabled(!m_jobId.isEmpty());
}

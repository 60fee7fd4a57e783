// One GET /v0/stats per refresh: on job and agent events (coalesced, at most once a second), every 30 s
// so the minute axis rolls, and when shown.
#include "DashboardPage.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "UiFormat.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPointer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QValueAxis>

namespace {
const QStringList kStates {QStringLiteral("QUEUED"), QStringLiteral("ASSIGNED"), QStringLiteral("RUNNING"),
    QStringLiteral("CANCELLING"), QStringLiteral("SUCCEEDED"), QStringLiteral("FAILED"), QStringLiteral("TIMED_OUT"),
    QStringLiteral("CANCELLED")};
constexpr int kMinReloadMs = 1000;
}

DashboardPage::DashboardPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("dashboardPage"));
    auto *tiles = new QGridLayout;
    int column = 0;
    for (const QString &state : kStates) {
        QLabel *l = tile(QStringLiteral("count_") + state, state, this);
        m_counts.insert(state, l);
        tiles->addWidget(l, 0, column++);
    }
    m_queue = tile(QStringLiteral("queueDepthLabel"), tr("Queue depth"), this);
    m_agents = tile(QStringLiteral("agentsLabel"), tr("Agents online"), this);
    m_gpus = tile(QStringLiteral("gpuLabel"), tr("GPU utilisation"), this);
    m_failureRate = tile(QStringLiteral("failureRateLabel"), tr("Failure rate (1 h)"), this);
    tiles->addWidget(m_queue, 1, 0, 1, 2);
    tiles->addWidget(m_agents, 1, 2, 1, 2);
    tiles->addWidget(m_gpus, 1, 4, 1, 2);
    tiles->addWidget(m_failureRate, 1, 6, 1, 2);

    // jobs by state
    m_stateBars = new QBarSet(tr("Jobs"));
    auto *bars = new QBarSeries;
    bars->append(m_stateBars);
    auto *stateChart = new QChart;
    stateChart->addSeries(bars);
    stateChart->setTitle(tr("Jobs by state"));
    stateChart->legend()->hide();
    auto *categories = new QBarCategoryAxis;
    categories->append(kStates);
    stateChart->addAxis(categories, Qt::AlignBottom);
    bars->attachAxis(categories);
    m_stateAxis = new QValueAxis;
    m_stateAxis->setLabelFormat(QStringLiteral("%d"));
    stateChart->addAxis(m_stateAxis, Qt::AlignLeft);
    bars->attachAxis(m_stateAxis);
    auto *stateView = new QChartView(stateChart, this);
    stateView->setObjectName(QStringLiteral("stateChart"));
    stateView->setRenderHint(QPainter::Antialiasing);

    // finished per minute and the failure rate
    m_succeeded = new QLineSeries;
    m_succeeded->setName(tr("Succeeded / min"));
    m_failed = new QLineSeries;
    m_failed->setName(tr("Failed / min"));
    m_rate = new QLineSeries;
    m_rate->setName(tr("Failure rate %"));
    auto *throughput = new QChart;
    throughput->setTitle(tr("Jobs finished per minute (last hour)"));
    for (QLineSeries *s : {m_succeeded, m_failed, m_rate})
        throughput->addSeries(s);
    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setFormat(QStringLiteral("HH:mm"));
    m_timeAxis->setTickCount(7);
    throughput->addAxis(m_timeAxis, Qt::AlignBottom);
    m_countAxis = new QValueAxis;
    m_countAxis->setLabelFormat(QStringLiteral("%d"));
    throughput->addAxis(m_countAxis, Qt::AlignLeft);
    auto *percent = new QValueAxis;
    percent->setRange(0, 100);
    percent->setLabelFormat(QStringLiteral("%d %%"));
    throughput->addAxis(percent, Qt::AlignRight);
    for (QLineSeries *s : {m_succeeded, m_failed, m_rate})
        s->attachAxis(m_timeAxis);
    m_succeeded->attachAxis(m_countAxis);
    m_failed->attachAxis(m_countAxis);
    m_rate->attachAxis(percent);
    m_succeeded->setColor(UiFormat::stateColor(QStringLiteral("SUCCEEDED"), palette()));
    m_failed->setColor(UiFormat::stateColor(QStringLiteral("FAILED"), palette()));
    auto *throughputView = new QChartView(throughput, this);
    throughputView->setObjectName(QStringLiteral("throughputChart"));
    throughputView->setRenderHint(QPainter::Antialiasing);

    m_failures = new QTreeWidget(this);
    m_failures->setObjectName(QStringLiteral("failuresTree"));
    m_failures->setRootIsDecorated(false);
    m_failures->setHeaderLabels({tr("Job"), tr("State"), tr("Exit"), tr("Error"), tr("Finished"), tr("Command")});
    m_failures->setToolTip(tr("Double-click a job to open it"));
    connect(m_failures, &QTreeWidget::itemDoubleClicked, this,
        [this](QTreeWidgetItem *item) { m_session->requestOpenJob(item->text(0)); });

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("dashboardStatus"));

    auto *charts = new QHBoxLayout;
    charts->addWidget(stateView, 1);
    charts->addWidget(throughputView, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(tiles);
    layout->addLayout(charts, 3);
    layout->addWidget(new QLabel(tr("Recent failures"), this));
    layout->addWidget(m_failures, 2);
    layout->addWidget(m_status);

    m_reloadTimer.setSingleShot(true);
    connect(&m_reloadTimer, &QTimer::timeout, this, &DashboardPage::reload);
    m_roll.setInterval(30000);
    connect(&m_roll, &QTimer::timeout, this, [this] {
        if (isVisible())
            reload();
    });
    m_roll.start();
    connect(m_session, &ConsoleSession::reset, this, [this] {
        m_failures->clear();
        reload();
    });
    connect(m_session, &ConsoleSession::event, this, [this](const ClientEvent &e) {
        if (e.type.startsWith(QLatin1String("job.")) || e.type.startsWith(QLatin1String("agent.")))
            scheduleReload();
    });
}

QLabel *DashboardPage::tile(const QString &name, const QString &caption, QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setObjectName(name);
    l->setAlignment(Qt::AlignCenter);
    l->setFrameShape(QFrame::StyledPanel);
    l->setProperty("caption", caption);
    l->setText(QStringLiteral("<small>%1</small><br><b>–</b>").arg(caption.toHtmlEscaped()));
    return l;
}

QString DashboardPage::title() const
{
    return tr("Dashboard");
}

QIcon DashboardPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("utilities-system-monitor"));
}

void DashboardPage::pageShown()
{
    scheduleReload();
}

void DashboardPage::scheduleReload()
{
    if (m_reloadTimer.isActive())
        return;
    const qint64 since = QDateTime::currentMSecsSinceEpoch() - m_lastReloadMs;
    m_reloadTimer.start(int(std::clamp<qint64>(kMinReloadMs - since, 0, kMinReloadMs)));
}

void DashboardPage::reload()
{
    if (m_loading) {
        m_again = true;
        return;
    }
    m_loading = true;
    m_lastReloadMs = QDateTime::currentMSecsSinceEpoch();
    QPointer<DashboardPage> self(this);
    m_session->client()->stats([self](ClientResult<FleetStats> r) {
        if (!self)
            return;
        self->m_loading = false;
        if (!r)
            self->m_status->setText(tr("Could not read the figures: %1").arg(r.error().describe()));
        else
            self->show(r.value());
        if (self->m_again) {
            self->m_again = false;
            self->scheduleReload();
        }
    });
}

void DashboardPage::show(const FleetStats &s)
{
    ++m_refreshes;
    auto set = [](QLabel *l, const QString &value) {
        l->setText(QStringLiteral("<small>%1</small><br><b>%2</b>")
                       .arg(l->property("caption").toString().toHtmlEscaped(), value.toHtmlEscaped()));
        l->setProperty("value", value);
    };
    qint64 most = 1;
    m_stateBars->remove(0, m_stateBars->count());
    for (const QString &state : kStates) {
        const qint64 n = s.jobsByState.value(state);
        set(m_counts.value(state), QString::number(n));
        m_stateBars->append(double(n));
        most = std::max(most, n);
    }
    m_stateAxis->setRange(0, double(most));
    set(m_queue, QString::number(s.queueDepth));
    set(m_agents,
        s.agentsDraining + s.agentsLost > 0
            ? tr("%1 (%2 draining, %3 lost)").arg(s.agentsOnline).arg(s.agentsDraining).arg(s.agentsLost)
            : QString::number(s.agentsOnline));
    set(m_gpus,
        s.gpusTotal == 0 ? tr("no GPU")
                         : tr("%1 % (%2 of %3 busy)")
                               .arg(QString::number(s.gpuUtilizationPercent, 'f', 0))
                               .arg(s.gpusBusy)
                               .arg(s.gpusTotal));
    set(m_failureRate, tr("%1 %").arg(QString::number(s.failureRate * 100, 'f', 1)));

    QList<QPointF> ok, failed, rate;
    qint64 top = 1;
    for (const FleetStats::Minute &m : s.finishedPerMinute) {
        const double x = double(QDateTime::fromString(m.minute, Qt::ISODateWithMs).toMSecsSinceEpoch());
        ok << QPointF(x, double(m.succeeded));
        failed << QPointF(x, double(m.failed));
        const qint64 finished = m.succeeded + m.failed;
        rate << QPointF(x, finished > 0 ? 100.0 * double(m.failed) / double(finished) : 0.0);
        top = std::max(top, std::max(m.succeeded, m.failed));
    }
    m_succeeded->replace(ok);
    m_failed->replace(failed);
    m_rate->replace(rate);
    if (!ok.isEmpty())
        m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(qint64(ok.first().x())),
            QDateTime::fromMSecsSinceEpoch(qint64(ok.last().x())));
    m_countAxis->setRange(0, double(top));

    m_failures->clear();
    for (const FleetStats::Failure &f : s.recentFailures) {
        auto *item = new QTreeWidgetItem(m_failures);
        item->setText(0, f.id);
        item->setText(1, f.state);
        item->setForeground(1, UiFormat::stateColor(f.state, palette()));
        item->setText(2, f.exitCode ? QString::number(*f.exitCode) : QStringLiteral("–"));
        item->setText(3, f.error);
        item->setToolTip(3, f.error);
        const QDateTime at = QDateTime::fromString(f.finishedAt, Qt::ISODateWithMs);
        item->setText(4, at.isValid() ? UiFormat::relativeTime(at) : QString());
        item->setText(5, f.command);
    }
    m_status->setText(tr("Updated %1").arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
}

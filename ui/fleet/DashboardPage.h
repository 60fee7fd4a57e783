// The Dashboard: jobs by state, queue depth, jobs finished per minute and the failure rate (Qt Charts), agents
// online, GPU utilisation across the fleet and the latest failures with their error, from GET /v0/stats.
#pragma once

#include "Page.h"

#include <QHash>
#include <QTimer>

class ConsoleSession;
class QBarSet;
class QBarCategoryAxis;
class QChart;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QTreeWidget;
class QValueAxis;
struct FleetStats;

class DashboardPage : public Page
{
    Q_OBJECT
public:
    explicit DashboardPage(ConsoleSession *session, QWidget *parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void pageShown() override;

    void reload();
    int refreshCount() const { return m_refreshes; } // answers shown (for tests and the status line)

private:
    void scheduleReload(); // live, but at most one reload a second
    void show(const FleetStats &s);
    QLabel *tile(const QString &name, const QString &caption, QWidget *parent);

    ConsoleSession *m_session;
    QHash<QString, QLabel *> m_counts; // state -> its count label
    QLabel *m_queue;
    QLabel *m_agents;
    QLabel *m_gpus;
    QLabel *m_failureRate;
    QLabel *m_status;
    QBarSet *m_stateBars;
    QValueAxis *m_stateAxis;
    QLineSeries *m_succeeded;
    QLineSeries *m_failed;
    QLineSeries *m_rate;
    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_countAxis;
    QTreeWidget *m_failures;
    QTimer m_reloadTimer;
    QTimer m_roll; // the minutes move on without events
    qint64 m_lastReloadMs = 0;
    bool m_loading = false;
    bool m_again = false;
    int m_refreshes = 0;
};

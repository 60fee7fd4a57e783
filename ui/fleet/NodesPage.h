// The Nodes page: every agent of the workspace with its state, labels, job types, resources, GPUs (and the
// job holding each), load, last heartbeat and running jobs; drain (with a deadline), remove, rotate key, add.
#pragma once

#include "Page.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QTimer>
#include <optional>

class ConsoleSession;
class QAction;
class QLabel;
class QListWidget;
class QTreeWidget;
class QTreeWidgetItem;
struct AgentView;

class NodesPage : public Page
{
    Q_OBJECT
public:
    explicit NodesPage(ConsoleSession *session, QWidget *parent = nullptr);
    ~NodesPage() override;

    QString title() const override;
    QIcon icon() const override;
    void pageShown() override;

    // The actions, for menus and tests: each acts on the selected agent.
    void drainSelected(std::optional<int> deadlineSeconds);
    void removeSelected();
    void rotateKeySelected();
    void openAddNodeDialog();
    void reload();

private:
    void scheduleReload(); // coalesces bursts of events: at most one reload a second
    void show(const QList<AgentView> &agents);
    void showDetail();
    void updateActions();
    QString selectedId() const;
    void setStatus(const QString &text, bool error = false);
    void askDrain();
    void askRemove();

    ConsoleSession *m_session;
    QTreeWidget *m_nodes;
    QTreeWidget *m_gpus;
    QListWidget *m_running;
    QLabel *m_detailTitle;
    QLabel *m_status;
    QAction *m_refresh;
    QAction *m_drain;
    QAction *m_remove;
    QAction *m_rotate;
    QAction *m_add;
    QTimer m_reloadTimer;
    QTimer m_poll; // heartbeats and load change without events
    QHash<QString, QJsonObject> m_agents; // id -> the agent as the server sent it
    bool m_loading = false;
    bool m_stale = true;
};

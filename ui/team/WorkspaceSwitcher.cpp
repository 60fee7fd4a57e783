// Switching goes through ConsoleSession::switchWorkspace, which reconnects every page (reset()).
#include "WorkspaceSwitcher.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>

WorkspaceSwitcher::WorkspaceSwitcher(ConsoleSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    m_combo = new QComboBox(this);
    m_combo->setObjectName(QStringLiteral("workspaceSwitcher"));
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("workspaceLabel"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Workspace:"), this));
    layout->addWidget(m_combo);
    layout->addWidget(m_label, 1);
    connect(m_combo, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (m_filling || i < 0)
            return;
        const QString id = m_combo->itemData(i).toString();
        if (!id.isEmpty() && id != m_session->me().workspaceId)
            m_session->switchWorkspace(id);
    });
    connect(m_session, &ConsoleSession::identityChanged, this, &WorkspaceSwitcher::reload);
    connect(m_session, &ConsoleSession::reset, this, &WorkspaceSwitcher::reload);
    reload();
}

void WorkspaceSwitcher::reload()
{
    const bool session = m_session->me().kind == QLatin1String("session");
    m_combo->setVisible(session);
    if (!session) {
        m_label->setText(tr("%1 (an API key acts in its own workspace)").arg(m_session->me().workspaceId));
        return;
    }
    m_label->clear();
    QPointer<WorkspaceSwitcher> self(this);
    m_session->client()->workspaces([self](ClientResult<WorkspaceList> r) {
        if (!self)
            return;
        if (!r) {
            self->m_label->setText(tr("Could not list workspaces: %1").arg(r.error().describe()));
            return;
        }
        self->m_filling = true;
        self->m_combo->clear();
        for (const WorkspaceView &w : r.value().workspaces) {
            self->m_combo->addItem(tr("%1 (%2)").arg(w.name, w.role), w.id);
            if (w.id == self->m_session->me().workspaceId)
                self->m_combo->setCurrentIndex(self->m_combo->count() - 1);
        }
        self->m_filling = false;
    });
}

// Thin over the members API; the server decides every rule (last owner, who may remove whom) and the page
// shows its answer.
#include "MembersPage.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "FieldErrors.h"
#include "WorkspaceSwitcher.h"

#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace {
const QStringList kRoles {QStringLiteral("member"), QStringLiteral("admin"), QStringLiteral("owner")};
}

MembersPage::MembersPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("membersPage"));
    m_switcher = new WorkspaceSwitcher(session, this);
    m_table = new QTreeWidget(this);
    m_table->setObjectName(QStringLiteral("membersTable"));
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setHeaderLabels({tr("Email"), tr("Name"), tr("Role"), tr("Status"), tr("Since")});

    m_email = new QLineEdit(this);
    m_email->setObjectName(QStringLiteral("inviteEmail"));
    m_email->setPlaceholderText(tr("someone@example.com"));
    m_inviteRole = new QComboBox(this);
    m_inviteRole->setObjectName(QStringLiteral("inviteRole"));
    m_inviteRole->addItems(kRoles);
    m_inviteButton = new QPushButton(tr("&Invite"), this);
    m_inviteButton->setObjectName(QStringLiteral("inviteButton"));
    connect(m_inviteButton, &QPushButton::clicked, this, &MembersPage::invite);
    connect(m_email, &QLineEdit::returnPressed, this, &MembersPage::invite);
    auto *inviteRow = new QHBoxLayout;
    inviteRow->addWidget(new QLabel(tr("Invite"), this));
    inviteRow->addWidget(m_email, 1);
    inviteRow->addWidget(m_inviteRole);
    inviteRow->addWidget(m_inviteButton);

    m_role = new QComboBox(this);
    m_role->setObjectName(QStringLiteral("memberRole"));
    m_role->addItems(kRoles);
    m_roleButton = new QPushButton(tr("Set &role"), this);
    m_roleButton->setObjectName(QStringLiteral("setRoleButton"));
    connect(m_roleButton, &QPushButton::clicked, this, [this] { setSelectedRole(m_role->currentText()); });
    m_removeButton = new QPushButton(tr("Re&move"), this);
    m_removeButton->setObjectName(QStringLiteral("removeMemberButton"));
    connect(m_removeButton, &QPushButton::clicked, this, &MembersPage::removeSelected);
    auto *selectedRow = new QHBoxLayout;
    selectedRow->addWidget(new QLabel(tr("Selected"), this));
    selectedRow->addWidget(m_role);
    selectedRow->addWidget(m_roleButton);
    selectedRow->addWidget(m_removeButton);
    selectedRow->addStretch(1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("membersStatus"));
    m_status->setWordWrap(true);

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, this, &MembersPage::reload);
    addAction(refresh);
    auto *remove = new QAction(tr("Remove member"), this);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(remove, &QAction::triggered, this, &MembersPage::removeSelected);
    addAction(remove);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_switcher);
    layout->addWidget(m_table, 1);
    layout->addLayout(selectedRow);
    layout->addLayout(inviteRow);
    layout->addWidget(m_status);

    connect(m_table, &QTreeWidget::itemSelectionChanged, this, &MembersPage::updateActions);
    connect(m_session, &ConsoleSession::reset, this, [this] {
        m_table->clear();
        m_loaded = false;
        reload();
    });
    connect(m_session, &ConsoleSession::identityChanged, this, [this] {
        updateActions();
        reload();
    });
    connect(m_session, &ConsoleSession::event, this, [this](const ClientEvent &e) {
        if (e.type.startsWith(QLatin1String("member.")) && isVisible())
            reload();
    });
    updateActions();
}

QString MembersPage::title() const
{
    return tr("Members");
}

QIcon MembersPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("system-users"));
}

void MembersPage::pageShown()
{
    reload();
}

QString MembersPage::workspaceId() const
{
    return m_session->me().workspaceId;
}

QString MembersPage::selectedMember() const
{
    const QList<QTreeWidgetItem *> items = m_table->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(0, Qt::UserRole).toString();
}

void MembersPage::updateActions()
{
    const bool admin = m_session->isAdmin();
    const bool owner = m_session->role() == QLatin1String("owner");
    const QString needAdmin = tr("Needs an admin or owner of the workspace");
    for (QWidget *w : {static_cast<QWidget *>(m_email), static_cast<QWidget *>(m_inviteRole),
             static_cast<QWidget *>(m_inviteButton)}) {
        w->setEnabled(admin);
        w->setToolTip(admin ? QString() : needAdmin);
    }
    const bool any = !selectedMember().isEmpty();
    const QList<QTreeWidgetItem *> items = m_table->selectedItems();
    const bool invitation = !items.isEmpty() && items.first()->data(0, Qt::UserRole + 1).toBool();
    m_role->setEnabled(owner && any && !invitation);
    m_roleButton->setEnabled(owner && any && !invitation);
    m_roleButton->setToolTip(!owner ? tr("Only an owner changes roles")
            : invitation            ? tr("An invitation keeps the role it was sent with: withdraw it and invite again")
                                    : QString());
    m_removeButton->setEnabled(admin && any);
    m_removeButton->setToolTip(admin ? QString() : needAdmin);
}

void MembersPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

void MembersPage::reload()
{
    const QString ws = workspaceId();
    if (ws.isEmpty())
        return;
    QPointer<MembersPage> self(this);
    m_session->client()->members(ws, [self](ClientResult<MemberList> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not list the members: %1").arg(r.error().describe()), true);
        const QString selected = self->selectedMember();
        self->m_table->clear();
        auto add = [&](const QJsonObject &m, const QString &key, bool invitation) {
            auto *item = new QTreeWidgetItem(self->m_table);
            item->setData(0, Qt::UserRole, key);
            item->setData(0, Qt::UserRole + 1, invitation);
            item->setText(0, m.value(QStringLiteral("email")).toString());
            item->setText(1, m.value(QStringLiteral("name")).toString());
            item->setText(2, m.value(QStringLiteral("role")).toString());
            item->setText(3, m.value(QStringLiteral("status")).toString());
            item->setText(4, m.value(QStringLiteral("createdAt")).toString().left(10));
            item->setSelected(key == selected);
        };
        for (const QJsonValue &v : r.value().members)
            add(v.toObject(), v.toObject().value(QStringLiteral("userId")).toString(), false);
        for (const QJsonValue &v : r.value().invitations)
            add(v.toObject(), v.toObject().value(QStringLiteral("email")).toString(), true);
        self->m_loaded = true;
        self->updateActions();
    });
}

void MembersPage::invite()
{
    const QString email = m_email->text().trimmed();
    if (email.isEmpty() || !email.contains(QLatin1Char('@'))) {
        setStatus(tr("Give the email address to invite"), true);
        m_email->setFocus();
        return;
    }
    QPointer<MembersPage> self(this);
    m_session->client()->invite(
        workspaceId(), email, m_inviteRole->currentText(), [self, email](ClientResult<QJsonObject> r) {
            if (!self)
                return;
            const QHash<QString, QWidget *> fields {
                {QStringLiteral("email"), self->m_email}, {QStringLiteral("role"), self->m_inviteRole}};
            if (!r) {
                FieldErrors::show(r.error(), fields);
                return self->setStatus(tr("Could not invite %1: %2").arg(email, r.error().describe()), true);
            }
            FieldErrors::clear(fields);
            self->m_email->clear();
            self->setStatus(r.value().value(QStringLiteral("status")).toString() == QLatin1String("active")
                    ? tr("%1 is a member now").arg(email)
                    : tr("%1 is invited: they become a member when they register").arg(email));
            self->reload();
        });
}

void MembersPage::setSelectedRole(const QString &role)
{
    const QString member = selectedMember();
    if (member.isEmpty())
        return;
    QPointer<MembersPage> self(this);
    m_session->client()->setMemberRole(workspaceId(), member, role, [self, role](ClientResult<QJsonObject> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not change the role: %1").arg(r.error().describe()), true);
        self->setStatus(tr("Role set to %1").arg(role));
        self->reload();
    });
}

void MembersPage::removeSelected()
{
    const QString member = selectedMember();
    if (member.isEmpty() || !m_session->isAdmin())
        return;
    QPointer<MembersPage> self(this);
    m_session->client()->removeMember(workspaceId(), member, [self](ClientResult<bool> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not remove: %1").arg(r.error().describe()), true);
        self->setStatus(tr("Removed; their keys in this workspace are revoked"));
        self->reload();
    });
}

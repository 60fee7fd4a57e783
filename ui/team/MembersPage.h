// Members of the current workspace: invite (email and role), change a role (owner), remove (admin), and
// the pending invitations. A member sees the list read-only.
#pragma once

#include "Page.h"

class ConsoleSession;
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class WorkspaceSwitcher;

class MembersPage : public Page
{
    Q_OBJECT
public:
    explicit MembersPage(ConsoleSession *session, QWidget *parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void pageShown() override;

    void reload();
    void invite();
    void setSelectedRole(const QString &role);
    void removeSelected();

private:
    QString workspaceId() const;
    QString selectedMember() const; // user id, or the email of an invitation
    void updateActions();
    void setStatus(const QString &text, bool error = false);

    ConsoleSession *m_session;
    WorkspaceSwitcher *m_switcher;
    QTreeWidget *m_table;
    QLineEdit *m_email;
    QComboBox *m_inviteRole;
    QPushButton *m_inviteButton;
    QComboBox *m_role;
    QPushButton *m_roleButton;
    QPushButton *m_removeButton;
    QLabel *m_status;
    bool m_loaded = false;
};

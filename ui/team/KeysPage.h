// API keys: the caller's own (every person's for an admin), create one with quotas and an expiry (the secret
// is shown once, with a copy button), revoke.
#pragma once

#include "Page.h"

#include <QHash>

class ConsoleSession;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTreeWidget;
class QWidget;

class KeysPage : public Page
{
    Q_OBJECT
public:
    explicit KeysPage(ConsoleSession *session, QWidget *parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void pageShown() override;

    void reload();
    void create();
    void revokeSelected();

private:
    void setStatus(const QString &text, bool error = false);
    void hideSecret();
    QHash<QString, QWidget *> fieldWidgets() const; // API field name -> its input

    ConsoleSession *m_session;
    QTreeWidget *m_table;
    QCheckBox *m_showRevoked;
    QLineEdit *m_name;
    QComboBox *m_role;
    QSpinBox *m_perHour;
    QSpinBox *m_concurrent;
    QLineEdit *m_types;
    QSpinBox *m_days;
    QPushButton *m_create;
    QPushButton *m_revoke;
    QWidget *m_secretBox;
    QLineEdit *m_secret;
    QLabel *m_status;
};

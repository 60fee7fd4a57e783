// Webhooks (part 3): the workspace's hooks (url, events, status, last delivery), a new hook (its signing
// secret shown once, with a copy button), rotate, enable, delete, send a test, and the selected hook's
// delivery log with "Resend". Admins and owners only: a member sees the controls disabled with the reason.
#pragma once

#include "Page.h"

#include <QHash>

class ConsoleSession;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;
class QTreeWidget;
class QWidget;

class WebhooksPage : public Page
{
    Q_OBJECT
public:
    explicit WebhooksPage(ConsoleSession *session, QWidget *parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void pageShown() override;

    void reload();
    void reloadDeliveries();
    void create();
    void sendTest();
    void rotateSecret();
    void enableSelected();
    void deleteSelected();
    void resendSelected();

protected:
    void hideEvent(QHideEvent *e) override;

private:
    QString selectedHook() const;
    void updateButtons();
    void applyRole();
    void showSecret(const QString &secret, const QString &note);
    void hideSecret();
    void setStatus(const QString &text, bool error = false);
    QHash<QString, QWidget *> fieldWidgets() const;

    ConsoleSession *m_session;
    QTreeWidget *m_table;
    QTreeWidget *m_deliveries;
    QLineEdit *m_url;
    QLineEdit *m_events;
    QLineEdit *m_description;
    QPushButton *m_create;
    QPushButton *m_test;
    QPushButton *m_rotate;
    QPushButton *m_enable;
    QPushButton *m_delete;
    QPushButton *m_resend;
    QWidget *m_secretBox;
    QLabel *m_secretNote;
    QLineEdit *m_secret;
    QLabel *m_roleNote;
    QLabel *m_status;
    QTimer *m_poll;
    bool m_allowed = true;
};

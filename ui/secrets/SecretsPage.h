// Part 2 (secret vaults): the Secrets page — the workspace's vaults, each vault's secret names with their
// times, "Set secret…" (a password-echo field cleared once sent), "Rotate" and "Delete". Values are
// write-only: nothing on this page ever shows one. Members see it disabled, with the reason.
#pragma once

#include "Page.h"

class ConsoleSession;
class QDialog;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTreeWidget;

class SecretsPage : public Page
{
    Q_OBJECT
public:
    explicit SecretsPage(ConsoleSession *session, QWidget *parent = nullptr);

    QString title() const override;
    QIcon icon() const override;
    void pageShown() override;

    void reload();
    void createVault();
    void deleteVault();
    // Opens the "Set secret" dialog (objectName setSecretDialog); `name` fixed for a rotation.
    void openSetDialog(const QString &name = {});
    void deleteSecret();
    QString currentVault() const;

private:
    void updateAccess();
    void loadSecrets();
    void setStatus(const QString &text, bool error = false);
    void send(QDialog *dialog, QLineEdit *name, QLineEdit *value);

    ConsoleSession *m_session;
    QLabel *m_denied;
    QWidget *m_body;
    QListWidget *m_vaults;
    QLineEdit *m_newVault;
    QTreeWidget *m_secrets;
    QString m_secretsOf; // the vault whose secrets the table shows
    QPushButton *m_set;
    QPushButton *m_rotate;
    QPushButton *m_delete;
    QLabel *m_status;
};

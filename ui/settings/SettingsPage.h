// Settings: the connection profiles (the embedded control plane, or remote deployments with an API key
// or a sign-in, and a CA file), which one is in use, and where their secrets are kept.
#pragma once

#include "Page.h"
#include "ProfileStore.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QStackedWidget;

class SettingsPage : public Page
{
    Q_OBJECT
public:
    SettingsPage(ConsoleSession *session, ProfileStore *profiles, QWidget *parent = nullptr);
    QString title() const override { return tr("Settings"); }
    QIcon icon() const override;
    void pageShown() override;

signals:
    void connectRequested(const QString &profileName);

private:
    void reloadList(const QString &select = {});
    void showProfile(const QString &name);
    void saveCurrent(bool thenConnect);
    void updateAuthFields();
    void showMessage(const QString &text, bool error);

    ProfileStore *m_profiles;
    QListWidget *m_list;
    QLineEdit *m_name;
    QLineEdit *m_url;
    QComboBox *m_auth;
    QLineEdit *m_apiKey;
    QLineEdit *m_email;
    QLineEdit *m_caFile;
    QWidget *m_remoteForm;
    QLabel *m_embeddedInfo;
    QLabel *m_message;
    QLabel *m_active;
    QPushButton *m_remove;
    QString m_editing; // the profile shown ("" for a new one)
};

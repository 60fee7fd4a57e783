#include "SettingsPage.h"
#include "ConsoleSession.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

SettingsPage::SettingsPage(ConsoleSession *session, ProfileStore *profiles, QWidget *parent)
    : Page(session, parent)
    , m_profiles(profiles)
    , m_list(new QListWidget)
    , m_name(new QLineEdit)
    , m_url(new QLineEdit)
    , m_auth(new QComboBox)
    , m_apiKey(new QLineEdit)
    , m_email(new QLineEdit)
    , m_caFile(new QLineEdit)
    , m_remoteForm(new QWidget)
    , m_embeddedInfo(new QLabel)
    , m_message(new QLabel)
    , m_active(new QLabel)
{
    setObjectName(QStringLiteral("settingsPage"));
    m_list->setObjectName(QStringLiteral("profileList"));
    m_name->setObjectName(QStringLiteral("profileName"));
    m_url->setObjectName(QStringLiteral("profileUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://compute.example.com"));
    m_auth->setObjectName(QStringLiteral("profileAuth"));
    m_auth->addItem(tr("API key"), int(Profile::Auth::ApiKey));
    m_auth->addItem(tr("Email and password"), int(Profile::Auth::Password));
    m_apiKey->setObjectName(QStringLiteral("profileApiKey"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setPlaceholderText(tr("tnv_… (kept in the keychain; leave empty to keep the stored one)"));
    m_email->setObjectName(QStringLiteral("profileEmail"));
    m_caFile->setObjectName(QStringLiteral("profileCaFile"));
    m_caFile->setPlaceholderText(tr("optional: a PEM file trusted besides the system's CAs"));
    m_message->setObjectName(QStringLiteral("settingsMessage"));
    m_message->setWordWrap(true);
    m_active->setObjectName(QStringLiteral("activeProfile"));
    m_embeddedInfo->setWordWrap(true);
    m_embeddedInfo->setText(tr("The embedded profile runs a control plane and an agent for this machine inside the "
                               "console, with the owner's key. Nothing to configure."));

    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        auto *dialog = new QFileDialog(this, tr("CA certificate (PEM)"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setNameFilter(tr("PEM files (*.pem *.crt);;All files (*)"));
        connect(dialog, &QFileDialog::fileSelected, m_caFile, &QLineEdit::setText);
        dialog->open();
    });
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(browse);
    auto *form = new QFormLayout(m_remoteForm);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("Server &URL"), m_url);
    form->addRow(tr("&Authentication"), m_auth);
    form->addRow(tr("API &key"), m_apiKey);
    form->addRow(tr("&Email"), m_email);
    form->addRow(tr("&CA file"), caRow);

    auto *add = new QPushButton(tr("&New profile"));
    add->setObjectName(QStringLiteral("profileNew"));
    m_remove = new QPushButton(tr("&Delete"));
    m_remove->setObjectName(QStringLiteral("profileDelete"));
    auto *save = new QPushButton(tr("&Save"));
    save->setObjectName(QStringLiteral("profileSave"));
    auto *use = new QPushButton(tr("Save and c&onnect"));
    use->setObjectName(QStringLiteral("profileConnect"));
    use->setDefault(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    buttons->addWidget(save);
    buttons->addWidget(use);

    auto *right = new QVBoxLayout;
    right->addWidget(m_active);
    right->addWidget(m_embeddedInfo);
    right->addWidget(m_remoteForm);
    right->addWidget(m_message);
    right->addStretch();
    right->addLayout(buttons);
    auto *layout = new QHBoxLayout(this);
    m_list->setMaximumWidth(240);
    layout->addWidget(m_list);
    layout->addLayout(right, 1);

    connect(m_list, &QListWidget::currentTextChanged, this, &SettingsPage::showProfile);
    connect(m_auth, &QComboBox::currentIndexChanged, this, &SettingsPage::updateAuthFields);
    connect(add, &QPushButton::clicked, this, [this] {
        m_list->clearSelection();
        m_editing.clear();
        m_name->clear();
        m_url->clear();
        m_apiKey->clear();
        m_email->clear();
        m_caFile->clear();
        m_embeddedInfo->hide();
        m_remoteForm->show();
        m_remove->setEnabled(false);
        m_name->setFocus();
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (!m_editing.isEmpty() && m_editing != QLatin1String(ProfileStore::kEmbeddedName)) {
            m_profiles->remove(m_editing);
            reloadList(QString::fromLatin1(ProfileStore::kEmbeddedName));
        }
    });
    connect(save, &QPushButton::clicked, this, [this] { saveCurrent(false); });
    connect(use, &QPushButton::clicked, this, [this] { saveCurrent(true); });
    connect(m_profiles, &ProfileStore::warning, this, [this](const QString &text) { showMessage(text, false); });
    connect(session, &ConsoleSession::connectionStateChanged, this, &SettingsPage::pageShown);
    reloadList(m_profiles->activeName());
}

QIcon SettingsPage::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogDetailedView);
}

void SettingsPage::pageShown()
{
    m_active->setText(tr("In use: <b>%1</b> (%2)")
                          .arg(session()->profileName().toHtmlEscaped(), session()->serverUrl().toHtmlEscaped()));
}

void SettingsPage::reloadList(const QString &select)
{
    m_list->clear();
    for (const Profile &p : m_profiles->profiles())
        m_list->addItem(p.name);
    const auto found = m_list->findItems(select, Qt::MatchExactly);
    m_list->setCurrentItem(found.isEmpty() ? m_list->item(0) : found.first());
}

void SettingsPage::showProfile(const QString &name)
{
    if (name.isEmpty())
        return;
    const Profile p = m_profiles->profile(name);
    m_editing = p.name;
    m_embeddedInfo->setVisible(p.isEmbedded());
    m_remoteForm->setVisible(!p.isEmbedded());
    m_remove->setEnabled(!p.isEmbedded());
    m_name->setText(p.name);
    m_url->setText(p.url);
    m_auth->setCurrentIndex(p.auth == Profile::Auth::Password ? 1 : 0);
    m_apiKey->clear();
    m_email->setText(p.email);
    m_caFile->setText(p.caFile);
    updateAuthFields();
}

void SettingsPage::updateAuthFields()
{
    const bool key = m_auth->currentData().toInt() == int(Profile::Auth::ApiKey);
    m_apiKey->setEnabled(key);
    m_email->setEnabled(!key);
}

void SettingsPage::saveCurrent(bool thenConnect)
{
    if (m_editing == QLatin1String(ProfileStore::kEmbeddedName)) {
        if (thenConnect)
            emit connectRequested(m_editing);
        return;
    }
    Profile p;
    p.name = m_name->text().trimmed();
    p.url = m_url->text().trimmed();
    p.auth = Profile::Auth(m_auth->currentData().toInt());
    p.email = m_email->text().trimmed();
    p.caFile = m_caFile->text().trimmed();
    const Profile before = m_profiles->profile(m_editing.isEmpty() ? p.name : m_editing);
    p.workspace = before.workspace;
    QString why;
    if (!m_profiles->save(p, &why))
        return showMessage(why, true);
    const QString key = m_apiKey->text().trimmed();
    auto done = [this, p, thenConnect](const QString &warning) {
        showMessage(warning.isEmpty() ? tr("Saved.") : warning, false);
        if (thenConnect)
            emit connectRequested(p.name);
    };
    if (!m_editing.isEmpty() && m_editing != p.name)
        m_profiles->remove(m_editing); // renamed: the old name's secret goes with it
    m_apiKey->clear();
    reloadList(p.name);
    if (p.auth == Profile::Auth::ApiKey && !key.isEmpty())
        m_profiles->writeSecret(p.name, key, done);
    else if (p.auth != before.auth || p.email != before.email || p.url != before.url)
        m_profiles->writeSecret(p.name, QString(), done); // another person or server: sign in afresh
    else
        done(QString());
}

void SettingsPage::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #cf222e") : QString());
}

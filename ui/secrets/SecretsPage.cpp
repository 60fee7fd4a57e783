// Every call goes through the session's client and answers on the GUI thread; nothing blocks but the
// delete confirmations. A value lives only in the dialog's password field until it is sent, then the
// field is cleared and the dialog closed.
#include "SecretsPage.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

SecretsPage::SecretsPage(ConsoleSession *session, QWidget *parent)
    : Page(session, parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("secretsPage"));
    m_denied = new QLabel(tr("Managing secrets needs an admin or owner of the workspace."), this);
    m_denied->setObjectName(QStringLiteral("secretsDenied"));
    m_denied->setWordWrap(true);
    m_body = new QWidget(this);

    m_vaults = new QListWidget(m_body);
    m_vaults->setObjectName(QStringLiteral("secretVaults"));
    connect(m_vaults, &QListWidget::currentRowChanged, this, &SecretsPage::loadSecrets);
    m_newVault = new QLineEdit(m_body);
    m_newVault->setObjectName(QStringLiteral("newVaultName"));
    m_newVault->setPlaceholderText(tr("new vault name"));
    connect(m_newVault, &QLineEdit::returnPressed, this, &SecretsPage::createVault);
    auto *createVaultButton = new QPushButton(tr("Create &vault"), m_body);
    createVaultButton->setObjectName(QStringLiteral("createVaultButton"));
    connect(createVaultButton, &QPushButton::clicked, this, &SecretsPage::createVault);
    auto *deleteVaultButton = new QPushButton(tr("Delete vault…"), m_body);
    deleteVaultButton->setObjectName(QStringLiteral("deleteVaultButton"));
    connect(deleteVaultButton, &QPushButton::clicked, this, &SecretsPage::deleteVault);
    auto *left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("Vaults"), m_body));
    left->addWidget(m_vaults, 1);
    auto *newRow = new QHBoxLayout;
    newRow->addWidget(m_newVault, 1);
    newRow->addWidget(createVaultButton);
    left->addLayout(newRow);
    left->addWidget(deleteVaultButton);

    m_secrets = new QTreeWidget(m_body);
    m_secrets->setObjectName(QStringLiteral("secretsTable"));
    m_secrets->setRootIsDecorated(false);
    m_secrets->setHeaderLabels({tr("Name"), tr("Version"), tr("Updated")});
    m_set = new QPushButton(tr("&Set secret…"), m_body);
    m_set->setObjectName(QStringLiteral("setSecretButton"));
    connect(m_set, &QPushButton::clicked, this, [this] { openSetDialog(); });
    m_rotate = new QPushButton(tr("&Rotate…"), m_body);
    m_rotate->setObjectName(QStringLiteral("rotateSecretButton"));
    connect(m_rotate, &QPushButton::clicked, this, [this] {
        if (const QTreeWidgetItem *item = m_secrets->currentItem())
            openSetDialog(item->text(0));
    });
    m_delete = new QPushButton(tr("&Delete…"), m_body);
    m_delete->setObjectName(QStringLiteral("deleteSecretButton"));
    connect(m_delete, &QPushButton::clicked, this, &SecretsPage::deleteSecret);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_set);
    buttons->addWidget(m_rotate);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    auto *right = new QVBoxLayout;
    auto *hint = new QLabel(tr("Values are write-only: they are never shown again. Jobs name a secret as "
                               "vault/NAME and receive it as the environment variable NAME."),
        m_body);
    hint->setWordWrap(true);
    right->addWidget(hint);
    right->addWidget(m_secrets, 1);
    right->addLayout(buttons);

    auto *split = new QHBoxLayout(m_body);
    split->setContentsMargins(0, 0, 0, 0);
    split->addLayout(left, 1);
    split->addLayout(right, 2);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("secretsStatus"));
    m_status->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_denied);
    layout->addWidget(m_body, 1);
    layout->addWidget(m_status);

    connect(m_session, &ConsoleSession::reset, this, [this] {
        m_vaults->clear();
        m_secrets->clear();
        updateAccess();
        if (isVisible())
            reload();
    });
    connect(m_session, &ConsoleSession::identityChanged, this, &SecretsPage::updateAccess);
    updateAccess();
}

QString SecretsPage::title() const
{
    return tr("Secrets");
}

QIcon SecretsPage::icon() const
{
    return QIcon::fromTheme(QStringLiteral("dialog-password"));
}

void SecretsPage::pageShown()
{
    updateAccess();
    if (m_session->isAdmin())
        reload();
}

void SecretsPage::updateAccess()
{
    const bool admin = m_session->isAdmin();
    m_denied->setVisible(!admin);
    m_body->setEnabled(admin);
}

void SecretsPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

QString SecretsPage::currentVault() const
{
    const QListWidgetItem *item = m_vaults->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void SecretsPage::reload()
{
    if (!m_session->isAdmin())
        return;
    const QString keep = currentVault();
    QPointer<SecretsPage> self(this);
    m_session->client()->secretVaults([self, keep](ClientResult<SecretVaultList> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not read the vaults: %1").arg(r.error().describe()), true);
        self->m_vaults->blockSignals(true);
        self->m_vaults->clear();
        int row = r.value().vaults.isEmpty() ? -1 : 0;
        for (const SecretVaultView &v : r.value().vaults) {
            auto *item = new QListWidgetItem(v.name, self->m_vaults);
            item->setData(Qt::UserRole, v.id);
            item->setToolTip(v.description);
            if (v.id == keep)
                row = self->m_vaults->count() - 1;
        }
        self->m_vaults->setCurrentRow(row);
        self->m_vaults->blockSignals(false);
        self->loadSecrets();
    });
}

void SecretsPage::loadSecrets()
{
    const QString vault = currentVault();
    // another vault's names go at once; a reload of the same vault keeps the rows and the selection until
    // the answer replaces them
    if (vault != m_secretsOf)
        m_secrets->clear();
    m_secretsOf = vault;
    m_set->setEnabled(!vault.isEmpty());
    if (vault.isEmpty())
        return;
    QPointer<SecretsPage> self(this);
    m_session->client()->secrets(vault, [self, vault](ClientResult<SecretList> r) {
        if (!self || self->currentVault() != vault)
            return;
        if (!r)
            return self->setStatus(tr("Could not read the secrets: %1").arg(r.error().describe()), true);
        const QString selected = self->m_secrets->currentItem() ? self->m_secrets->currentItem()->text(0) : QString();
        self->m_secrets->clear();
        for (const SecretView &s : r.value().secrets) {
            auto *item = new QTreeWidgetItem(self->m_secrets);
            if (s.name == selected)
                self->m_secrets->setCurrentItem(item);
            item->setText(0, s.name);
            item->setText(1, QString::number(s.version));
            item->setText(2,
                QDateTime::fromString(s.updatedAt, Qt::ISODateWithMs)
                    .toLocalTime()
                    .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        }
    });
}

void SecretsPage::createVault()
{
    const QString name = m_newVault->text().trimmed();
    if (name.isEmpty())
        return setStatus(tr("Give the new vault a name."), true);
    QPointer<SecretsPage> self(this);
    m_session->client()->createSecretVault(name, QString(), [self](ClientResult<SecretVaultView> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not create the vault: %1").arg(r.error().describe()), true);
        self->m_newVault->clear();
        self->setStatus(tr("Vault %1 created.").arg(r.value().name));
        self->m_vaults->blockSignals(true);
        auto *item = new QListWidgetItem(r.value().name, self->m_vaults);
        item->setData(Qt::UserRole, r.value().id);
        self->m_vaults->setCurrentItem(item);
        self->m_vaults->blockSignals(false);
        self->reload();
    });
}

void SecretsPage::deleteVault()
{
    const QListWidgetItem *item = m_vaults->currentItem();
    if (!item)
        return;
    const QString name = item->text();
    if (QMessageBox::question(this, tr("Delete vault"),
            tr("Delete vault %1 and all its secrets? Jobs that name them will fail.").arg(name))
        != QMessageBox::Yes)
        return;
    QPointer<SecretsPage> self(this);
    m_session->client()->deleteSecretVault(item->data(Qt::UserRole).toString(), [self, name](ClientResult<bool> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not delete the vault: %1").arg(r.error().describe()), true);
        self->setStatus(tr("Vault %1 deleted.").arg(name));
        self->reload();
    });
}

void SecretsPage::openSetDialog(const QString &presetName)
{
    if (currentVault().isEmpty())
        return setStatus(tr("Choose or create a vault first."), true);
    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("setSecretDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(presetName.isEmpty() ? tr("Set secret") : tr("Rotate %1").arg(presetName));
    auto *name = new QLineEdit(presetName, dialog);
    name->setObjectName(QStringLiteral("secretName"));
    name->setPlaceholderText(tr("DB_PASSWORD"));
    name->setReadOnly(!presetName.isEmpty());
    auto *value = new QLineEdit(dialog);
    value->setObjectName(QStringLiteral("secretValue"));
    value->setEchoMode(QLineEdit::Password);
    value->setPlaceholderText(tr("the value (never shown again)"));
    auto *box = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, dialog);
    box->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("secretSave"));
    connect(box, &QDialogButtonBox::accepted, this, [this, dialog, name, value] { send(dialog, name, value); });
    connect(box, &QDialogButtonBox::rejected, dialog, [dialog, value] {
        value->clear();
        dialog->reject();
    });
    auto *form = new QFormLayout(dialog);
    form->addRow(tr("Name"), name);
    form->addRow(tr("Value"), value);
    form->addRow(box);
    dialog->open();
    (presetName.isEmpty() ? name : value)->setFocus();
}

void SecretsPage::send(QDialog *dialog, QLineEdit *name, QLineEdit *value)
{
    const QString secretName = name->text().trimmed();
    const QString text = value->text();
    value->clear(); // the value lives on in the request only
    if (secretName.isEmpty() || text.isEmpty())
        return setStatus(tr("A secret needs a name and a value."), true);
    dialog->setEnabled(false);
    QPointer<SecretsPage> self(this);
    QPointer<QDialog> dlg(dialog);
    m_session->client()->putSecret(
        currentVault(), secretName, text, [self, dlg, secretName](ClientResult<SecretView> r) {
            if (dlg)
                dlg->setEnabled(true);
            if (!self)
                return;
            if (!r)
                return self->setStatus(tr("Could not set %1: %2").arg(secretName, r.error().describe()), true);
            if (dlg)
                dlg->accept();
            self->setStatus(tr("%1 set (version %2).").arg(secretName).arg(r.value().version));
            self->loadSecrets();
        });
}

void SecretsPage::deleteSecret()
{
    const QTreeWidgetItem *item = m_secrets->currentItem();
    if (!item)
        return;
    const QString name = item->text(0);
    if (QMessageBox::question(this, tr("Delete secret"), tr("Delete secret %1? Jobs that name it will fail.").arg(name))
        != QMessageBox::Yes)
        return;
    QPointer<SecretsPage> self(this);
    m_session->client()->deleteSecret(currentVault(), name, [self, name](ClientResult<bool> r) {
        if (!self)
            return;
        if (!r)
            return self->setStatus(tr("Could not delete %1: %2").arg(name, r.error().describe()), true);
        self->setStatus(tr("%1 deleted.").arg(name));
        self->loadSecrets();
    });
}

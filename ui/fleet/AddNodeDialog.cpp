// The same key and command as `tanvrit-compute agents join-command`, through ComputeClient::joinCommand.
#include "AddNodeDialog.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>

AddNodeDialog::AddNodeDialog(ConsoleSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("addNodeDialog"));
    setWindowTitle(tr("Add a node"));
    setMinimumWidth(640);
    auto *intro = new QLabel(tr("Run this on the machine that should run jobs (with tanvrit-compute installed). The "
                                "key registers it once; the agent then keeps a key of its own."),
        this);
    intro->setWordWrap(true);
    m_days = new QSpinBox(this);
    m_days->setObjectName(QStringLiteral("joinKeyDays"));
    m_days->setRange(1, 3650);
    m_days->setValue(1);
    m_days->setSuffix(tr(" day(s)"));
    m_command = new QLineEdit(this);
    m_command->setObjectName(QStringLiteral("joinCommandEdit"));
    m_command->setReadOnly(true);
    m_command->setPlaceholderText(tr("Minting a key…"));
    m_copy = new QPushButton(tr("&Copy"), this);
    m_copy->setObjectName(QStringLiteral("copyJoinCommand"));
    m_copy->setEnabled(false);
    m_again = new QPushButton(tr("New &key"), this);
    m_again->setObjectName(QStringLiteral("mintAgain"));
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("joinNote"));
    m_note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_copy, QDialogButtonBox::ActionRole);
    buttons->addButton(m_again, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_command->text());
        m_note->setText(tr("Copied. The key is not shown again once this window closes."));
    });
    connect(m_again, &QPushButton::clicked, this, &AddNodeDialog::mint);

    auto *form = new QFormLayout(this);
    form->addRow(intro);
    form->addRow(tr("Key expires after"), m_days);
    form->addRow(tr("Command"), m_command);
    form->addRow(m_note);
    form->addRow(buttons);
    mint();
}

QString AddNodeDialog::command() const
{
    return m_copy->isEnabled() ? m_command->text() : QString();
}

void AddNodeDialog::mint()
{
    if (!m_session->isAdmin()) {
        m_note->setText(tr("Registering nodes needs an admin or owner of the workspace."));
        m_again->setEnabled(false);
        return;
    }
    m_copy->setEnabled(false);
    m_again->setEnabled(false);
    m_command->clear();
    QPointer<AddNodeDialog> self(this);
    m_session->client()->joinCommand(m_days->value(), [self](ClientResult<JoinCommand> r) {
        if (!self)
            return;
        self->m_again->setEnabled(true);
        if (!r) {
            self->m_note->setText(tr("Could not mint a key: %1").arg(r.error().describe()));
            return;
        }
        self->m_command->setText(r.value().command);
        self->m_command->setCursorPosition(0);
        self->m_copy->setEnabled(true);
        const QHostAddress host(QUrl(self->m_session->serverUrl()).host());
        self->m_note->setText(host.isLoopback()
                ? tr("This control plane listens on %1, which other machines cannot reach: start it on an "
                     "address they can (serve --listen 0.0.0.0:PORT), and use that address in the command.")
                      .arg(self->m_session->serverUrl())
                : tr("Key %1 (revoke it on the Keys page once the node is registered).").arg(r.value().key.id));
        Q_EMIT self->commandReady(r.value().command);
    });
}

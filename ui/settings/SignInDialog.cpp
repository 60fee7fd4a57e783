#include "SignInDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

SignInDialog::SignInDialog(const QString &server, const QString &email, QWidget *parent)
    : QDialog(parent)
    , m_password(new QLineEdit)
    , m_error(new QLabel)
{
    setWindowTitle(tr("Sign in"));
    setObjectName(QStringLiteral("signInDialog"));
    m_password->setObjectName(QStringLiteral("signInPassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_error->setObjectName(QStringLiteral("signInError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #cf222e"));
    m_error->hide();
    auto *form = new QFormLayout(this);
    form->addRow(new QLabel(tr("Sign in to %1").arg(server.toHtmlEscaped())));
    form->addRow(tr("Email"), new QLabel(email.toHtmlEscaped()));
    form->addRow(tr("&Password"), m_password);
    form->addRow(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Sign in"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (m_password->text().isEmpty())
            return showError(tr("Enter the password."));
        m_error->hide();
        emit submitted(m_password->text());
    });
}

void SignInDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
    m_password->selectAll();
    m_password->setFocus();
}

// The deadline is asked in minutes (what an operator thinks in); the API takes seconds.
#include "DrainDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

DrainDialog::DrainDialog(const QString &nodeName, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("drainDialog"));
    setWindowTitle(tr("Drain %1").arg(nodeName));
    auto *text = new QLabel(tr("%1 finishes the jobs it runs and takes no new ones.").arg(nodeName), this);
    text->setWordWrap(true);
    m_withDeadline = new QCheckBox(tr("Cancel the jobs still running after"), this);
    m_withDeadline->setObjectName(QStringLiteral("deadlineCheck"));
    m_minutes = new QSpinBox(this);
    m_minutes->setObjectName(QStringLiteral("deadlineMinutes"));
    m_minutes->setRange(0, 30 * 24 * 60);
    m_minutes->setValue(30);
    m_minutes->setSuffix(tr(" min"));
    m_minutes->setEnabled(false);
    connect(m_withDeadline, &QCheckBox::toggled, m_minutes, &QWidget::setEnabled);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Drain"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("drainOk"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout(this);
    form->addRow(text);
    form->addRow(m_withDeadline, m_minutes);
    form->addRow(buttons);
}

void DrainDialog::setDeadline(std::optional<int> seconds)
{
    m_withDeadline->setChecked(bool(seconds));
    if (seconds)
        m_minutes->setValue((*seconds + 59) / 60);
}

std::optional<int> DrainDialog::deadlineSeconds() const
{
    if (!m_withDeadline->isChecked())
        return std::nullopt;
    return m_minutes->value() * 60;
}

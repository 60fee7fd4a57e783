// Asks how to drain a node: let its jobs finish, or cancel what still runs after a deadline.
#pragma once

#include <QDialog>
#include <optional>

class QCheckBox;
class QSpinBox;

class DrainDialog : public QDialog
{
    Q_OBJECT
public:
    DrainDialog(const QString &nodeName, QWidget *parent = nullptr);

    void setDeadline(std::optional<int> seconds);
    std::optional<int> deadlineSeconds() const; // nullopt: no deadline

private:
    QCheckBox *m_withDeadline;
    QSpinBox *m_minutes;
};

// "Add a node": mints a registration key (admin, expiring) and shows the exact command that starts an agent
// with it on another machine, with a copy button. The key is shown once, here.
#pragma once

#include <QDialog>

class ConsoleSession;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

class AddNodeDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AddNodeDialog(ConsoleSession *session, QWidget *parent = nullptr);

    QString command() const; // empty until the key is minted
    void mint(); // a fresh key (and command); the dialog does this when it opens

Q_SIGNALS:
    void commandReady(const QString &command);

private:
    ConsoleSession *m_session;
    QSpinBox *m_days;
    QLineEdit *m_command;
    QPushButton *m_copy;
    QPushButton *m_again;
    QLabel *m_note;
};

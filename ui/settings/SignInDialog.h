// Asks for the password of a sign-in profile; stays open showing the server's answer until it succeeds.
#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;

class SignInDialog : public QDialog
{
    Q_OBJECT
public:
    SignInDialog(const QString &server, const QString &email, QWidget *parent = nullptr);
    void showError(const QString &message);

signals:
    void submitted(const QString &password);

private:
    QLineEdit *m_password;
    QLabel *m_error;
};

// The submit dialog: a job's command (sh string or argv), env, secrets, labels, resources, timeout, priority,
// retries and working dir, checked before sending; the server's field errors shown next to their field.
#pragma once

#include <QDialog>
#include <QHash>
#include <QJsonObject>

class ConsoleSession;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

class SubmitDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SubmitDialog(ConsoleSession *session, QWidget *parent = nullptr);

    // Fills the fields from a job's JSON (clone and edit) or from a submit body.
    void prefill(const QJsonObject &job);
    void setCommand(const QString &shellCommand);
    // The submit body the fields make, or empty with the field errors shown.
    QJsonObject validatedBody();
    QString fieldError(const QString &field) const; // the inline error shown for a field ("" when none)

signals:
    void submitted(const QString &jobId);

private:
    void submit();
    void clearErrors();
    void showError(const QString &field, const QString &message);
    QLabel *errorLabel(const QString &field, QWidget *form, const QString &objectName);

    ConsoleSession *m_session;
    QString m_idempotencyKey; // one per dialog: pressing Submit again after a lost answer makes no second job
    QComboBox *m_kind;
    QPlainTextEdit *m_command;
    QComboBox *m_type;
    QPlainTextEdit *m_env;
    QLineEdit *m_secrets;
    QLineEdit *m_labels;
    QDoubleSpinBox *m_cpu;
    QDoubleSpinBox *m_mem;
    QSpinBox *m_gpus;
    QSpinBox *m_timeout;
    QSpinBox *m_priority;
    QSpinBox *m_retries;
    QLineEdit *m_workingDir;
    QPushButton *m_submit;
    QLabel *m_general;
    QHash<QString, QLabel *> m_errors; // field → its inline error label
    QJsonObject m_extra; // fields the form does not edit, kept from a cloned job (artifacts, image, cmd)
};

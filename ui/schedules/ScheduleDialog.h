// The editor of one schedule: name, cron, time zone, command and policies, with the next five run times
// shown live (a debounced preview call) before anything is saved and the server's field errors inline.
#pragma once

#include "ScheduleTypes.h"

#include <QDialog>
#include <QHash>
#include <QTimer>

class ConsoleSession;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;

class ScheduleDialog : public QDialog
{
    Q_OBJECT
public:
    // `existing` empty: a new schedule.
    ScheduleDialog(ConsoleSession *session, const ScheduleView &existing, QWidget *parent = nullptr);

    void save();

Q_SIGNALS:
    void saved(const QString &scheduleId);

private:
    void schedulePreview();
    void preview();
    void setMessage(const QString &text, bool error);
    QHash<QString, QWidget *> fieldWidgets() const; // API field -> its input

    ConsoleSession *m_session;
    ScheduleView m_existing;
    QString m_initialCommand;
    QLineEdit *m_name;
    QLineEdit *m_cron;
    QComboBox *m_zone;
    QLineEdit *m_command;
    QComboBox *m_concurrency;
    QComboBox *m_catchUp;
    QListWidget *m_preview;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
    QTimer m_debounce;
    int m_previewGeneration = 0;
};

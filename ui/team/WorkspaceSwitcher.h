// The workspace switcher: a person signed in with a session picks the workspace the console acts in. An API
// key acts in its own workspace only, so for a key it shows that workspace and nothing to pick.
#pragma once

#include <QWidget>

class ConsoleSession;
class QComboBox;
class QLabel;

class WorkspaceSwitcher : public QWidget
{
    Q_OBJECT
public:
    explicit WorkspaceSwitcher(ConsoleSession *session, QWidget *parent = nullptr);

    void reload();

private:
    ConsoleSession *m_session;
    QComboBox *m_combo;
    QLabel *m_label;
    bool m_filling = false;
};

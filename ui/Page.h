// A page of the console (Jobs, Logs, Nodes, …): a widget that talks to the control plane through its
// ConsoleSession only, and reloads on the session's reset() (a new connection, profile or workspace).
#pragma once

#include <QIcon>
#include <QWidget>

class ConsoleSession;

class Page : public QWidget
{
    Q_OBJECT
public:
    explicit Page(ConsoleSession *session, QWidget *parent = nullptr)
        : QWidget(parent)
        , m_session(session)
    {
    }
    ~Page() override;
    virtual QString title() const = 0;
    virtual QIcon icon() const { return {}; }
    // It became the visible page: refresh what may be stale.
    virtual void pageShown() { }
    // Whether the signed-in role may see it at all (hidden from the sidebar otherwise).
    virtual bool availableToRole(const QString &role) const
    {
        Q_UNUSED(role);
        return true;
    }

protected:
    ConsoleSession *session() const { return m_session; }

private:
    ConsoleSession *m_session;
};

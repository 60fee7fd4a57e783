#include "Pages.h"
#include "Page.h"

// objectNames: dashboardPage, jobsPage, logsPage, nodesPage, membersPage, keysPage, auditPage (settingsPage is
// the window's own). Each page's owner adds its line here.
QList<Page *> createPages(ConsoleSession *session, QWidget *parent)
{
    Q_UNUSED(session);
    Q_UNUSED(parent);
    QList<Page *> pages;
    return pages;
}

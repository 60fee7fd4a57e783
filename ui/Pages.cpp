#include "Pages.h"
#include "JobsPage.h"
#include "LogsPage.h"
#include "Page.h"

// objectNames: dashboardPage, jobsPage, logsPage, nodesPage, membersPage, keysPage, auditPage (settingsPage is
// the window's own). Each page's owner adds its line here.
QList<Page *> createPages(ConsoleSession *session, QWidget *parent)
{
    QList<Page *> pages;
    pages << new JobsPage(session, parent);
    pages << new LogsPage(session, parent);
    return pages;
}

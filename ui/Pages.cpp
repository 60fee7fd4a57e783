#include "Pages.h"
#include "AuditPage.h"
#include "DashboardPage.h"
#include "JobsPage.h"
#include "KeysPage.h"
#include "LogsPage.h"
#include "MembersPage.h"
#include "NodesPage.h"
#include "Page.h"
#include "SchedulesPage.h" // schedules (part 4)

// objectNames: dashboardPage, jobsPage, logsPage, nodesPage, membersPage, keysPage, auditPage (settingsPage is
// the window's own). Each page's owner adds its line here.
QList<Page *> createPages(ConsoleSession *session, QWidget *parent)
{
    QList<Page *> pages;
    pages << new DashboardPage(session, parent);
    pages << new JobsPage(session, parent);
    pages << new LogsPage(session, parent);
    pages << new NodesPage(session, parent);
    pages << new MembersPage(session, parent);
    pages << new KeysPage(session, parent);
    pages << new AuditPage(session, parent);
    pages << new SchedulesPage(session, parent); // schedules (part 4): schedulesPage
    return pages;
}

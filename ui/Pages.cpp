#include "Pages.h"
#include "AuditPage.h"
#include "DashboardPage.h"
#include "JobsPage.h"
#include "KeysPage.h"
#include "LogsPage.h"
#include "MembersPage.h"
#include "NodesPage.h"
#include "Page.h"
#include "SecretsPage.h" // part 2: secret vaults
#include "WebhooksPage.h" // part 3: webhooks
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
    pages << new SecretsPage(session, parent); // part 2: secret vaults (objectName secretsPage)
    pages << new WebhooksPage(session, parent); // part 3: webhooks (webhooksPage)
    pages << new SchedulesPage(session, parent); // schedules (part 4): schedulesPage
    return pages;
}

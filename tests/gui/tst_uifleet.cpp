// The Nodes page and the Dashboard driven as a user would, against the console's embedded control plane and
// local agent: drain a node (with a deadline) and see it DRAINING, counts on the dashboard matching the jobs
// run, and an "Add a node" command whose key works.
#include "AddNodeDialog.h"
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "DashboardPage.h"
#include "DrainDialog.h"
#include "GuiFixture.h"
#include "NodesPage.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTest>
#include <QTreeWidget>

class TestUiFleet : public QObject
{
    Q_OBJECT
private slots:
    void drainANodeFromTheNodesPage();
    void dashboardCountsMatchTheJobsRun();
    void addNodeCommandCarriesAWorkingKey();
    void rotateANodesKeyFromTheNodesPage();
};

void TestUiFleet::drainANodeFromTheNodesPage()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    QVERIFY(fx.showPage(QStringLiteral("nodesPage")));
    auto *tree = fx.find<QTreeWidget>(QStringLiteral("nodesTree"));
    QVERIFY(tree);
    QTRY_COMPARE_WITH_TIMEOUT(tree->topLevelItemCount(), 1, 30000);
    QTRY_VERIFY(tree->topLevelItem(0)->text(1).startsWith(QLatin1String("ONLINE")));
    tree->setCurrentItem(tree->topLevelItem(0));

    auto *drain = fx.find<QAction>(QStringLiteral("drainAction"));
    QVERIFY(drain && drain->isEnabled());
    drain->trigger();
    DrainDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = fx.find<DrainDialog>(QStringLiteral("drainDialog"))) && dialog->isVisible());
    QTest::mouseClick(dialog->findChild<QCheckBox *>(QStringLiteral("deadlineCheck")), Qt::LeftButton);
    dialog->findChild<QSpinBox *>(QStringLiteral("deadlineMinutes"))->setValue(10);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("drainOk")), Qt::LeftButton);

    QTRY_VERIFY_WITH_TIMEOUT(
        tree->topLevelItemCount() == 1 && tree->topLevelItem(0)->text(1).startsWith(QLatin1String("DRAINING")), 10000);
    QVERIFY2(
        tree->topLevelItem(0)->text(1).contains(QLatin1String("deadline")), qPrintable(tree->topLevelItem(0)->text(1)));
    const auto agents = awaitResult<AgentList>([&](auto cb) { fx.client()->agents(cb); });
    QVERIFY(agents && agents.value().agents.size() == 1);
    QCOMPARE(agents.value().agents.first().agent.state, AgentState::Draining);
    const qint64 deadline = agents.value().agents.first().agent.drainDeadline;
    const qint64 inTen = QDateTime::currentMSecsSinceEpoch() + 600 * 1000;
    QVERIFY2(std::abs(deadline - inTen) < 60 * 1000, qPrintable(QString::number(deadline - inTen)));
}

void TestUiFleet::dashboardCountsMatchTheJobsRun()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    QStringList ok;
    for (int i = 0; i < 3; ++i)
        ok << fx.submit({{QStringLiteral("command"), QStringLiteral("true")}});
    const QString bad = fx.submit({{QStringLiteral("command"), QStringLiteral("echo broken >&2; exit 2")}});
    for (const QString &id : ok)
        QVERIFY(fx.waitForState(id, QStringLiteral("SUCCEEDED")));
    QVERIFY(fx.waitForState(bad, QStringLiteral("FAILED")));

    QVERIFY(fx.showPage(QStringLiteral("dashboardPage")));
    auto value = [&](const char *name) {
        auto *l = fx.find<QLabel>(QLatin1String(name));
        return l ? l->property("value").toString() : QStringLiteral("(no %1)").arg(QLatin1String(name));
    };
    QTRY_COMPARE_WITH_TIMEOUT(value("count_SUCCEEDED"), QStringLiteral("3"), 10000);
    QCOMPARE(value("count_FAILED"), QStringLiteral("1"));
    QCOMPARE(value("count_QUEUED"), QStringLiteral("0"));
    QCOMPARE(value("queueDepthLabel"), QStringLiteral("0"));
    QCOMPARE(value("agentsLabel"), QStringLiteral("1"));
    QVERIFY2(value("failureRateLabel").startsWith(QLatin1String("25.0")), qPrintable(value("failureRateLabel")));
    auto *failures = fx.find<QTreeWidget>(QStringLiteral("failuresTree"));
    QVERIFY(failures);
    QCOMPARE(failures->topLevelItemCount(), 1);
    QCOMPARE(failures->topLevelItem(0)->text(0), bad);
    QCOMPARE(failures->topLevelItem(0)->text(2), QStringLiteral("2"));

    // live: a job that ends later shows without a click, through the event stream
    const QString more = fx.submit({{QStringLiteral("command"), QStringLiteral("true")}});
    QVERIFY(fx.waitForState(more, QStringLiteral("SUCCEEDED")));
    QTRY_COMPARE_WITH_TIMEOUT(value("count_SUCCEEDED"), QStringLiteral("4"), 10000);
}

void TestUiFleet::addNodeCommandCarriesAWorkingKey()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    QVERIFY(fx.showPage(QStringLiteral("nodesPage")));
    auto *add = fx.find<QAction>(QStringLiteral("addNodeAction"));
    QVERIFY(add && add->isEnabled());
    add->trigger();
    AddNodeDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = fx.find<AddNodeDialog>(QStringLiteral("addNodeDialog"))) && dialog->isVisible());
    auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("joinCommandEdit"));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->command().isEmpty(), 10000);
    const QString command = edit->text();
    QVERIFY2(command.startsWith(QStringLiteral("tanvrit-compute agent --server %1 --key tnv_").arg(fx.url())),
        qPrintable(command));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("copyJoinCommand")), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), command);

    // the key in the command is a real admin key of the workspace: `keys list` with it sees it
    const QString key = QRegularExpression(QStringLiteral("--key (tnv_\\S+)")).match(command).captured(1);
    QVERIFY(!key.isEmpty());
    ClientConnection conn = fx.client()->connection();
    conn.apiKey = key;
    conn.accessToken.clear();
    ComputeClient asNewKey(conn);
    const auto me = awaitResult<WhoAmI>([&](auto cb) { asNewKey.whoAmI(cb); });
    QVERIFY2(me, qPrintable(me ? QString() : me.error().describe()));
    QCOMPARE(me.value().role, QStringLiteral("admin"));
    const auto keys = awaitResult<KeyList>([&](auto cb) { asNewKey.keys(false, cb); });
    QVERIFY(keys);
    bool listed = false;
    for (const KeyView &k : keys.value().keys)
        listed = listed || (k.name.startsWith(QLatin1String("agent-join-")) && key.startsWith(k.prefix));
    QVERIFY(listed);
}

void TestUiFleet::rotateANodesKeyFromTheNodesPage()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    QVERIFY(fx.showPage(QStringLiteral("nodesPage")));
    auto *tree = fx.find<QTreeWidget>(QStringLiteral("nodesTree"));
    QTRY_COMPARE_WITH_TIMEOUT(tree->topLevelItemCount(), 1, 30000);
    tree->setCurrentItem(tree->topLevelItem(0));
    fx.find<QAction>(QStringLiteral("rotateKeyAction"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(
        fx.find<QLabel>(QStringLiteral("nodesStatus"))->text().contains(QLatin1String("rotate its key")), 10000);
    // the local agent rotated its own key (the audit log holds its call) and works on with the new one
    const QString ws = fx.session()->workspaceId();
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            AuditFilter f;
            f.action = QStringLiteral("node.rotate-key");
            const auto r = awaitResult<AuditChunk>(
                [&](auto cb) { fx.client()->auditExport(ws, f, QStringLiteral("jsonl"), QString(), cb); });
            return r && r.value().body.contains("\"outcome\":\"ok\"");
        }(),
        15000);
    const QString id = fx.submit({{QStringLiteral("command"), QStringLiteral("echo after")}});
    QVERIFY(fx.waitForState(id, QStringLiteral("SUCCEEDED")));
    QTRY_VERIFY_WITH_TIMEOUT(
        tree->topLevelItemCount() == 1 && tree->topLevelItem(0)->text(1).startsWith(QLatin1String("ONLINE")), 10000);
}

QTEST_MAIN(TestUiFleet)
#include "tst_uifleet.moc"

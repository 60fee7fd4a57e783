// The Schedules page driven as a user would, against the console's embedded control plane: create a schedule
// through the editor, see the next five runs before saving and a refused field named inline, see it listed,
// pause and resume it.
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "GuiFixture.h"
#include "ScheduleDialog.h"
#include "SchedulesPage.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>

class TestUiSchedules : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void createThroughTheEditor();
    void pauseAndResume();
    void aMemberSeesThemReadOnly(); // last: it reconnects the console as a member

private:
    static QTreeWidgetItem *row(QTreeWidget *tree, int column, const QString &text);
    GuiFixture *m_fx = nullptr;
};

QTreeWidgetItem *TestUiSchedules::row(QTreeWidget *tree, int column, const QString &text)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(column) == text)
            return tree->topLevelItem(i);
    return nullptr;
}

void TestUiSchedules::initTestCase()
{
    m_fx = new GuiFixture;
    QVERIFY(m_fx->start());
}

void TestUiSchedules::cleanupTestCase()
{
    delete m_fx;
}

void TestUiSchedules::createThroughTheEditor()
{
    QVERIFY(m_fx->showPage(QStringLiteral("schedulesPage")));
    auto *page = m_fx->find<SchedulesPage>(QStringLiteral("schedulesPage"));
    QVERIFY(page);
    auto *newButton = m_fx->find<QPushButton>(QStringLiteral("newScheduleButton"));
    QVERIFY(newButton && newButton->isEnabled());
    QTest::mouseClick(newButton, Qt::LeftButton);
    QPointer<ScheduleDialog> dialog = page->dialog();
    QVERIFY(dialog);
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("scheduleName"));
    auto *cron = dialog->findChild<QLineEdit *>(QStringLiteral("scheduleCron"));
    auto *zone = dialog->findChild<QComboBox *>(QStringLiteral("scheduleZone"));
    auto *command = dialog->findChild<QLineEdit *>(QStringLiteral("scheduleCommand"));
    auto *preview = dialog->findChild<QListWidget *>(QStringLiteral("schedulePreview"));
    QVERIFY(name && cron && zone && command && preview);

    // a bad expression: the preview says why and the field is marked, before anything is saved
    cron->clear();
    QTest::keyClicks(cron, QStringLiteral("61 * * * *"));
    QTRY_VERIFY_WITH_TIMEOUT(!cron->property("fieldError").toString().isEmpty(), 10000);
    QVERIFY(cron->property("fieldError").toString().contains(QStringLiteral("minute")));
    QCOMPARE(preview->count(), 1);

    // a good one: five run times in the zone, live
    cron->clear();
    QTest::keyClicks(cron, QStringLiteral("30 9 * * MON-FRI"));
    zone->setCurrentText(QStringLiteral("Europe/Berlin"));
    QTRY_VERIFY_WITH_TIMEOUT(preview->count() == 5 && preview->item(0)->text().contains(QStringLiteral("09:30"))
            && preview->item(0)->text().contains(QStringLiteral("Europe/Berlin")),
        10000);
    QVERIFY(cron->property("fieldError").toString().isEmpty());

    // saving without a command: the server's field error lands on the command field
    QTest::keyClicks(name, QStringLiteral("weekday report"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveScheduleButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!command->property("fieldError").toString().isEmpty(), 10000);
    QVERIFY(dialog->isVisible());

    QTest::keyClicks(command, QStringLiteral("echo report"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveScheduleButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, 10000); // closed (and deleted) once saved

    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("schedulesTable"));
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 0, QStringLiteral("weekday report")), 10000);
    QTreeWidgetItem *item = row(table, 0, QStringLiteral("weekday report"));
    QCOMPARE(item->text(1), QStringLiteral("30 9 * * MON-FRI"));
    QCOMPARE(item->text(2), QStringLiteral("Europe/Berlin"));
    QVERIFY(item->text(3) != QStringLiteral("-")); // the next run
}

void TestUiSchedules::pauseAndResume()
{
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("schedulesTable"));
    QTreeWidgetItem *item = row(table, 0, QStringLiteral("weekday report"));
    QVERIFY(item);
    table->setCurrentItem(item);
    item->setSelected(true);
    auto *pause = m_fx->find<QPushButton>(QStringLiteral("pauseScheduleButton"));
    QTRY_VERIFY(pause->isEnabled());
    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 0, QStringLiteral("weekday report"))
            && !row(table, 0, QStringLiteral("weekday report"))->text(5).isEmpty()
            && row(table, 0, QStringLiteral("weekday report"))->text(3) == QStringLiteral("-"),
        10000);
    QTRY_VERIFY_WITH_TIMEOUT(pause->text().contains(QStringLiteral("Resume")), 10000);
    QTest::mouseClick(pause, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 0, QStringLiteral("weekday report"))
            && row(table, 0, QStringLiteral("weekday report"))->text(5).isEmpty(),
        10000);
}

void TestUiSchedules::aMemberSeesThemReadOnly()
{
    const auto minted = awaitResult<KeyView>([&](auto cb) {
        m_fx->client()->createKey(
            {{QStringLiteral("name"), QStringLiteral("as-member")}, {QStringLiteral("role"), QStringLiteral("member")}},
            cb);
    });
    QVERIFY(minted);
    ClientConnection conn = m_fx->client()->connection();
    conn.apiKey = minted.value().key;
    m_fx->session()->connectTo(conn, QStringLiteral("member"));
    QTRY_VERIFY_WITH_TIMEOUT(m_fx->session()->state() == ConsoleSession::State::Connected
            && m_fx->session()->role() == QLatin1String("member"),
        15000);
    QVERIFY(m_fx->showPage(QStringLiteral("schedulesPage")));
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("schedulesTable"));
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 0, QStringLiteral("weekday report")), 10000);
    row(table, 0, QStringLiteral("weekday report"))->setSelected(true);
    for (const char *name :
        {"newScheduleButton", "editScheduleButton", "pauseScheduleButton", "deleteScheduleButton"}) {
        auto *b = m_fx->find<QPushButton>(QLatin1String(name));
        QVERIFY2(b && !b->isEnabled(), name);
        QVERIFY2(b->toolTip().contains(QLatin1String("admin")), qPrintable(b->toolTip()));
    }
}

QTEST_MAIN(TestUiSchedules)
#include "tst_uischedules.moc"

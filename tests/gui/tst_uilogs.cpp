// The log views against a real embedded control plane and agent, driving real widgets offscreen: live follow,
// pause on scroll-up and jump to end, filter, search, stderr, ANSI colours, the size cap's gap, saving the
// whole log, range fetches into a long log, and the Logs page tailing several jobs.
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "GuiFixture.h"
#include "JobLogPane.h"
#include "LogModel.h"
#include "LogView.h"
#include "LogsPage.h"
#include "MultiLogModel.h"

#include <QApplication>
#include <QClipboard>
#include <QImage>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestUiLogs : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void followsLiveLog();
    void scrollUpPausesFollowAndJumpResumes();
    void filterShowsMatchingLines();
    void searchFindsNextAndPrevious();
    void stderrLinesMarked();
    void ansiRenderedNotShown();
    void saveWholeLog();
    void longLogFetchedByRange();
    void logsPageTailsSeveralJobs();
    void sizeCapGapLine();

private:
    JobLogPane *newPane();
    QString run(const QString &command);

    GuiFixture m_fx;
    QList<QWidget *> m_windows;
};

void TestUiLogs::initTestCase()
{
    QVERIFY(m_fx.start(8));
}

void TestUiLogs::cleanupTestCase()
{
    qDeleteAll(m_windows);
    m_fx.stop();
}

JobLogPane *TestUiLogs::newPane()
{
    auto *pane = new JobLogPane(m_fx.session());
    pane->resize(900, 480);
    pane->show();
    m_windows << pane;
    return pane;
}

QString TestUiLogs::run(const QString &command)
{
    return m_fx.submit({{QStringLiteral("command"), command}});
}

// the last row is on screen and reads `text`
static bool showsLast(LogView *v, const QString &text)
{
    const qint64 last = v->rowCount() - 1;
    return last >= 0 && v->rowText(last) == text && v->topRow() + v->visibleRowCount() > last;
}

void TestUiLogs::followsLiveLog()
{
    const QString id = run(QStringLiteral("for i in $(seq 1 300); do echo line $i; sleep 0.005; done"));
    QVERIFY(!id.isEmpty());
    JobLogPane *pane = newPane();
    pane->showJob(id);
    LogView *v = pane->view();
    QCOMPARE(v->objectName(), QStringLiteral("logView"));
    // lines arrive while the job prints; the view follows them to the last one
    QTRY_VERIFY_WITH_TIMEOUT(v->rowCount() > 0 && v->rowCount() < 300, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(showsLast(v, QStringLiteral("line 300")), 30000);
    QVERIFY(v->isFollowing());
    QCOMPARE(v->rowText(0), QStringLiteral("line 1"));
    QVERIFY(m_fx.waitForState(id, QStringLiteral("SUCCEEDED")));
}

void TestUiLogs::scrollUpPausesFollowAndJumpResumes()
{
    const QString id
        = run(QStringLiteral("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); echo tick $i; sleep 0.002; done"));
    JobLogPane *pane = newPane();
    pane->showJob(id);
    LogView *v = pane->view();
    auto *jump = pane->findChild<QPushButton *>(QStringLiteral("jumpToEnd"));
    QVERIFY(jump);
    QTRY_VERIFY_WITH_TIMEOUT(v->rowCount() > 200, 30000);
    QVERIFY(v->isFollowing());
    QVERIFY(!jump->isEnabled());
    // the user scrolls up a page: following pauses, and new lines do not move what is shown
    v->verticalScrollBar()->triggerAction(QAbstractSlider::SliderPageStepSub);
    QVERIFY(!v->isFollowing());
    QVERIFY(jump->isEnabled());
    const qint64 top = v->topRow();
    QTRY_VERIFY_WITH_TIMEOUT(v->isRowLoaded(top), 5000);
    const QString topText = v->rowText(top);
    const qint64 rows = v->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(v->rowCount() > rows + 100, 30000);
    QCOMPARE(v->topRow(), top);
    QCOMPARE(v->rowText(top), topText);
    // jump to end: following again, the view at the newest line and staying there
    QTest::mouseClick(jump, Qt::LeftButton);
    QVERIFY(v->isFollowing());
    const qint64 rows2 = v->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(v->rowCount() > rows2 + 50, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(v->topRow() + v->visibleRowCount() >= v->rowCount(), 5000);
    QVERIFY(m_fx.client());
    m_fx.client()->cancelJob(id, QStringLiteral("test done"), [](ClientResult<JobView>) {});
}

void TestUiLogs::filterShowsMatchingLines()
{
    const QString id = run(QStringLiteral(
        "for i in $(seq 1 3000); do if [ $((i % 3)) -eq 0 ]; then echo beta $i; else echo alpha $i; fi; done"));
    QVERIFY(m_fx.waitForState(id, QStringLiteral("SUCCEEDED")));
    JobLogPane *pane = newPane();
    pane->showJob(id);
    LogView *v = pane->view();
    QTRY_COMPARE_WITH_TIMEOUT(v->rowCount(), qint64(3000), 10000);
    auto *filter = pane->findChild<QLineEdit *>(QStringLiteral("logFilter"));
    QVERIFY(filter);
    QTest::keyClicks(filter, QStringLiteral("^BETA \\d+0$")); // capitals: case-sensitive, so nothing matches
    QTRY_VERIFY_WITH_TIMEOUT(v->isFiltered() && v->filterCaughtUp(), 10000);
    QCOMPARE(v->rowCount(), qint64(0));
    filter->setText(QStringLiteral("^beta \\d+0$")); // multiples of 30
    QTRY_VERIFY_WITH_TIMEOUT(v->isFiltered() && v->filterCaughtUp() && v->rowCount() == 100, 10000);
    for (qint64 r = 0; r < v->rowCount(); ++r) {
        QTRY_VERIFY(v->isRowLoaded(r));
        QCOMPARE(v->rowText(r), QStringLiteral("beta %1").arg((r + 1) * 30));
    }
    filter->clear();
    QTRY_COMPARE_WITH_TIMEOUT(v->rowCount(), qint64(3000), 5000);
    QVERIFY(!v->isFiltered());
}

void TestUiLogs::searchFindsNextAndPrevious()
{
    const QString id = run(QStringLiteral("for i in $(seq 1 5000); do if [ $((i % 1000)) -eq 0 ]; then echo needle $i; "
                                          "else echo hay $i; fi; done"));
    QVERIFY(m_fx.waitForState(id, QStringLiteral("SUCCEEDED")));
    JobLogPane *pane = newPane();
    pane->showJob(id);
    LogView *v = pane->view();
    QTRY_COMPARE_WITH_TIMEOUT(v->rowCount(), qint64(5000), 10000);
    v->scrollToRow(0);
    auto *search = pane->findChild<QLineEdit *>(QStringLiteral("logSearch"));
    QTest::keyClicks(search, QStringLiteral("needle"));
    QSignalSpy found(v, &LogView::searchResult);
    QTest::keyClick(search, Qt::Key_Return); // the first from the top
    QTRY_COMPARE_WITH_TIMEOUT(v->currentRow(), qint64(999), 10000);
    QVERIFY(v->topRow() <= 999 && 999 < v->topRow() + v->visibleRowCount());
    QTest::keyClick(v, Qt::Key_F3);
    QTRY_COMPARE_WITH_TIMEOUT(v->currentRow(), qint64(1999), 10000);
    QTest::keyClick(v, Qt::Key_F3);
    QTRY_COMPARE_WITH_TIMEOUT(v->currentRow(), qint64(2999), 10000);
    QTest::keyClick(v, Qt::Key_F3, Qt::ShiftModifier);
    QTRY_COMPARE_WITH_TIMEOUT(v->currentRow(), qint64(1999), 10000);
    QCOMPARE(v->rowText(1999), QStringLiteral("needle 2000"));
    // past the last match: told so, the selection stays
    v->selectRows(4999, 4999);
    found.clear();
    QTest::keyClick(v, Qt::Key_F3);
    QTRY_VERIFY_WITH_TIMEOUT(!found.isEmpty(), 10000);
    QCOMPARE(found.last().at(0).toBool(), false);
    QCOMPARE(v->currentRow(), qint64(4999));
}

void TestUiLogs::stderrLinesMarked()
{
    const QString id = run(QStringLiteral("echo to-out; echo to-err >&2; sleep 0.2; echo out-again"));
    QVERIFY(m_fx.waitForState(id, QStringLiteral("SUCCEEDED")));
    JobLogPane *pane = newPane();
    pane->showJob(id);
    LogView *v = pane->view();
    QTRY_COMPARE_WITH_TIMEOUT(v->rowCount(), qint64(3), 10000);
    QTRY_VERIFY(v->isRowLoaded(0) && v->isRowLoaded(2));
    int errors = 0;
    for (qint64 r = 0; r < 3; ++r) {
        QCOMPARE(v->rowIsStderr(r), v->rowText(r) == QLatin1String("to-err"));
        errors += v->rowIsStderr(r);
    }
    QCOMPARE(errors, 1);
    // painted: the stderr line carries the red marker at its left edge, the others do not
    const QImage img = v->viewport()->grab().toImage();
    int redRows = 0;
    for (qint64 r = 0; r < 3; ++r) {
        const int y = int(r) * v->lineHeight() + 2;
        if (img.pixelColor(1, y) == QColor(220, 50, 47))
            ++redRows;
    }
    QCOMPARE(redRows, 1);
}

void TestUiLogs::ansiRenderedNotShown()
{
    const QString id = run(QStringLiteral("printf '\\033[1;31mREDREDRED\\033[0m plain \\033[38;5;46mgreen\\033[0m "
                                          "\\033[38;2;10;20;250mblue\\033[0m\\n'"));
    QVERIFY(m_fx.waitForState(id, QStringLiteral("SUCCEEDED")));
    JobLogPane *pane = newPane();
    pane->showJob(id);
    LogView *v = pane->view();
    QTRY_COMPARE_WITH_TIMEOUT(v->rowCount(), qint64(1), 10000);
    QTRY_VERIFY(v->isRowLoaded(0));
    QCOMPARE(v->rowText(0), QStringLiteral("REDREDRED plain green blue"));
    const QImage img = v->viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
    // glyph cores in the colour (anti-aliased edges blend it with the background)
    auto near = [](const QColor &a, const QColor &b) {
        return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue()) < 60;
    };
    bool red = false, green = false, blue = false;
    for (int y = 0; y < std::min(img.height(), 40); ++y) {
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            red = red || near(c, QColor(0xcd, 0, 0));
            green = green || near(c, QColor(0, 0xff, 0));
            blue = blue || near(c, QColor(10, 20, 250));
        }
    }
    QVERIFY(red);
    QVERIFY(green);
    QVERIFY(blue);
    // copied text has no escape codes
    v->selectRows(0, 0);
    QSignalSpy copied(v, &LogView::copied);
    QTest::keyClick(v, Qt::Key_C, Qt::ControlModifier);
    QTRY_COMPARE(copied.size(), 1);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("REDREDRED plain green blue\n"));
}

void TestUiLogs::saveWholeLog()
{
    const QString id = run(QStringLiteral("seq 1 50000; printf '\\033[32mlast\\033[0m\\n'"));
    QVERIFY(m_fx.waitForState(id, QStringLiteral("SUCCEEDED")));
    JobLogPane *pane = newPane();
    pane->showJob(id);
    QTRY_COMPARE_WITH_TIMEOUT(pane->view()->rowCount(), qint64(50001), 10000);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("job.log"));
    QSignalSpy done(pane, &JobLogPane::saveFinished);
    pane->saveTo(path);
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 30000);
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QByteArray expected;
    for (int i = 1; i <= 50000; ++i)
        expected += QByteArray::number(i) + '\n';
    expected += "\x1b[32mlast\x1b[0m\n";
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), expected);
}

void TestUiLogs::longLogFetchedByRange()
{
    const QString id = run(QStringLiteral("seq 1 200000"));
    QVERIFY(m_fx.waitForState(id, QStringLiteral("SUCCEEDED"), 60000));
    JobLogPane *pane = newPane();
    pane->showJob(id);
    LogView *v = pane->view();
    LogModel *m = pane->model();
    QTRY_COMPARE_WITH_TIMEOUT(v->rowCount(), qint64(200000), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(v->isRowLoaded(199999), 10000);
    QCOMPARE(v->rowText(199999), QStringLiteral("200000"));
    // only the end was fetched; the middle comes by range when scrolled to
    QVERIFY(!v->isRowLoaded(123456));
    const qint64 before = m->fetchCount();
    v->scrollToRow(123456);
    QVERIFY(!v->isFollowing());
    QTRY_VERIFY_WITH_TIMEOUT(v->isRowLoaded(123456), 10000);
    for (qint64 r = 123456; r < 123456 + v->visibleRowCount(); ++r)
        QCOMPARE(v->rowText(r), QString::number(r + 1));
    QVERIFY(m->fetchCount() - before <= 2);
    // jumps anywhere stay correct and the cache stays bounded
    m->setCacheLimits(8, 64 << 20);
    for (qint64 row : {7, 99999, 42424, 150001, 3, 199990}) {
        v->scrollToRow(row);
        const qint64 top = v->topRow();
        QTRY_VERIFY_WITH_TIMEOUT(v->isRowLoaded(top), 10000);
        QCOMPARE(v->rowText(top), QString::number(top + 1));
        QVERIFY(m->cachedChunks() <= 8);
    }
}

void TestUiLogs::logsPageTailsSeveralJobs()
{
    const QString a = run(QStringLiteral("for i in $(seq 1 40); do echo from-a $i; sleep 0.02; done"));
    const QString b = run(QStringLiteral("for i in $(seq 1 40); do echo from-b $i >&2; sleep 0.02; done"));
    m_fx.window()->show();
    m_fx.session()->requestFollowLogs({a, b});
    auto *page = m_fx.window()->findChild<LogsPage *>(QStringLiteral("logsPage"));
    QVERIFY(page);
    QTRY_VERIFY(page->isVisible());
    LogView *v = page->view();
    QTRY_VERIFY_WITH_TIMEOUT(v->rowCount() == 80, 30000);
    QSet<QString> jobsSeen;
    QStringList texts;
    for (qint64 r = 0; r < v->rowCount(); ++r) {
        LogLineRef ref;
        QVERIFY(page->model()->line(v->rowKey(r), ref));
        const QString job = page->model()->sourceName(ref.source);
        jobsSeen.insert(job);
        QVERIFY(v->rowText(r).startsWith(job == a ? QLatin1String("from-a") : QLatin1String("from-b")));
        QCOMPARE(v->rowIsStderr(r), job == b);
        texts << v->rowText(r);
    }
    QCOMPARE(jobsSeen, QSet<QString>({a, b}));
    // each job's lines in order, none twice
    QStringList fromA = texts.filter(QStringLiteral("from-a"));
    QCOMPARE(fromA.size(), 40);
    for (int i = 0; i < 40; ++i)
        QCOMPARE(fromA[i], QStringLiteral("from-a %1").arg(i + 1));
}

void TestUiLogs::sizeCapGapLine()
{
    // two control planes in one process share their database connections' names: the suite's is stopped first
    qDeleteAll(m_windows);
    m_windows.clear();
    m_fx.stop();
    GuiFixture capped;
    QVERIFY(capped.start(2, 16384)); // 4 KiB segments: old ones are dropped past 16 KiB
    const QString id
        = capped.submit({{QStringLiteral("command"), QStringLiteral("for i in $(seq 1 3000); do echo line-$i; done")}});
    QVERIFY(capped.waitForState(id, QStringLiteral("SUCCEEDED")));
    JobLogPane pane(capped.session());
    pane.resize(800, 400);
    pane.show();
    pane.showJob(id);
    LogView *v = pane.view();
    QTRY_VERIFY_WITH_TIMEOUT(pane.model()->isOpen() && v->rowCount() > 0, 10000);
    const qint64 dropped = pane.model()->droppedLines();
    QVERIFY(dropped > 0);
    QVERIFY(dropped < 3000);
    QCOMPARE(v->rowCount(), 3000 - dropped + 1);
    v->scrollToRow(0);
    QTRY_VERIFY(v->isRowLoaded(0) && v->isRowLoaded(1));
    QVERIFY(v->rowIsGap(0));
    QCOMPARE(
        v->rowText(0), QStringLiteral("— %1 lines dropped by the log size cap —").arg(QLocale().toString(dropped)));
    QCOMPARE(v->rowText(1), QStringLiteral("line-%1").arg(dropped + 1));
    QTRY_VERIFY(v->isRowLoaded(v->rowCount() - 1) || (v->scrollToRow(v->rowCount() - 1), false));
    QCOMPARE(v->rowText(v->rowCount() - 1), QStringLiteral("line-3000"));
}

QTEST_MAIN(TestUiLogs)
#include "tst_uilogs.moc"

// The Jobs page driven through its widgets against a real embedded control plane and agent: submit through the
// dialog, field errors inline (ours and the server's 422), cancel from the detail pane, filters, live updates
// from the event stream, "Run your first job" on an empty store, and the keyboard actions.
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "GuiFixture.h"
#include "JobDetailPane.h"
#include "JobLogPane.h"
#include "JobsModel.h"
#include "JobsPage.h"
#include "LogSource.h"
#include "LogView.h"
#include "SubmitDialog.h"

#include <QAction>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

class TestUiJobs : public QObject
{
    Q_OBJECT
private slots:
    void submitThroughDialogReachesSucceeded();
    void badValuesShowInlineAndSendNothing();
    void cancelFromDetailPane();
    void filtersByStateTextAndIdPrefix();
    void liveUpdatesWithoutReload();
    void runYourFirstJobOnEmptyStore();
    void openJobRequestSelectsIt();

private:
    static JobsPage *jobsPage(GuiFixture &fx);
    static QString stateOf(JobsPage *page, const QString &id);
    static int jobCount(GuiFixture &fx);
};

JobsPage *TestUiJobs::jobsPage(GuiFixture &fx)
{
    fx.window()->show();
    fx.showPage(QStringLiteral("jobsPage"));
    return fx.find<JobsPage>(QStringLiteral("jobsPage"));
}

QString TestUiJobs::stateOf(JobsPage *page, const QString &id)
{
    const int row = page->model()->rowOf(id);
    return row < 0 ? QString() : page->model()->index(row, JobsModel::StateColumn).data().toString();
}

int TestUiJobs::jobCount(GuiFixture &fx)
{
    JobFilter f;
    f.limit = 1000;
    const auto r = awaitResult<JobPage>([&](auto cb) { fx.client()->jobs(f, cb); });
    return r ? int(r.value().jobs.size()) : -1;
}

void TestUiJobs::submitThroughDialogReachesSucceeded()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    JobsPage *page = jobsPage(fx);
    QVERIFY(page);
    QTest::mouseClick(page->findChild<QPushButton *>("newJobButton"), Qt::LeftButton);
    auto *dialog = fx.find<SubmitDialog>("submitDialog");
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->findChild<QPlainTextEdit *>("commandEdit")->setPlainText("echo from the dialog");
    dialog->findChild<QPlainTextEdit *>("envEdit")->setPlainText("GREETING=hi");
    QSignalSpy notified(fx.window(), &MainWindow::notified);
    QTest::mouseClick(dialog->findChild<QPushButton *>("submitButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page->selectedJob().isEmpty(), 10000);
    const QString id = page->selectedJob();
    QVERIFY(id.startsWith("job_"));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(page, id), QStringLiteral("SUCCEEDED"), 30000);
    // submitted from this console: its end is notified
    QTRY_VERIFY_WITH_TIMEOUT(!notified.isEmpty(), 10000);
    QVERIFY(notified.last().at(1).toString().contains(id));
    // the row's fields came in lazily; the detail pane follows the job
    QTRY_COMPARE_WITH_TIMEOUT(
        page->model()->index(page->model()->rowOf(id), JobsModel::CommandColumn).data().toString(),
        QStringLiteral("echo from the dialog"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(page->findChild<QLabel *>("detailState")->text(), QStringLiteral("SUCCEEDED"), 10000);
    QCOMPARE(page->findChild<QLabel *>("detailExit")->text(), QStringLiteral("0"));
    QCOMPARE(fx.job(id).job.spec.env.value("GREETING"), QStringLiteral("hi"));
    QCOMPARE(page->table()->currentIndex().data(JobsModel::JobIdRole).toString(), id);
}

void TestUiJobs::badValuesShowInlineAndSendNothing()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    JobsPage *page = jobsPage(fx);
    SubmitDialog *dialog = page->openSubmitDialog();
    QTRY_VERIFY(dialog->isVisible());
    // ours: an env line that is not KEY=value, and no command
    dialog->findChild<QPlainTextEdit *>("envEdit")->setPlainText("NOEQUALS");
    QTest::mouseClick(dialog->findChild<QPushButton *>("submitButton"), Qt::LeftButton);
    QVERIFY(dialog->findChild<QLabel *>("envError")->isVisible());
    QVERIFY(dialog->fieldError("env").contains("NOEQUALS"));
    QVERIFY(dialog->findChild<QLabel *>("commandError")->isVisible());
    QVERIFY(dialog->isVisible());
    // the server's: a job type name it refuses comes back as a 422 shown next to the type
    dialog->findChild<QPlainTextEdit *>("envEdit")->setPlainText("A=1");
    dialog->findChild<QPlainTextEdit *>("commandEdit")->setPlainText("true");
    dialog->findChild<QComboBox *>("typeEdit")->setCurrentText("not a type!");
    QTest::mouseClick(dialog->findChild<QPushButton *>("submitButton"), Qt::LeftButton);
    QVERIFY(!dialog->findChild<QLabel *>("envError")->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QLabel *>("typeError")->isVisible(), 10000);
    QVERIFY2(dialog->fieldError("type").contains("COMMAND"), qPrintable(dialog->fieldError("type")));
    QVERIFY(dialog->isVisible());
    QCOMPARE(jobCount(fx), 0);
    // fixed, it goes
    dialog->findChild<QComboBox *>("typeEdit")->setCurrentText("COMMAND");
    QTest::mouseClick(dialog->findChild<QPushButton *>("submitButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page->selectedJob().isEmpty(), 10000);
    QCOMPARE(jobCount(fx), 1);
}

void TestUiJobs::cancelFromDetailPane()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    JobsPage *page = jobsPage(fx);
    const QString id = fx.submit({{"command", "sleep 60"}});
    QVERIFY(fx.waitForState(id, "RUNNING"));
    page->selectJob(id);
    QTRY_COMPARE_WITH_TIMEOUT(page->table()->currentIndex().data(JobsModel::JobIdRole).toString(), id, 10000);
    auto *cancel = page->findChild<QPushButton *>("cancelJobButton");
    QTRY_VERIFY_WITH_TIMEOUT(cancel->isEnabled(), 10000);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(page, id), QStringLiteral("CANCELLED"), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(page->findChild<QLabel *>("detailState")->text(), QStringLiteral("CANCELLED"), 10000);
    QCOMPARE(JobStates::name(fx.job(id).job.state), QStringLiteral("CANCELLED"));
    QTRY_VERIFY(!cancel->isEnabled());
    // the timeline lists every transition of the attempt, with who and why
    auto *timeline = page->findChild<QTreeWidget *>("jobTimeline");
    QVERIFY(timeline);
    QCOMPARE(timeline->topLevelItemCount(), 1);
    QTRY_VERIFY(timeline->topLevelItem(0)->childCount() >= 4); // QUEUED ASSIGNED RUNNING CANCELLING CANCELLED
    // retry (Ctrl+R) starts attempt 2; clone and edit (Ctrl+D) opens the dialog filled from the job
    QVERIFY(page->findChild<QPushButton *>("retryJobButton")->isEnabled());
    page->findChild<QAction *>("retryAction")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(fx.job(id).job.attempt, 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(timeline->topLevelItemCount(), 2, 10000);
    page->findChild<QAction *>("cloneAction")->trigger();
    auto *dialog = fx.find<SubmitDialog>("submitDialog");
    QVERIFY(dialog);
    QCOMPARE(dialog->findChild<QPlainTextEdit *>("commandEdit")->toPlainText(), QStringLiteral("sleep 60"));
    dialog->reject();
    // the retried attempt is live again: once the pane shows it, Del cancels it
    QTRY_VERIFY_WITH_TIMEOUT(cancel->isEnabled(), 10000);
    page->findChild<QAction *>("cancelAction")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(JobStates::name(fx.job(id).job.state) == QLatin1String("CANCELLED")
            || JobStates::name(fx.job(id).job.state) == QLatin1String("CANCELLING"),
        30000);
}

void TestUiJobs::filtersByStateTextAndIdPrefix()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    const QString alpha = fx.submit({{"command", "echo alpha"}});
    const QString beta = fx.submit({{"command", "echo beta"}, {"labels", QJsonObject {{"team", "ml"}}}});
    QVERIFY(fx.waitForState(alpha, "SUCCEEDED"));
    const QString sleeper = fx.submit({{"command", "sleep 60"}});
    QVERIFY(fx.waitForState(sleeper, "RUNNING"));
    JobsPage *page = jobsPage(fx);
    QTableView *table = page->table();
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 3, 10000);

    // beta asks for a label no agent carries: pending, and the detail says why in plain words
    page->selectJob(beta);
    auto *pending = page->findChild<QLabel *>("pendingReason");
    QTRY_VERIFY_WITH_TIMEOUT(pending->text().contains("Asks for"), 10000);
    QVERIFY(!pending->isHidden());
    QVERIFY2(pending->text().contains("local"), qPrintable(pending->text())); // the agent and what it has free

    auto *state = page->findChild<QComboBox *>("stateFilter");
    state->setCurrentIndex(state->findData("RUNNING"));
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 10000);
    QCOMPARE(table->model()->index(0, 0).data(JobsModel::JobIdRole).toString(), sleeper);
    state->setCurrentIndex(0);
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 3, 10000);

    // text: the loaded rows here, after the debounce
    auto *text = page->findChild<QLineEdit *>("textFilter");
    QTest::keyClicks(text, "alpha");
    QCOMPARE(table->model()->rowCount(), 3); // not yet: debounced
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 5000);
    QCOMPARE(table->model()->index(0, 0).data(JobsModel::JobIdRole).toString(), alpha);
    // an id prefix asks the server
    text->setText(beta.left(16));
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 5000);
    QTRY_COMPARE(table->model()->index(0, 0).data(JobsModel::JobIdRole).toString(), beta);
    text->clear();
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 3, 5000);
    // a label
    auto *labels = page->findChild<QLineEdit *>("labelFilter");
    labels->setText("team:ml");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 5000);
    QCOMPARE(table->model()->index(0, 0).data(JobsModel::JobIdRole).toString(), beta);
    // a filter never shows the empty-store button
    labels->setText("team:nobody");
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 0, 5000);
    QVERIFY(!page->findChild<QPushButton *>("runFirstJob")->isVisible());
    awaitResult<JobView>([&](auto cb) { fx.client()->cancelJob(sleeper, QString(), cb); });
}

void TestUiJobs::liveUpdatesWithoutReload()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    JobsPage *page = jobsPage(fx);
    const QString first = fx.submit({{"command", "true"}});
    QVERIFY(fx.waitForState(first, "SUCCEEDED"));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(page, first), QStringLiteral("SUCCEEDED"), 10000);
    const int pages = page->model()->pagesFetched();
    QSignalSpy resets(page->model(), &QAbstractItemModel::modelReset);
    // a burst from another client: each appears at the top and reaches its end without a reload
    QStringList ids;
    for (int i = 0; i < 20; ++i)
        ids << fx.submit({{"command", QStringLiteral("echo %1").arg(i)}});
    for (const QString &id : std::as_const(ids))
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(page, id), QStringLiteral("SUCCEEDED"), 30000);
    QCOMPARE(page->model()->rowOf(ids.last()), 0); // newest first
    QCOMPARE(page->model()->rowOf(first), 20);
    QCOMPARE(page->model()->rowCount(), 21);
    QCOMPARE(page->model()->pagesFetched(), pages);
    QCOMPARE(resets.size(), 0);
    // the rows' full fields come when painted
    QTRY_COMPARE_WITH_TIMEOUT(
        page->model()->index(page->model()->rowOf(ids.first()), JobsModel::CommandColumn).data().toString(),
        QStringLiteral("echo 0"), 10000);
    QCOMPARE(page->model()->index(0, JobsModel::ExitCodeColumn).data().toInt(), 0);
}

void TestUiJobs::runYourFirstJobOnEmptyStore()
{
    QElapsedTimer clock;
    clock.start();
    GuiFixture fx;
    QVERIFY(fx.start());
    JobsPage *page = jobsPage(fx);
    auto *run = page->findChild<QPushButton *>("runFirstJob");
    QTRY_VERIFY_WITH_TIMEOUT(run->isVisible(), 10000);
    QVERIFY(!page->table()->isVisible());
    QTest::mouseClick(run, Qt::LeftButton);
    auto *dialog = fx.find<SubmitDialog>("submitDialog");
    QVERIFY(dialog);
    QVERIFY(dialog->findChild<QPlainTextEdit *>("commandEdit")->toPlainText().contains("nvidia-smi -L"));
    QTest::mouseClick(dialog->findChild<QPushButton *>("submitButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page->selectedJob().isEmpty(), 10000);
    const QString id = page->selectedJob();
    QTRY_VERIFY_WITH_TIMEOUT(page->table()->isVisible(), 10000);
    // its output, live in the detail pane's log tab
    LogView *log = page->detail()->logPane()->view();
    QTRY_VERIFY_WITH_TIMEOUT(log->isVisible() && log->rowCount() >= 3, 30000);
    QVERIFY2(log->rowText(0).startsWith("Hello from"), qPrintable(log->rowText(0)));
    const qint64 outputMs = clock.elapsed();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(page, id), QStringLiteral("SUCCEEDED"), 30000);
    const auto logs = awaitResult<LogPage>([&](auto cb) { fx.client()->logs(id, LogRequest {}, cb); });
    QVERIFY(logs);
    QStringList lines;
    for (const LogLine &l : logs.value().lines)
        lines << l.text;
    QVERIFY2(lines.join('\n').contains("Hello from"), qPrintable(lines.join('\n')));
    QVERIFY(lines.size() >= 3); // hostname, GPUs (or "no GPU"), kernel
    qInfo("first job's output on screen %lld ms after the console was made", outputMs);
    QVERIFY(outputMs < 30000);
}

void TestUiJobs::openJobRequestSelectsIt()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    JobsPage *page = jobsPage(fx);
    const QString older = fx.submit({{"command", "true"}});
    QVERIFY(fx.waitForState(older, "SUCCEEDED"));
    fx.showPage(QStringLiteral("settingsPage"));
    fx.session()->requestOpenJob(older);
    QTRY_VERIFY(page->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(page->selectedJob(), older, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(page->table()->currentIndex().data(JobsModel::JobIdRole).toString(), older, 10000);
    QTRY_VERIFY(page->findChild<QLabel *>("jobDetailTitle")->text().contains(older));
}

QTEST_MAIN(TestUiJobs)
#include "tst_uijobs.moc"

// The artifacts section of the job detail pane (Part 1) against a real embedded control plane and agent:
// a job that leaves files behind lists them (name, size, sha256), and "Download…" streams the selected one
// to the chosen file (set through the test's target instead of the save dialog), byte for byte.
#include "ArtifactList.h"
#include "GuiFixture.h"
#include "JobDetailPane.h"
#include "JobsModel.h"
#include "JobsPage.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

class TestUiArtifacts : public QObject
{
    Q_OBJECT
private slots:
    void listAndDownloadFromTheDetailPane();
    void jobWithoutArtifactsHidesTheSection();
};

void TestUiArtifacts::listAndDownloadFromTheDetailPane()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    fx.window()->show();
    QVERIFY(fx.showPage(QStringLiteral("jobsPage")));
    auto *page = fx.find<JobsPage>(QStringLiteral("jobsPage"));
    QVERIFY(page);
    const QString id = fx.submit({{"command",
                                      "mkdir -p out && printf 'console artifact' > out/note.txt && "
                                      "head -c 2097169 /dev/urandom > out/data.bin && sha256sum out/data.bin"},
        {"artifacts", QJsonArray {"out/*"}}});
    QVERIFY(!id.isEmpty());
    QVERIFY(fx.waitForState(id, "SUCCEEDED"));
    page->selectJob(id);
    ArtifactList *artifacts = page->detail()->artifactList();
    QVERIFY(artifacts);
    QTRY_VERIFY_WITH_TIMEOUT(artifacts->isVisible(), 10000);
    QTreeWidget *list = artifacts->findChild<QTreeWidget *>(QStringLiteral("artifactList"));
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 2, 10000);
    QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("out/data.bin"));
    QCOMPARE(list->topLevelItem(1)->text(0), QStringLiteral("out/note.txt"));
    QVERIFY(artifacts->findChild<QLabel *>(QStringLiteral("artifactGlobs"))->text().contains("out/*"));

    // select data.bin and download it through the button
    list->clearSelection();
    list->topLevelItem(0)->setSelected(true);
    const QString expectedSha = list->topLevelItem(0)->toolTip(3);
    QCOMPARE(expectedSha.size(), 64);
    QTemporaryDir dir;
    const QString target = dir.filePath(QStringLiteral("saved.bin"));
    artifacts->setSaveTargetOverride(target);
    QSignalSpy downloaded(artifacts, &ArtifactList::downloaded);
    auto *button = artifacts->findChild<QPushButton *>(QStringLiteral("artifactDownload"));
    QVERIFY(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(!button->isEnabled()); // one download at a time; the GUI thread is not blocked meanwhile
    QTRY_COMPARE_WITH_TIMEOUT(downloaded.size(), 1, 20000);
    QCOMPARE(downloaded.first().first().toString(), target);
    QFile f(target);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QCOMPARE(bytes.size(), 2097169);
    QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()), expectedSha);
    QVERIFY(artifacts->findChild<QLabel *>(QStringLiteral("artifactStatus"))->text().contains("saved.bin"));
    QTRY_VERIFY(button->isEnabled());
}

void TestUiArtifacts::jobWithoutArtifactsHidesTheSection()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    fx.window()->show();
    QVERIFY(fx.showPage(QStringLiteral("jobsPage")));
    auto *page = fx.find<JobsPage>(QStringLiteral("jobsPage"));
    const QString id = fx.submit({{"command", "true"}});
    QVERIFY(fx.waitForState(id, "SUCCEEDED"));
    page->selectJob(id);
    auto stateShown = [page] {
        auto *label = page->findChild<QLabel *>("detailState");
        return label ? label->text() : QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(stateShown(), QStringLiteral("SUCCEEDED"), 10000);
    QVERIFY(!page->detail()->artifactList()->isVisible());
}

QTEST_MAIN(TestUiArtifacts)
#include "tst_uiartifacts.moc"

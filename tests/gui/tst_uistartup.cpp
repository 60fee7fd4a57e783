// The console starts its embedded control plane and agent without questions and connects; the binary
// prints its address like `serve`, a second launch brings the first forward instead of starting again,
// and a job submitted from the console is notified when it ends.
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "GuiFixture.h"

#include <QApplication>
#include <QLabel>
#include <QTranslator>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestUiStartup : public QObject
{
    Q_OBJECT
private slots:
    void startsEmbeddedAndConnects();
    void notifiesWhenAJobSubmittedHereEnds();
    void binaryPrintsAddressAndStaysSingle();
    void darkThemeIsRememberedAndGermanIsComplete();
};

void TestUiStartup::startsEmbeddedAndConnects()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    QCOMPARE(fx.session()->role(), QStringLiteral("owner"));
    // the window was up before the backend was ready
    QVERIFY(fx.app()->windowShownMs() >= 0);
    QVERIFY(fx.app()->windowShownMs() <= fx.app()->backendReadyMs());
    QVERIFY(!fx.find<QWidget>("connectionBanner")->isVisible());
    QVERIFY(fx.find<QLabel>("statusConnection")->text().contains(fx.url()));
    // the local agent registers by itself
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto r = awaitResult<AgentList>([&](auto cb) { fx.client()->agents(cb); });
            return r && r.value().agents.size() == 1;
        }(),
        30000);
    // the data dir is the user's alone, and locked against a second control plane
    QCOMPARE(QFileInfo(fx.dataDir() + "/admin.key").permissions() & (QFile::ReadGroup | QFile::ReadOther),
        QFileDevice::Permissions());
    QVERIFY(QFile::exists(fx.dataDir() + "/control-plane.lock"));
}

void TestUiStartup::notifiesWhenAJobSubmittedHereEnds()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    QSignalSpy notified(fx.window(), &MainWindow::notified);
    const QString other = fx.submit({{"command", "true"}});
    QVERIFY(fx.waitForState(other, "SUCCEEDED"));
    const QString mine = fx.submit({{"command", "sleep 0.3; exit 3"}});
    fx.session()->noteSubmitted(mine);
    QTRY_VERIFY_WITH_TIMEOUT(!notified.isEmpty(), 30000);
    QCOMPARE(notified.size(), 1); // the other job's end was not notified
    QVERIFY2(notified.first().at(1).toString().contains(mine), qPrintable(notified.first().at(1).toString()));
    QVERIFY(notified.first().at(1).toString().contains("exit 3"));
    // the running count follows the event stream
    const QString sleeper = fx.submit({{"command", "sleep 30"}});
    QTRY_COMPARE_WITH_TIMEOUT(fx.window()->runningJobs(), 1, 30000);
    QVERIFY(fx.window()->windowTitle().contains("1 running"));
    awaitResult<JobView>([&](auto cb) { fx.client()->cancelJob(sleeper, QString(), cb); });
    QTRY_COMPARE_WITH_TIMEOUT(fx.window()->runningJobs(), 0, 30000);
}

void TestUiStartup::binaryPrintsAddressAndStaysSingle()
{
    QTemporaryDir home, data;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", home.path());
    env.insert("XDG_CONFIG_HOME", home.path() + "/config");
    env.insert("XDG_DATA_HOME", home.path() + "/data");
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("TANVRIT_CONSOLE_NO_KEYCHAIN", "1");
    const QString bin = qEnvironmentVariable("TANVRIT_CONSOLE_BIN");
    const QStringList args {"--data-dir", data.path(), "--listen", "127.0.0.1:0", "--no-agent"};
    QProcess first;
    first.setProcessEnvironment(env);
    first.start(bin, args);
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += first.readAllStandardOutput()).contains("connected_ms="), 60000);
    QVERIFY2(out.contains("listening url=http://127.0.0.1:"), out.constData());
    QVERIFY(out.contains("admin-key=" + data.path().toUtf8() + "/admin.key"));

    QProcess second;
    second.setProcessEnvironment(env);
    second.start(bin, args);
    QVERIFY(second.waitForFinished(20000));
    QCOMPARE(second.exitCode(), 0);
    QVERIFY(second.readAllStandardOutput().contains("already running"));
    QCOMPARE(first.state(), QProcess::Running);

    first.terminate(); // SIGTERM: a clean shutdown, the data dir unlocked
    QVERIFY(first.waitForFinished(20000));
    QCOMPARE(first.exitStatus(), QProcess::NormalExit);
    QCOMPARE(first.exitCode(), 0);
}

void TestUiStartup::darkThemeIsRememberedAndGermanIsComplete()
{
    QTemporaryDir settings;
    {
        GuiFixture fx(settings.path());
        QVERIFY(fx.start(1));
        fx.window()->setTheme(MainWindow::Theme::Dark);
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() < 128);
        QVERIFY(QApplication::palette().color(QPalette::Text).lightness() > 128);
    }
    {
        GuiFixture fx(settings.path()); // a new window of the same settings comes back dark
        QVERIFY(fx.start(1));
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() < 128);
        fx.window()->setTheme(MainWindow::Theme::Light);
        QVERIFY(QApplication::palette().color(QPalette::Base).lightness() > 128);
    }
    // the German translation is built into the console and used
    QTranslator german;
    QVERIFY(german.load(QLocale(QLocale::German), "tanvrit", "_", ":/i18n"));
    QCOMPARE(german.translate("MainWindow", "&Quit"), QStringLiteral("&Beenden"));
}

QTEST_MAIN(TestUiStartup)
#include "tst_uistartup.moc"

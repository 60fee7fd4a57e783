// AgentService in-process: LOST detection allows for the server's own stall (a blocked event loop
// is not an agent's silence), and a truly silent agent is still LOST after the timeout.
#include "CoreFixture.h"

#include <QThread>

class TestAgentService : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stalledServerLosesNoAgent();
};

void TestAgentService::stalledServerLosesNoAgent()
{
    CoreFixture core(1); // agents are LOST after 1 s of silence; liveness checks every 250 ms
    QVERIFY(core.start());
    const QString id = core.registerAgent(QStringLiteral("a"), 1);
    QVERIFY(!id.isEmpty());
    QTest::qWait(300); // a few liveness checks in the normal rhythm
    QCOMPARE(core.agents->entries().value(id).info.state, AgentState::Online);

    // the event loop is blocked (a long walk, a huge read) for longer than the agent timeout
    QThread::msleep(2500);
    QTest::qWait(300); // the late liveness checks run now
    QCOMPARE(core.agents->entries().value(id).info.state, AgentState::Online);

    // an agent that stays silent is still LOST after the timeout
    QTRY_COMPARE_WITH_TIMEOUT(core.agents->entries().value(id).info.state, AgentState::Lost, 5000);
}

QTEST_GUILESS_MAIN(TestAgentService)
#include "tst_agentservice.moc"

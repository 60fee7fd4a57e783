// The scheduler in-process: placement by labels, type and size, priorities, why a job waits, and an
// assignment that cannot be stored (the job stays queued and is placed once writes work again).
#include "CoreFixture.h"

class TestScheduler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void placesOnAnAgentWithTheLabels();
    void higherPriorityFirstThenOldest();
    void pendingReasonSaysWhy_data();
    void pendingReasonSaysWhy();
    void failedAssignmentStaysQueued();

private:
    QString agentOf(const QString &jobId);
    std::unique_ptr<CoreFixture> m_core;
};

void TestScheduler::init()
{
    m_core = std::make_unique<CoreFixture>();
    QVERIFY(m_core->start());
}

void TestScheduler::cleanup()
{
    m_core.reset();
}

QString TestScheduler::agentOf(const QString &jobId)
{
    const JobPtr j = m_core->jobs->find(jobId);
    return j ? j->agentId : QString();
}

void TestScheduler::placesOnAnAgentWithTheLabels()
{
    const QString plain = m_core->registerAgent(QStringLiteral("plain"), 4);
    const QString gpu
        = m_core->registerAgent(QStringLiteral("gpu"), 1, {{QStringLiteral("gpu"), QStringLiteral("yes")}});
    QVERIFY(!plain.isEmpty() && !gpu.isEmpty());
    const auto j = m_core->submit({{"command", "true"}, {"labels", QJsonObject {{"gpu", "yes"}}}});
    QVERIFY(j.ok());
    QTRY_COMPARE(agentOf(j.value()->id), gpu);
    QCOMPARE(m_core->jobs->find(j.value()->id)->state, JobState::Assigned);
    // the gpu agent is full now: another such job waits, a plain job goes to the plain agent
    const auto k = m_core->submit({{"command", "true"}, {"labels", QJsonObject {{"gpu", "yes"}}}});
    const auto l = m_core->submit({{"command", "true"}});
    QTRY_COMPARE(agentOf(l.value()->id), plain);
    QTRY_VERIFY(m_core->jobJson(k.value()->id).value("pendingReason").toString().contains("free capacity"));
    QVERIFY(m_core->jobs->queue().contains(k.value()->id));
}

void TestScheduler::higherPriorityFirstThenOldest()
{
    QStringList ids;
    for (int prio : {0, 5, 1, 5})
        ids << m_core->submit({{"command", "true"}, {"priority", prio}, {"labels", QJsonObject {{"pool", "p"}}}})
                   .value()
                   ->id;
    QTRY_VERIFY(m_core->jobJson(ids[0]).value("pendingReason").toString().contains("no agent"));
    const QString agent
        = m_core->registerAgent(QStringLiteral("one"), 1, {{QStringLiteral("pool"), QStringLiteral("p")}});
    QTRY_COMPARE(agentOf(ids[1]), agent); // priority 5, the older of the two
    QVERIFY(agentOf(ids[3]).isEmpty());
    QVERIFY(agentOf(ids[2]).isEmpty());
    QVERIFY(agentOf(ids[0]).isEmpty());
}

void TestScheduler::pendingReasonSaysWhy_data()
{
    QTest::addColumn<QJsonObject>("job");
    QTest::addColumn<QString>("reason");
    QTest::newRow("labels") << QJsonObject {{"command", "true"}, {"labels", QJsonObject {{"zone", "mars"}}}}
                            << "no online agent has the labels zone=mars";
    QTest::newRow("type") << QJsonObject {{"type", "render"}} << "no matching agent offers job type render";
    QTest::newRow("size") << QJsonObject {{"command", "true"}, {"resources", QJsonObject {{"cpu", 64}}}}
                          << "no matching agent is large enough";
}

void TestScheduler::pendingReasonSaysWhy()
{
    QFETCH(QJsonObject, job);
    QFETCH(QString, reason);
    QVERIFY(!m_core->registerAgent(QStringLiteral("small"), 2).isEmpty());
    const auto j = m_core->submit(job);
    QVERIFY(j.ok());
    QTRY_VERIFY2(m_core->jobJson(j.value()->id).value("pendingReason").toString().startsWith(reason),
        qPrintable(m_core->jobJson(j.value()->id).value("pendingReason").toString()));
    // the list shows the same reason
    JobQuery q;
    const auto list = m_core->jobs->listJson(m_core->owner(), q);
    QVERIFY(list.ok());
    const QJsonArray jobs = QJsonDocument::fromJson(list.value()).object().value("jobs").toArray();
    QCOMPARE(jobs.size(), 1);
    QVERIFY(jobs.first().toObject().value("pendingReason").toString().startsWith(reason));
}

void TestScheduler::failedAssignmentStaysQueued()
{
    QVERIFY(m_core->sql(QStringLiteral("CREATE TRIGGER refuse BEFORE UPDATE ON jobs WHEN NEW.state = 'ASSIGNED' "
                                       "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")));
    const QString agent = m_core->registerAgent(QStringLiteral("a"), 2);
    QVERIFY(!agent.isEmpty());
    QSignalSpy published(m_core->events.get(), &EventBus::published);
    const auto j = m_core->submit({{"command", "true"}});
    QVERIFY(j.ok());
    const QString id = j.value()->id;
    QSignalSpy changed(m_core->jobs.get(), &JobService::jobChanged);
    // the scheduler takes the job out while the assignment is stored, and gives it back when that fails
    QTRY_VERIFY(!m_core->jobs->queue().contains(id));
    QTRY_VERIFY(m_core->jobs->queue().contains(id));
    QVERIFY(m_core->jobs->find(id) == nullptr);
    QVERIFY(m_core->agents->entries().value(agent).jobs.isEmpty());
    QCOMPARE(m_core->jobJson(id).value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(changed.size(), 0);
    QCOMPARE(published.size(), 1); // job.created only
    QCOMPARE(m_core->jobs->stateCounts().value(JobState::Assigned), 0);

    QVERIFY(m_core->sql(QStringLiteral("DROP TRIGGER refuse")));
    QTRY_COMPARE_WITH_TIMEOUT(agentOf(id), agent, 5000);
    QCOMPARE(m_core->jobJson(id).value("state").toString(), QStringLiteral("ASSIGNED"));
}

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"

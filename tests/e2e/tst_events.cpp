// The /v0/events stream end to end: a job run by a real agent shows up as job.created, job.transitioned…,
// job.terminal in seq order; Last-Event-ID resumes; agents announce agent.registered, agent.lost and
// agent.drained.
#include "E2eSupport.h"
#include "SseStream.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace E2e;

class TestEvents : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void jobLifecycle_data();
    void jobLifecycle();
    void resume_data();
    void resume();
    void typeFilter();
    void agentRegisteredAndLost();
    void agentDrainedOnceItsLastJobIsDone();

private:
    std::unique_ptr<SseStream> openEvents(const QString &query = {}, const QByteArray &lastEventId = {});
    QByteArray diag(const SseStream &s) const;

    std::unique_ptr<TestServer> m_server;
    std::vector<std::unique_ptr<TestAgent>> m_agents;
};

namespace {
QString jobOf(const SseEvent &e)
{
    return e.json.value("data").toObject().value("jobId").toString();
}

QList<SseEvent> eventsOfJob(const SseStream &s, const QString &jobId)
{
    QList<SseEvent> out;
    for (const SseEvent &e : s.events())
        if (jobOf(e) == jobId)
            out << e;
    return out;
}

bool hasTerminal(const SseStream &s, const QString &jobId)
{
    for (const SseEvent &e : s.eventsOfType("job.terminal"))
        if (jobOf(e) == jobId)
            return true;
    return false;
}

QString summary(const QList<SseEvent> &events)
{
    QStringList out;
    for (const SseEvent &e : events)
        out << QStringLiteral("%1 %2 %3").arg(e.id).arg(QString::fromUtf8(e.type), QString::fromUtf8(e.data));
    return out.join('\n');
}
} // namespace

void TestEvents::initTestCase()
{
    m_server = std::make_unique<TestServer>(QStringList {"--agent-timeout", "2"});
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
    m_agents.push_back(std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("announcer")));
    QVERIFY2(m_agents.back()->start(), tails(m_server.get(), m_agents).constData());
}

void TestEvents::cleanupTestCase()
{
    m_agents.clear();
    m_server.reset();
}

void TestEvents::cleanup()
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << tails(m_server.get(), m_agents, 4000);
}

std::unique_ptr<SseStream> TestEvents::openEvents(const QString &query, const QByteArray &lastEventId)
{
    auto s = std::make_unique<SseStream>(m_server->url(), m_server->adminKey(),
        QStringLiteral("/v0/events") + (query.isEmpty() ? QString() : QLatin1Char('?') + query), lastEventId);
    s->open();
    return s;
}

QByteArray TestEvents::diag(const SseStream &s) const
{
    return s.describe().toUtf8() + '\n' + summary(s.events()).right(3000).toUtf8();
}

void TestEvents::jobLifecycle_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("succeeds") << "echo hi"
                              << "SUCCEEDED" << 0;
    QTest::newRow("fails") << "exit 4"
                           << "FAILED" << 4;
}

void TestEvents::jobLifecycle()
{
    QFETCH(QString, command);
    QFETCH(QString, state);
    QFETCH(int, exitCode);
    const auto s = openEvents();
    QTRY_COMPARE(s->status(), 200);
    QVERIFY(s->header("content-type").startsWith("text/event-stream"));
    const QString id = m_server->submitJob({{"command", command}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(hasTerminal(*s, id), diag(*s).constData(), 30000);

    const QList<SseEvent> mine = eventsOfJob(*s, id);
    QStringList types, states, froms;
    for (const SseEvent &e : mine) {
        types << QString::fromUtf8(e.type);
        states << e.json.value("data").toObject().value("state").toString();
        froms << e.json.value("data").toObject().value("from").toString();
    }
    const QString all = summary(mine);
    QVERIFY2(types
            == (QStringList {
                "job.created", "job.transitioned", "job.transitioned", "job.transitioned", "job.terminal"}),
        qPrintable(all));
    QVERIFY2(states == (QStringList {"QUEUED", "ASSIGNED", "RUNNING", state, state}), qPrintable(all));
    QVERIFY2(froms.mid(1, 3) == (QStringList {"QUEUED", "ASSIGNED", "RUNNING"}), qPrintable(all));
    QCOMPARE(mine.last().json.value("data").toObject().value("exitCode").toInt(-1), exitCode);

    // every frame: id = seq, event = type, one workspace, a time; seqs only grow across the whole stream
    qint64 previous = 0;
    for (const SseEvent &e : s->events()) {
        QVERIFY2(e.id > previous, qPrintable(summary(s->events())));
        previous = e.id;
        QCOMPARE(e.json.value("seq").toInteger(), e.id);
        QCOMPARE(e.json.value("type").toString().toUtf8(), e.type);
        QVERIFY(!e.json.value("at").toString().isEmpty());
        QVERIFY(!e.json.value("workspaceId").toString().isEmpty());
    }
    QCOMPARE(getJob(*m_server, id).value("state").toString(), state);
}

void TestEvents::resume_data()
{
    QTest::addColumn<bool>("viaHeader");
    QTest::newRow("Last-Event-ID header") << true;
    QTest::newRow("?since= query") << false;
}

void TestEvents::resume()
{
    QFETCH(bool, viaHeader);
    const auto live = openEvents();
    QTRY_COMPARE(live->status(), 200);
    const QString id = m_server->submitJob({{"command", "echo resume"}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(hasTerminal(*live, id), diag(*live).constData(), 30000);
    const QList<SseEvent> mine = eventsOfJob(*live, id);
    const qint64 created = mine.first().id;
    const qint64 terminal = mine.last().id;
    QList<qint64> expected;
    for (const SseEvent &e : live->events())
        if (e.id > created && e.id <= terminal)
            expected << e.id;

    const auto resumed
        = viaHeader ? openEvents({}, QByteArray::number(created)) : openEvents(QStringLiteral("since=%1").arg(created));
    QTRY_VERIFY2_WITH_TIMEOUT(resumed->lastId() >= terminal, diag(*resumed).constData(), 15000);
    QList<qint64> got;
    for (const SseEvent &e : resumed->events()) {
        QVERIFY2(e.id > created, qPrintable(summary(resumed->events())));
        if (e.id <= terminal)
            got << e.id;
    }
    QCOMPARE(got, expected);
    QCOMPARE(eventsOfJob(*resumed, id).first().type, QByteArray("job.transitioned"));
    QCOMPARE(eventsOfJob(*resumed, id).last().type, QByteArray("job.terminal"));
}

void TestEvents::typeFilter()
{
    const auto s = openEvents(QStringLiteral("type=job.terminal"));
    QTRY_COMPARE(s->status(), 200);
    const QString id = m_server->submitJob({{"command", "echo filtered"}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(hasTerminal(*s, id), diag(*s).constData(), 30000);
    for (const SseEvent &e : s->events())
        QCOMPARE(e.type, QByteArray("job.terminal"));
}

void TestEvents::agentRegisteredAndLost()
{
    const auto s = openEvents();
    QTRY_COMPARE(s->status(), 200);
    m_agents.push_back(
        std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("short-lived")));
    TestAgent *agent = m_agents.back().get();
    QVERIFY2(agent->start(), tails(m_server.get(), m_agents).constData());

    auto find = [&](const QByteArray &type) {
        for (const SseEvent &e : s->eventsOfType(type))
            if (e.json.value("data").toObject().value("agentId").toString() == agent->nodeId())
                return e;
        return SseEvent {};
    };
    QTRY_VERIFY2_WITH_TIMEOUT(find("agent.registered").id > 0, diag(*s).constData(), 10000);
    QCOMPARE(find("agent.registered").json.value("data").toObject().value("name").toString(), agent->name());

    agent->kill9();
    QTRY_VERIFY2_WITH_TIMEOUT(find("agent.lost").id > 0, diag(*s).constData(), 20000);
    QVERIFY(find("agent.lost").id > find("agent.registered").id);
    QCOMPARE(findAgent(*m_server, agent->nodeId()).value("state").toString(), QStringLiteral("LOST"));
}

void TestEvents::agentDrainedOnceItsLastJobIsDone()
{
    const auto s = openEvents();
    QTRY_COMPARE(s->status(), 200);
    m_agents.push_back(std::make_unique<TestAgent>(
        m_server->url(), m_server->adminKey(), QStringLiteral("drainee"), QStringList {"--labels", "pool=drain"}));
    TestAgent *agent = m_agents.back().get();
    QVERIFY2(agent->start(), tails(m_server.get(), m_agents).constData());
    auto drained = [&] {
        for (const SseEvent &e : s->eventsOfType("agent.drained"))
            if (e.json.value("data").toObject().value("agentId").toString() == agent->nodeId())
                return e;
        return SseEvent {};
    };
    // a job that waits for a file, so the test decides when it ends
    QTemporaryDir dir;
    // Jobs of a root agent run as nobody: it must be able to look into the directory.
    QVERIFY(QFile::setPermissions(
        dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ExeOther));
    const QString flag = dir.filePath(QStringLiteral("go"));
    const QString id
        = m_server->submitJob({{"command", QStringLiteral("while [ ! -e '%1' ]; do sleep 0.05; done").arg(flag)},
            {"labels", QJsonObject {{"pool", "drain"}}}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(stateOf(*m_server, id) == QStringLiteral("RUNNING"), diag(*s).constData(), 20000);

    const auto r = m_server->post(QStringLiteral("/v0/agents/%1:drain").arg(agent->nodeId()), QJsonObject {});
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(findAgent(*m_server, agent->nodeId()).value("state").toString(), QStringLiteral("DRAINING"));
    QTest::qWait(500); // the drain itself announces nothing while the job runs
    QCOMPARE(drained().id, qint64(-1));

    QFile f(flag);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    QTRY_VERIFY2_WITH_TIMEOUT(drained().id > 0, diag(*s).constData(), 20000);
    QCOMPARE(stateOf(*m_server, id), QStringLiteral("SUCCEEDED"));
    QCOMPARE(drained().json.value("data").toObject().value("name").toString(), agent->name());
}

QTEST_GUILESS_MAIN(TestEvents)
#include "tst_events.moc"

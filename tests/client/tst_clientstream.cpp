// The client's live streams against a real server and agent: a job's log followed to its end, across
// attempts, with the size cap's gap reported, and resumed across a kill -9 of the control plane without a
// line twice or lost; /v0/events resumed by Last-Event-ID after the same.
#include "ComputeClient.h"
#include "E2eSupport.h"
#include "EventStream.h"
#include "JobLogStream.h"

#include <QSignalSpy>
#include <QtTest>

namespace {
struct Collected
{
    QStringList texts;
    QList<qint64> seqs;
    QList<int> attempts;
    QList<QPair<int, int>> attemptChanges;
    qint64 dropped = 0;
    QString endState;
    bool failed = false;
    QString error;
};

void collect(JobLogStream &s, Collected &c)
{
    QObject::connect(&s, &JobLogStream::line, [&c](const LogLine &l, int attempt) {
        c.texts << l.text;
        c.seqs << l.seq;
        c.attempts << attempt;
    });
    QObject::connect(&s, &JobLogStream::dropped, [&c](qint64 n, int) { c.dropped += n; });
    QObject::connect(&s, &JobLogStream::attemptChanged, [&c](int a, int prev) { c.attemptChanges.append({a, prev}); });
    QObject::connect(&s, &JobLogStream::ended, [&c](const QString &state, int) { c.endState = state; });
    QObject::connect(&s, &JobLogStream::failed, [&c](const ClientError &e) {
        c.failed = true;
        c.error = e.describe();
    });
}

QStringList numbered(int from, int to, const QString &prefix = QStringLiteral("n"))
{
    QStringList l;
    for (int i = from; i <= to; ++i)
        l << prefix + QString::number(i);
    return l;
}
} // namespace

class TestClientStream : public QObject
{
    Q_OBJECT
private slots:
    void followsToTheEnd();
    void followsTheNextAttempt();
    void reportsTheSizeCapGap();
    void resumesAcrossServerKill();
    void eventsResumeAcrossServerKill();

private:
    bool startAll(QStringList serverArgs = {});
    ClientConnection conn() const
    {
        ClientConnection c;
        c.server = m_server->url().toString();
        c.apiKey = m_server->adminKey();
        return c;
    }
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestAgent> m_agent;
};

bool TestClientStream::startAll(QStringList serverArgs)
{
    m_agent.reset();
    m_server = std::make_unique<TestServer>(serverArgs);
    if (!m_server->start())
        return false;
    m_agent = std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("stream-agent"));
    return m_agent->start();
}

void TestClientStream::followsToTheEnd()
{
    QVERIFY(startAll());
    ComputeClient client(conn());
    const QString id = m_server->submitJob({{QStringLiteral("command"),
        QStringLiteral("for i in $(seq 1 300); do echo n$i; [ $((i % 50)) = 0 ] && echo e$i >&2; done; exit 0")}});
    QVERIFY(!id.isEmpty());
    JobLogStream s(&client, id, {});
    Collected c;
    collect(s, c);
    s.start();
    QTRY_VERIFY_WITH_TIMEOUT(!c.endState.isEmpty() || c.failed, 30000);
    QVERIFY2(!c.failed, qPrintable(c.error));
    QCOMPARE(c.endState, QStringLiteral("SUCCEEDED"));
    QCOMPARE(c.texts.size(), 306);
    QStringList out;
    for (const QString &t : std::as_const(c.texts))
        if (t.startsWith(QLatin1Char('n')))
            out << t;
    QCOMPARE(out, numbered(1, 300));
    QCOMPARE(c.seqs, E2e::range(1, 306));
}

void TestClientStream::followsTheNextAttempt()
{
    QVERIFY(startAll());
    ComputeClient client(conn());
    // fails in attempt 1, succeeds in attempt 2 (an automatic retry)
    const QString id = m_server->submitJob(
        {{QStringLiteral("command"),
             QStringLiteral("echo attempt$TANVRIT_ATTEMPT; sleep 0.3; [ \"$TANVRIT_ATTEMPT\" = 2 ]")},
            {QStringLiteral("maxRetries"), 1}});
    QVERIFY(!id.isEmpty());
    JobLogStream s(&client, id, {});
    Collected c;
    collect(s, c);
    s.start();
    QTRY_VERIFY_WITH_TIMEOUT(!c.endState.isEmpty() || c.failed, 30000);
    QVERIFY2(!c.failed, qPrintable(c.error));
    QCOMPARE(c.endState, QStringLiteral("SUCCEEDED"));
    QCOMPARE(c.texts, (QStringList {QStringLiteral("attempt1"), QStringLiteral("attempt2")}));
    QCOMPARE(c.attempts, (QList<int> {1, 2}));
    QCOMPARE(c.attemptChanges, (QList<QPair<int, int>> {{2, 1}}));
}

void TestClientStream::reportsTheSizeCapGap()
{
    QVERIFY(startAll({QStringLiteral("--log-max-bytes"), QStringLiteral("4096")}));
    ComputeClient client(conn());
    const QString id = m_server->submitJob({{QStringLiteral("command"),
        QStringLiteral("for i in $(seq 1 3000); do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxx; done")}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(E2e::isTerminal(E2e::stateOf(*m_server, id)), 30000);
    JobLogStream s(&client, id, {});
    Collected c;
    collect(s, c);
    s.start();
    QTRY_VERIFY_WITH_TIMEOUT(!c.endState.isEmpty() || c.failed, 30000);
    QVERIFY2(!c.failed, qPrintable(c.error));
    QVERIFY(c.dropped > 0);
    QVERIFY(!c.texts.isEmpty());
    // what was dropped and what came are the whole log, and what came is its end
    QCOMPARE(c.dropped + c.texts.size(), 3000);
    QCOMPARE(c.texts.last(), QStringLiteral("line-3000-xxxxxxxxxxxxxxxxxxxxxxxx"));
    QCOMPARE(c.seqs.first(), c.dropped + 1);
}

void TestClientStream::resumesAcrossServerKill()
{
    const quint16 port = E2e::freePort();
    QVERIFY(startAll({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}));
    ComputeClient client(conn());
    const QString id = m_server->submitJob(
        {{QStringLiteral("command"), QStringLiteral("for i in $(seq 1 80); do echo n$i; sleep 0.05; done")}});
    QVERIFY(!id.isEmpty());
    JobLogStream s(&client, id, {});
    Collected c;
    collect(s, c);
    QSignalSpy reconnecting(&s, &JobLogStream::reconnecting);
    s.start();
    QTRY_VERIFY_WITH_TIMEOUT(c.texts.size() >= 15, 20000);
    m_server->kill9();
    QTest::qWait(300); // the job goes on writing while nobody listens; the agent holds its lines
    QVERIFY(m_server->restart());
    QCOMPARE(m_server->url().port(), int(port));
    QTRY_VERIFY_WITH_TIMEOUT(!c.endState.isEmpty() || c.failed, 40000);
    QVERIFY2(!c.failed, qPrintable(c.error));
    QVERIFY(reconnecting.count() >= 1);
    QCOMPARE(c.texts, numbered(1, 80)); // every line once, in order
    QCOMPARE(c.endState, QStringLiteral("SUCCEEDED"));
}

void TestClientStream::eventsResumeAcrossServerKill()
{
    const quint16 port = E2e::freePort();
    QVERIFY(startAll({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}));
    ComputeClient client(conn());
    EventStream events(&client, {QStringLiteral("job.created"), QStringLiteral("job.terminal")});
    QList<ClientEvent> seen;
    connect(&events, &EventStream::event, this, [&](const ClientEvent &e) { seen << e; });
    QSignalSpy connected(&events, &EventStream::connected);
    events.start();
    QVERIFY(connected.wait(10000));
    const QString first = m_server->submitJob({{QStringLiteral("command"), QStringLiteral("true")}});
    QTRY_VERIFY_WITH_TIMEOUT(seen.size() >= 2, 20000);
    m_server->kill9();
    QVERIFY(m_server->restart());
    QTRY_VERIFY_WITH_TIMEOUT(connected.count() >= 2, 20000);
    const QString second = m_server->submitJob({{QStringLiteral("command"), QStringLiteral("true")}});
    QTRY_VERIFY_WITH_TIMEOUT(seen.size() >= 4, 20000);
    QStringList summary;
    for (int i = 0; i < seen.size(); ++i) {
        if (i > 0)
            QVERIFY(seen[i].seq > seen[i - 1].seq); // none twice, in order
        summary << seen[i].type + QLatin1Char(' ') + seen[i].data.value(QStringLiteral("jobId")).toString();
    }
    QCOMPARE(summary,
        (QStringList {QStringLiteral("job.created ") + first, QStringLiteral("job.terminal ") + first,
            QStringLiteral("job.created ") + second, QStringLiteral("job.terminal ") + second}));
}

QTEST_MAIN(TestClientStream)
#include "tst_clientstream.moc"

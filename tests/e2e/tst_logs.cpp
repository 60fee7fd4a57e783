// Live logs end to end: jobs run by a real agent, read back through the buffer endpoint, SSE follow
// (resume, slow readers, end events, the size cap, a server restart) and the WebSocket form.
#include "E2eSupport.h"
#include "SseStream.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QWebSocket>
#include <QtTest>

#include <sys/resource.h>

using namespace E2e;

class TestLogs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();
    void follow_data();
    void follow();
    void followKeepsEveryCharacter();
    void resumeAfterDroppedConnection();
    void endEventForUnsuccessfulJobs_data();
    void endEventForUnsuccessfulJobs();
    void slowAndFastFollowers();
    void bufferEndpoint_data();
    void bufferEndpoint();
    void bufferAsText_data();
    void bufferAsText();
    void webSocket_data();
    void webSocket();
    void secretIsRedacted();
    void sizeCapDropsOldestLines();
    void serverRestartLosesNoLines();

private:
    QString submitAndWaitFor(TestServer &server, const QJsonObject &body, const QString &state);
    std::unique_ptr<SseStream> followLogs(
        TestServer &server, const QString &jobId, const QByteArray &lastEventId = {}, const QString &extraQuery = {});
    QByteArray diag(TestServer &server, const QString &jobId = {}) const;

    std::unique_ptr<TestServer> m_server; // shared: one agent with 8 slots
    std::vector<std::unique_ptr<TestAgent>> m_agents;
    std::unique_ptr<TestServer> m_own; // a test's own server (size cap, restart)
    std::vector<std::unique_ptr<TestAgent>> m_ownAgents;
    QString m_mixedJob; // 10 stdout + 10 stderr lines, finished
};

namespace {
QString linesCommand(int n, bool paced)
{
    return QStringLiteral("for i in $(seq 1 %1); do echo line $i;%2 done")
        .arg(n)
        .arg(paced ? QStringLiteral(" sleep 0.002;") : QString());
}

QStringList lineTexts(const SseStream &s)
{
    QStringList out;
    for (const SseEvent &e : s.eventsOfType("line"))
        out << e.json.value("text").toString();
    return out;
}
} // namespace

void TestLogs::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
    m_agents.push_back(std::make_unique<TestAgent>(
        m_server->url(), m_server->adminKey(), QStringLiteral("logger"), QStringList {"--slots", "8"}));
    QVERIFY2(m_agents.back()->start(), diag(*m_server).constData());
    m_mixedJob = submitAndWaitFor(
        *m_server, {{"command", "for i in 1 2 3 4 5 6 7 8 9 10; do echo out $i; echo err $i >&2; done"}}, "SUCCEEDED");
    QVERIFY(!m_mixedJob.isEmpty());
}

void TestLogs::cleanupTestCase()
{
    m_agents.clear();
    m_server.reset();
}

void TestLogs::cleanup()
{
    if (QTest::currentTestFailed()) {
        qWarning().noquote() << tails(m_server.get(), m_agents, 4000);
        if (m_own)
            qWarning().noquote() << tails(m_own.get(), m_ownAgents, 4000);
    }
    m_ownAgents.clear();
    m_own.reset();
}

QByteArray TestLogs::diag(TestServer &server, const QString &jobId) const
{
    QByteArray out;
    if (!jobId.isEmpty())
        out = "job: " + QJsonDocument(getJob(server, jobId)).toJson(QJsonDocument::Compact) + '\n';
    return out + tails(&server, &server == m_server.get() ? m_agents : m_ownAgents, 2000);
}

QString TestLogs::submitAndWaitFor(TestServer &server, const QJsonObject &body, const QString &state)
{
    const QString id = server.submitJob(body);
    if (id.isEmpty())
        return {};
    QString now;
    const bool ended = QTest::qWaitFor([&] { return isTerminal(now = stateOf(server, id)); }, 60000);
    if (!ended || now != state) {
        qWarning().noquote() << "job" << id << "ended" << now << "not" << state << diag(server, id);
        return {};
    }
    return id;
}

std::unique_ptr<SseStream> TestLogs::followLogs(
    TestServer &server, const QString &jobId, const QByteArray &lastEventId, const QString &extraQuery)
{
    auto s = std::make_unique<SseStream>(server.url(), server.adminKey(),
        QStringLiteral("/v0/jobs/%1/logs?follow=true%2").arg(jobId, extraQuery), lastEventId);
    s->open();
    return s;
}

void TestLogs::follow_data()
{
    QTest::addColumn<QByteArray>("lastEventId");
    QTest::addColumn<bool>("afterTheEnd");
    QTest::addColumn<int>("first");
    QTest::newRow("from the start, live") << QByteArray() << false << 1;
    QTest::newRow("from the start, after the end") << QByteArray() << true << 1;
    QTest::newRow("Last-Event-ID 0") << QByteArray("0") << true << 1;
    QTest::newRow("from the middle, live") << QByteArray("250") << false << 251;
    QTest::newRow("from the middle, after the end") << QByteArray("250") << true << 251;
    QTest::newRow("from the last line") << QByteArray("500") << true << 501;
}

void TestLogs::follow()
{
    QFETCH(QByteArray, lastEventId);
    QFETCH(bool, afterTheEnd);
    QFETCH(int, first);
    constexpr int kLines = 500;
    const QString id = m_server->submitJob({{"command", linesCommand(kLines, true)}});
    QVERIFY(!id.isEmpty());
    if (afterTheEnd)
        QTRY_VERIFY2_WITH_TIMEOUT(isTerminal(stateOf(*m_server, id)), diag(*m_server, id).constData(), 60000);

    const auto s = followLogs(*m_server, id, lastEventId);
    QTRY_VERIFY2_WITH_TIMEOUT(s->hasEnd(), qPrintable(s->describe()), 60000);
    QCOMPARE(s->status(), 200);
    QVERIFY(s->header("content-type").startsWith("text/event-stream"));
    QCOMPARE(s->lineSeqs(), range(first, kLines));
    QStringList expected;
    for (int i = first; i <= kLines; ++i)
        expected << QStringLiteral("line %1").arg(i);
    QCOMPARE(lineTexts(*s), expected);
    QCOMPARE(s->events().last().type, QByteArray("end"));
    QCOMPARE(s->endEvent().json.value("state").toString(), QStringLiteral("SUCCEEDED"));
    QCOMPARE(s->endEvent().json.value("attempt").toInt(), 1);
    QVERIFY(s->eventsOfType("dropped").isEmpty());
    QTRY_VERIFY2(s->closed(), "the server should close the stream after the end event");
}

void TestLogs::followKeepsEveryCharacter()
{
    // quotes, backslashes, tabs, escape and other control characters, non-ASCII: the follower's JSON
    // (built from the stored bytes) and the buffer endpoint (decoded) give back exactly what was printed
    const QString id = m_server->submitJob(
        {{"command", "printf 'a \"q\" b\\\\c\\tT\\033[1m\\001 \xc3\xa9\xe2\x9c\x93\\n'; printf 'x\\\\n y\\n' >&2"}});
    QVERIFY(!id.isEmpty());
    const QStringList expected = {QStringLiteral("a \"q\" b\\c\tT\x1b[1m\x01 \u00e9\u2713"), QStringLiteral("x\\n y")};
    const auto s = followLogs(*m_server, id);
    QTRY_VERIFY2_WITH_TIMEOUT(s->hasEnd(), qPrintable(s->describe()), 30000);
    // two streams: their relative order is the agent's read order, so compare as sets
    auto sorted = [](QStringList l) {
        l.sort();
        return l;
    };
    QCOMPARE(sorted(lineTexts(*s)), sorted(expected));
    QCOMPARE(sorted(logTexts(logBuffer(*m_server, id))), sorted(expected));
}

void TestLogs::resumeAfterDroppedConnection()
{
    constexpr int kLines = 2000;
    const QString id = m_server->submitJob(
        {{"command", QStringLiteral("for i in $(seq 1 %1); do echo line $i; sleep 0.001; done").arg(kLines)}});
    QVERIFY(!id.isEmpty());
    auto first = followLogs(*m_server, id);
    QTRY_VERIFY2_WITH_TIMEOUT(first->lineSeqs().size() >= 100, qPrintable(first->describe()), 30000);
    first->abort();
    const QList<qint64> before = first->lineSeqs();
    QVERIFY2(!isTerminal(stateOf(*m_server, id)), "the job should still be printing when the follower comes back");

    const auto second = followLogs(*m_server, id, QByteArray::number(first->lastId()));
    QTRY_VERIFY2_WITH_TIMEOUT(second->hasEnd(), qPrintable(second->describe()), 60000);
    QCOMPARE(second->lineSeqs().value(0), first->lastId() + 1);
    QCOMPARE(before + second->lineSeqs(), range(1, kLines)); // no gap, no duplicate
    QCOMPARE(second->endEvent().json.value("state").toString(), QStringLiteral("SUCCEEDED"));
}

void TestLogs::endEventForUnsuccessfulJobs_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<bool>("cancel");
    QTest::addColumn<QString>("state");
    QTest::newRow("FAILED") << QJsonObject {{"command", "echo first; exit 2"}} << false << "FAILED";
    QTest::newRow("TIMED_OUT") << QJsonObject {{"command", "echo first; sleep 30"}, {"timeoutSeconds", 1}} << false
                               << "TIMED_OUT";
    QTest::newRow("CANCELLED") << QJsonObject {{"command", "echo first; sleep 30"}} << true << "CANCELLED";
}

void TestLogs::endEventForUnsuccessfulJobs()
{
    QFETCH(QJsonObject, body);
    QFETCH(bool, cancel);
    QFETCH(QString, state);
    const QString id = m_server->submitJob(body);
    QVERIFY(!id.isEmpty());
    const auto s = followLogs(*m_server, id);
    QTRY_VERIFY2_WITH_TIMEOUT(!s->lineSeqs().isEmpty(), qPrintable(s->describe()), 30000);
    if (cancel) {
        const TestServer::Reply r = m_server->post(QStringLiteral("/v0/jobs/%1:cancel").arg(id), QJsonObject {});
        QVERIFY2(r.status == 200, r.describe().constData());
    }
    QTRY_VERIFY2_WITH_TIMEOUT(s->hasEnd(), qPrintable(s->describe()), 40000);
    QCOMPARE(lineTexts(*s).value(0), QStringLiteral("first"));
    const QJsonObject end = s->endEvent().json;
    QCOMPARE(end.value("state").toString(), state);
    QCOMPARE(end.value("nextSeq").toInteger(), s->lineSeqs().last() + 1);
    QCOMPARE(stateOf(*m_server, id), state);
}

void TestLogs::slowAndFastFollowers()
{
    constexpr int kLines = 10000;
    const QString id = m_server->submitJob({{"command",
        QStringLiteral("awk 'BEGIN { for (i = 1; i <= %1; i++) printf \"line %d %s\\n\", i, \"%2\" }'")
            .arg(kLines)
            .arg(QString(100, QLatin1Char('x')))}});
    QVERIFY(!id.isEmpty());
    auto slow = std::make_unique<SseStream>(
        m_server->url(), m_server->adminKey(), QStringLiteral("/v0/jobs/%1/logs?follow=true").arg(id));
    slow->setSlowReader(2048, 10); // about 200 KB/s for about 2 MB
    slow->open();
    const auto fast = followLogs(*m_server, id);

    QTRY_VERIFY2_WITH_TIMEOUT(fast->hasEnd(), qPrintable(fast->describe()), 60000);
    QVERIFY2(!slow->hasEnd(), "the slow follower should still be reading when the fast one is done");
    QTRY_VERIFY2_WITH_TIMEOUT(slow->hasEnd(), qPrintable(slow->describe()), 120000);
    for (SseStream *s : {fast.get(), slow.get()}) {
        QCOMPARE(s->lineSeqs(), range(1, kLines));
        QCOMPARE(lineTexts(*s).last(), QStringLiteral("line %1 %2").arg(kLines).arg(QString(100, QLatin1Char('x'))));
        QCOMPARE(s->endEvent().json.value("state").toString(), QStringLiteral("SUCCEEDED"));
    }
}

void TestLogs::bufferEndpoint_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("since");
    QTest::addColumn<int>("tail");
    QTest::addColumn<QString>("stream");
    QTest::newRow("everything") << "" << 0 << -1 << "";
    QTest::newRow("since=15") << "since=15" << 15 << -1 << "";
    QTest::newRow("since=0") << "since=0" << 0 << -1 << "";
    QTest::newRow("since beyond the end") << "since=20" << 20 << -1 << "";
    QTest::newRow("tail=3") << "tail=3" << 0 << 3 << "";
    QTest::newRow("tail=0") << "tail=0" << 0 << 0 << "";
    QTest::newRow("tail beyond the start") << "tail=500" << 0 << 500 << "";
    QTest::newRow("stream=stdout") << "stream=stdout" << 0 << -1 << "stdout";
    QTest::newRow("stream=stderr") << "stream=stderr" << 0 << -1 << "stderr";
    QTest::newRow("since=5&stream=stderr") << "since=5&stream=stderr" << 5 << -1 << "stderr";
}

void TestLogs::bufferEndpoint()
{
    QFETCH(QString, query);
    QFETCH(int, since);
    QFETCH(int, tail);
    QFETCH(QString, stream);
    const QJsonObject all = logBuffer(*m_server, m_mixedJob);
    QCOMPARE(logSeqs(all), range(1, 20));
    QStringList out, err;
    for (const QJsonValue &v : all.value("lines").toArray()) {
        const QJsonObject l = v.toObject();
        QVERIFY2(l.value("ts").toDouble() > 1.6e12, "ts is epoch milliseconds");
        (l.value("stream").toString() == "stderr" ? err : out) << l.value("text").toString();
    }
    QCOMPARE(
        out, (QStringList {"out 1", "out 2", "out 3", "out 4", "out 5", "out 6", "out 7", "out 8", "out 9", "out 10"}));
    QCOMPARE(
        err, (QStringList {"err 1", "err 2", "err 3", "err 4", "err 5", "err 6", "err 7", "err 8", "err 9", "err 10"}));

    // what the documented semantics select from the whole buffer
    QList<qint64> expectedSeqs;
    QStringList expectedTexts;
    for (const QJsonValue &v : all.value("lines").toArray()) {
        const QJsonObject l = v.toObject();
        const qint64 seq = qint64(l.value("seq").toDouble());
        if (seq <= since || (tail >= 0 && seq <= 20 - tail)
            || (!stream.isEmpty() && l.value("stream").toString() != stream))
            continue;
        expectedSeqs << seq;
        expectedTexts << l.value("text").toString();
    }
    const TestServer::Reply r = m_server->get(QStringLiteral("/v0/jobs/%1/logs?%2").arg(m_mixedJob, query));
    QVERIFY2(r.status == 200, r.describe().constData());
    QCOMPARE(logSeqs(r.json), expectedSeqs);
    QCOMPARE(logTexts(r.json), expectedTexts);
    QCOMPARE(r.json.value("nextSeq").toInteger(), qint64(21));
    QCOMPARE(r.json.value("attempt").toInt(), 1);
    QCOMPARE(r.json.value("finished").toBool(), true);
    QCOMPARE(r.json.value("state").toString(), QStringLiteral("SUCCEEDED"));
    QCOMPARE(r.json.value("dropped").toInteger(), qint64(0));
}

void TestLogs::bufferAsText_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("since");
    QTest::addColumn<QString>("stream");
    QTest::newRow("format=text") << "format=text" << 0 << "";
    QTest::newRow("format=text&since=12") << "format=text&since=12" << 12 << "";
    QTest::newRow("format=text&stream=stderr") << "format=text&stream=stderr" << 0 << "stderr";
}

void TestLogs::bufferAsText()
{
    QFETCH(QString, query);
    QFETCH(int, since);
    QFETCH(QString, stream);
    QStringList expected;
    for (const QJsonValue &v : logBuffer(*m_server, m_mixedJob).value("lines").toArray()) {
        const QJsonObject l = v.toObject();
        if (l.value("seq").toInt() > since && (stream.isEmpty() || l.value("stream").toString() == stream))
            expected << l.value("text").toString();
    }
    const TestServer::Reply r = m_server->get(QStringLiteral("/v0/jobs/%1/logs?%2").arg(m_mixedJob, query));
    QVERIFY2(r.status == 200, r.describe().constData());
    QVERIFY2(r.header("content-type").startsWith("text/plain"), r.header("content-type").constData());
    QCOMPARE(QString::fromUtf8(r.body), expected.join('\n') + '\n');
}

void TestLogs::webSocket_data()
{
    QTest::addColumn<bool>("goodKey");
    QTest::addColumn<QByteArray>("lastEventId");
    QTest::addColumn<int>("first");
    QTest::newRow("from the start") << true << QByteArray() << 1;
    QTest::newRow("from the middle (Last-Event-ID)") << true << QByteArray("150") << 151;
    QTest::newRow("bad key") << false << QByteArray() << 0;
}

void TestLogs::webSocket()
{
    QFETCH(bool, goodKey);
    QFETCH(QByteArray, lastEventId);
    QFETCH(int, first);
    constexpr int kLines = 300;
    const QString id = m_server->submitJob({{"command", linesCommand(kLines, true)}});
    QVERIFY(!id.isEmpty());

    QWebSocket ws;
    QList<QJsonObject> messages;
    bool gone = false;
    connect(&ws, &QWebSocket::textMessageReceived, this,
        [&](const QString &m) { messages << QJsonDocument::fromJson(m.toUtf8()).object(); });
    connect(&ws, &QWebSocket::disconnected, this, [&] { gone = true; });
    QUrl url = m_server->url();
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QStringLiteral("/v0/jobs/%1/logs").arg(id));
    QNetworkRequest req(url);
    req.setRawHeader("X-API-Key", goodKey ? m_server->adminKey().toUtf8() : QByteArray("tnv_not_a_real_key"));
    if (!lastEventId.isEmpty())
        req.setRawHeader("Last-Event-ID", lastEventId);
    ws.open(req);
    QTRY_VERIFY2_WITH_TIMEOUT(
        gone, qPrintable(QStringLiteral("%1 messages, state %2").arg(messages.size()).arg(ws.state())), 60000);

    if (!goodKey) {
        QCOMPARE(int(ws.closeCode()), 4001);
        QVERIFY(messages.isEmpty());
        return;
    }
    QVERIFY2(!messages.isEmpty(), qPrintable(ws.closeReason()));
    const QJsonObject end = messages.takeLast();
    QCOMPARE(end.value("event").toString(), QStringLiteral("end"));
    QCOMPARE(end.value("state").toString(), QStringLiteral("SUCCEEDED"));
    QList<qint64> seqs;
    for (const QJsonObject &m : std::as_const(messages)) {
        seqs << m.value("seq").toInteger();
        QCOMPARE(m.value("text").toString(), QStringLiteral("line %1").arg(m.value("seq").toInteger()));
    }
    QCOMPARE(seqs, range(first, kLines));
    QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeNormal);
}

void TestLogs::secretIsRedacted()
{
    const QByteArray secret = "s3cr3tvalue";
    const QString id = submitAndWaitFor(*m_server,
        {{"command",
             R"(echo token=$TOKEN; echo "$TOKEN$TOKEN" >&2; echo "prefix-${TOKEN}-suffix"; echo plain; printenv TOKEN | wc -c)"},
            {"env", QJsonObject {{"TOKEN", QString::fromLatin1(secret)}}}, {"secrets", QJsonArray {"TOKEN"}}},
        "SUCCEEDED");
    QVERIFY(!id.isEmpty());
    QStringList texts = logTexts(logBuffer(*m_server, id));
    texts.sort();
    // the job saw the real value (11 characters and a newline); readers see only ***
    QCOMPARE(texts, (QStringList {"******", "12", "plain", "prefix-***-suffix", "token=***"}));
    // the job's answers show the env entry masked, one by one, in lists and after a retry
    const TestServer::Reply one = m_server->get(QStringLiteral("/v0/jobs/") + id);
    QCOMPARE(one.json.value("env").toObject().value("TOKEN").toString(), QStringLiteral("***"));
    QVERIFY2(!one.body.contains(secret), one.body.constData());
    const TestServer::Reply list = m_server->get(QStringLiteral("/v0/jobs?limit=500"));
    QVERIFY(list.body.contains(id.toUtf8()) && !list.body.contains(secret));

    const auto s = followLogs(*m_server, id);
    QTRY_VERIFY2_WITH_TIMEOUT(s->hasEnd(), qPrintable(s->describe()), 30000);
    QVERIFY(!s->rawTail(64 * 1024).contains(secret));
    QCOMPARE(s->lineSeqs().size(), 5);
    const TestServer::Reply text = m_server->get(QStringLiteral("/v0/jobs/%1/logs?format=text").arg(id));
    QVERIFY(text.body.contains("token=***") && !text.body.contains(secret));
    // nor is it in the stored log files
    for (QDirIterator it(m_server->dataDir() + QStringLiteral("/logs"), QDir::Files, QDirIterator::Subdirectories);
         it.hasNext();) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(!f.readAll().contains(secret), qPrintable(f.fileName()));
    }
}

void TestLogs::sizeCapDropsOldestLines()
{
    m_own = std::make_unique<TestServer>(QStringList {"--log-max-bytes", "65536"});
    QVERIFY2(m_own->start(), m_own->output().right(4000).constData());
    m_ownAgents.push_back(std::make_unique<TestAgent>(m_own->url(), m_own->adminKey(), QStringLiteral("capped")));
    QVERIFY2(m_ownAgents.back()->start(), diag(*m_own).constData());
    constexpr int kLines = 20000;
    const QString id = submitAndWaitFor(*m_own,
        {{"command", QStringLiteral("awk 'BEGIN { for (i = 1; i <= %1; i++) print \"line \" i }'").arg(kLines)}},
        "SUCCEEDED");
    QVERIFY(!id.isEmpty());

    const QJsonObject buf = logBuffer(*m_own, id, QStringLiteral("limit=100000"));
    const QList<qint64> seqs = logSeqs(buf);
    const qint64 dropped = buf.value("dropped").toInteger();
    QVERIFY2(dropped > 0, QJsonDocument(buf).toJson().left(2000).constData());
    QVERIFY(!seqs.isEmpty());
    QCOMPARE(seqs, range(seqs.first(), kLines)); // the newest lines, contiguous, up to the last
    QCOMPARE(seqs.first(), dropped + 1);
    QCOMPARE(logTexts(buf).last(), QStringLiteral("line %1").arg(kLines));
    QCOMPARE(logTexts(buf).first(), QStringLiteral("line %1").arg(seqs.first()));
    qint64 bytes = 0;
    for (const QString &t : logTexts(buf))
        bytes += t.toUtf8().size() + 1;
    QVERIFY2(bytes <= 65536, qPrintable(QStringLiteral("%1 bytes of text kept").arg(bytes)));

    const auto s = followLogs(*m_own, id);
    QTRY_VERIFY2_WITH_TIMEOUT(s->hasEnd(), qPrintable(s->describe()), 30000);
    QVERIFY2(!s->events().isEmpty() && s->events().first().type == "dropped", qPrintable(s->describe()));
    QCOMPARE(s->events().first().json.value("dropped").toInteger(), dropped);
    QCOMPARE(s->lineSeqs(), seqs);
    QCOMPARE(s->endEvent().json.value("state").toString(), QStringLiteral("SUCCEEDED"));
}

void TestLogs::serverRestartLosesNoLines()
{
    const quint16 port = freePort();
    m_own = std::make_unique<TestServer>(QStringList {"--listen", QStringLiteral("127.0.0.1:%1").arg(port)});
    QVERIFY2(m_own->start(), m_own->output().right(4000).constData());
    QCOMPARE(m_own->url().port(), int(port));
    m_ownAgents.push_back(std::make_unique<TestAgent>(m_own->url(), m_own->adminKey(), QStringLiteral("pusher")));
    QVERIFY2(m_ownAgents.back()->start(), diag(*m_own).constData());
    const QString id = m_own->submitJob({{"command",
        "for i in $(seq 1 50); do echo before $i; done; sleep 4; "
        "for i in $(seq 1 50); do echo after $i; done"}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(logSeqs(logBuffer(*m_own, id)).size() == 50, diag(*m_own, id).constData(), 20000);
    QVERIFY(!isTerminal(stateOf(*m_own, id)));

    m_own->kill9();
    QVERIFY2(m_own->restart(), m_own->output().right(4000).constData());
    QCOMPARE(m_own->url().port(), int(port));
    QTRY_VERIFY2_WITH_TIMEOUT(isTerminal(stateOf(*m_own, id)), diag(*m_own, id).constData(), 60000);
    QCOMPARE(stateOf(*m_own, id), QStringLiteral("SUCCEEDED"));

    QStringList expected;
    for (int i = 1; i <= 50; ++i)
        expected << QStringLiteral("before %1").arg(i);
    for (int i = 1; i <= 50; ++i)
        expected << QStringLiteral("after %1").arg(i);
    const QJsonObject buf = logBuffer(*m_own, id);
    QCOMPARE(logSeqs(buf), range(1, 100));
    QCOMPARE(logTexts(buf), expected);
    const auto s = followLogs(*m_own, id);
    QTRY_VERIFY2_WITH_TIMEOUT(s->hasEnd(), qPrintable(s->describe()), 30000);
    QCOMPARE(lineTexts(*s), expected);
}

QTEST_GUILESS_MAIN(TestLogs)
#include "tst_logs.moc"

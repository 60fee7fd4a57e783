// AgentOutbox in-process: the order of reports (started, log lines, result), retries, the spool that
// carries unreported results over a crash, and the cap on held log lines. The test plays the control
// plane: every call the outbox posts is recorded and answered by hand.
#include "AgentOutbox.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace {
struct Call
{
    QString call;
    QJsonObject body;
    AgentOutbox::Done done;
};

// The control plane's side of the wire: calls wait here until the test answers them.
class Wire
{
public:
    AgentOutbox::Poster poster()
    {
        return [this](const QString &call, const QByteArray &body, AgentOutbox::Done done) {
            m_calls.append({call, QJsonDocument::fromJson(body).object(), std::move(done)});
        };
    }
    int count() const { return int(m_calls.size()); }
    bool has(const QString &call) const
    {
        for (const Call &c : m_calls) {
            if (c.call == call)
                return true;
        }
        return false;
    }
    // Removes and returns the oldest waiting call (an empty Call when there is none).
    Call take() { return m_calls.isEmpty() ? Call() : m_calls.takeFirst(); }
    QStringList names() const
    {
        QStringList out;
        for (const Call &c : m_calls)
            out << c.call;
        return out;
    }

private:
    QList<Call> m_calls;
};

AgentReply success(const QJsonValue &payload = {})
{
    AgentReply r;
    r.kind = AgentReply::Kind::Success;
    r.httpStatus = 200;
    r.payload = payload;
    return r;
}

AgentReply noAnswer()
{
    return AgentReply(); // Transport: the server is down
}

QList<LogLine> makeLines(qint64 from, qint64 to, const QString &prefix = QStringLiteral("line"), int pad = 0)
{
    QList<LogLine> out;
    for (qint64 s = from; s <= to; ++s)
        out.append(
            LogLine {s, 1700000000000 + s, false, QStringLiteral("%1 %2%3").arg(prefix).arg(s).arg(QString(pad, 'x'))});
    return out;
}

QJsonObject resultOf(const QString &jobId, int attempt = 1)
{
    return {{"jobId", jobId}, {"attempt", attempt}, {"state", "SUCCEEDED"}, {"exitCode", 0}, {"runtimeMs", 5},
        {"cpuSeconds", 0.01}, {"error", ""}};
}

QList<qint64> seqsOf(const Call &c)
{
    QList<qint64> out;
    for (const QJsonValue &v : c.body.value("lines").toArray())
        out << qint64(v.toObject().value("seq").toDouble());
    return out;
}

QStringList textsOf(const Call &c)
{
    QStringList out;
    for (const QJsonValue &v : c.body.value("lines").toArray())
        out << v.toObject().value("text").toString();
    return out;
}

bool fileHolds(const QString &path, const QByteArray &needle)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) && f.readAll().contains(needle);
}

QList<qint64> range(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 s = from; s <= to; ++s)
        out << s;
    return out;
}
} // namespace

class TestAgentOutbox : public QObject
{
    Q_OBJECT

private slots:
    void reportsInOrder();
    void retriesUntilTheServerAnswers();
    void resultWithoutStartIsSentAtOnce();
    void spoolCarriesResultOverACrash();
    void spoolOfAnotherNodeIsDiscarded();
    void capDropsOldestUnsentLinesNeverTheResult();
    void spoolShrinksWhenNothingIsOwed();
};

void TestAgentOutbox::reportsInOrder()
{
    Wire wire;
    AgentOutbox outbox(wire.poster());
    QSignalSpy answered(&outbox, &AgentOutbox::resultAnswered);
    outbox.begin("job1", 1, 4242);
    outbox.appendLines("job1", 1, makeLines(1, 3));
    outbox.finish("job1", 1, resultOf("job1"));
    // nothing but `started` until the server has answered it
    QCOMPARE(wire.names(), QStringList {"started"});
    Call started = wire.take();
    QCOMPARE(started.body.value("jobId").toString(), QStringLiteral("job1"));
    QCOMPARE(started.body.value("pid").toInt(), 4242);
    started.done(success(QJsonObject {{"state", "RUNNING"}}));

    QCOMPARE(wire.names(), QStringList {"logs"}); // lines before the result
    Call logs = wire.take();
    QCOMPARE(seqsOf(logs), range(1, 3));
    // a line that arrives while a batch is in flight waits for it (one batch in flight per job)
    outbox.appendLines("job1", 1, makeLines(4, 4));
    QCOMPARE(wire.count(), 0);
    logs.done(success(QJsonObject {{"nextSeq", 4}}));
    QCOMPARE(wire.names(), QStringList {"logs"});
    logs = wire.take();
    QCOMPARE(seqsOf(logs), QList<qint64> {4});
    logs.done(success(QJsonObject {{"nextSeq", 5}}));

    QCOMPARE(wire.names(), QStringList {"result"});
    Call result = wire.take();
    QCOMPARE(result.body, resultOf("job1"));
    QVERIFY(!outbox.isIdle());
    result.done(success(QJsonObject {{"accepted", true}, {"state", "SUCCEEDED"}}));
    QCOMPARE(answered.size(), 1);
    QCOMPARE(answered.at(0).at(2).toBool(), true);
    QVERIFY(outbox.isIdle());
    QCOMPARE(wire.count(), 0);
}

void TestAgentOutbox::retriesUntilTheServerAnswers()
{
    Wire wire;
    AgentOutbox outbox(wire.poster());
    outbox.begin("job1", 1, 1);
    wire.take().done(noAnswer());
    QCOMPARE(wire.count(), 0); // not at once: after a backoff
    QTRY_VERIFY_WITH_TIMEOUT(wire.has("started"), 5000);
    wire.take().done(success());
    outbox.appendLines("job1", 1, makeLines(1, 2));
    wire.take().done(noAnswer());
    QTRY_VERIFY_WITH_TIMEOUT(wire.has("logs"), 5000);
    Call again = wire.take();
    QCOMPARE(seqsOf(again), range(1, 2)); // the same lines again, nothing lost or reordered
    again.done(success(QJsonObject {{"nextSeq", 3}}));
    outbox.finish("job1", 1, resultOf("job1"));
    wire.take().done(noAnswer());
    QTRY_VERIFY_WITH_TIMEOUT(wire.has("result"), 5000);
    wire.take().done(success(QJsonObject {{"accepted", true}}));
    QVERIFY(outbox.isIdle());
}

void TestAgentOutbox::resultWithoutStartIsSentAtOnce()
{
    Wire wire;
    AgentOutbox outbox(wire.poster());
    outbox.finish("job9", 2, resultOf("job9", 2)); // never started here (e.g. a type this agent lacks)
    QCOMPARE(wire.names(), QStringList {"result"});
    QCOMPARE(outbox.unsettled(), (QList<QPair<QString, int>> {{"job9", 2}}));
    wire.take().done(success(QJsonObject {{"accepted", true}}));
    QVERIFY(outbox.isIdle());
}

void TestAgentOutbox::spoolCarriesResultOverACrash()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("outbox.spool");
    {
        Wire wire;
        AgentOutbox first(wire.poster());
        QVERIFY(first.openSpool(path, "node_A"));
        QCOMPARE(
            QFile(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        first.begin("done1", 1, 10);
        first.begin("running1", 1, 11);
        wire.take().done(success());
        wire.take().done(success());
        first.appendLines("done1", 1, makeLines(1, 3, "a"));
        Call logs = wire.take();
        logs.done(success(QJsonObject {{"nextSeq", 3}})); // the server holds 1 and 2
        first.appendLines("done1", 1, makeLines(4, 5, "b"));
        first.appendLines("running1", 1, makeLines(1, 1, "r"));
        first.finish("done1", 1, resultOf("done1"));
        // the result is in the spool at once; its unacknowledged lines follow within a few ms
        QTRY_VERIFY_WITH_TIMEOUT(fileHolds(path, "\"b 5\""), 5000);
        // the server is down from here: the process dies with everything owed (no destructor-time
        // flushing matters: the spool is written as things happen)
    }
    Wire wire;
    AgentOutbox second(wire.poster());
    QVERIFY(second.openSpool(path, "node_A"));
    // the finished job is owed again; the one that was running died with the old process
    QCOMPARE(second.unsettled(), (QList<QPair<QString, int>> {{"done1", 1}}));
    QCOMPARE(wire.names(), QStringList {"started"});
    wire.take().done(success());
    QCOMPARE(wire.names(), QStringList {"logs"});
    Call logs = wire.take();
    QCOMPARE(seqsOf(logs), range(3, 5));
    QCOMPARE(textsOf(logs), (QStringList {"a 3", "b 4", "b 5"}));
    logs.done(success(QJsonObject {{"nextSeq", 6}}));
    QCOMPARE(wire.names(), QStringList {"result"});
    Call result = wire.take();
    QCOMPARE(result.body, resultOf("done1"));
    result.done(success(QJsonObject {{"accepted", true}}));
    QVERIFY(second.isIdle());

    // and once answered it is not sent a third time
    Wire wire3;
    AgentOutbox third(wire3.poster());
    QVERIFY(third.openSpool(path, "node_A"));
    QVERIFY(third.isIdle());
    QCOMPARE(wire3.count(), 0);
}

void TestAgentOutbox::spoolOfAnotherNodeIsDiscarded()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("outbox.spool");
    {
        Wire wire;
        AgentOutbox first(wire.poster());
        QVERIFY(first.openSpool(path, "node_A"));
        first.finish("job1", 1, resultOf("job1"));
    }
    Wire wire;
    AgentOutbox second(wire.poster());
    QVERIFY(second.openSpool(path, "node_B")); // re-registered: node_A's reports would be refused anyway
    QVERIFY(second.isIdle());
    QCOMPARE(wire.count(), 0);
}

void TestAgentOutbox::capDropsOldestUnsentLinesNeverTheResult()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("outbox.spool");
    Wire wire;
    AgentOutbox outbox(wire.poster());
    QVERIFY(outbox.openSpool(path, "node_A"));
    outbox.setLogCapBytes(20000);
    outbox.begin("chatty", 1, 1);
    wire.take().done(success());
    outbox.appendLines("chatty", 1, makeLines(1, 1));
    Call inFlight = wire.take(); // line 1 is on the wire: it must not be dropped or renumbered
    QCOMPARE(seqsOf(inFlight), QList<qint64> {1});
    outbox.appendLines("chatty", 1, makeLines(2, 1001, "line", 100)); // ~150 KB, far over the cap
    QVERIFY2(outbox.heldLogBytes() <= outbox.logCapBytes(), qPrintable(QString::number(outbox.heldLogBytes())));
    QVERIFY(outbox.droppedLineCount() > 0);
    QVERIFY(QFileInfo(path).size() < 3 * outbox.logCapBytes()); // the spool is bounded too
    const qint64 dropped = outbox.droppedLineCount();
    // later lines of the job follow the renumbered ones
    outbox.appendLines("chatty", 1, makeLines(1002, 1002, "last"));
    outbox.finish("chatty", 1, resultOf("chatty"));
    inFlight.done(success(QJsonObject {{"nextSeq", 2}}));

    QList<qint64> seqs;
    QStringList texts;
    while (wire.has("logs")) {
        Call c = wire.take();
        seqs += seqsOf(c);
        texts += textsOf(c);
        c.done(success(QJsonObject {{"nextSeq", seqs.last() + 1}}));
    }
    // contiguous from 2 (the server refuses a gap), a marker in place of the dropped run, the newest kept
    QCOMPARE(seqs, range(2, seqs.last()));
    QCOMPARE(seqs.size(), 1001 - int(dropped) + 1);
    QVERIFY2(texts.first().startsWith(QStringLiteral("[agent: %1 log lines dropped").arg(dropped)),
        qPrintable(texts.first()));
    QCOMPARE(texts.last(), QStringLiteral("last 1002"));
    QCOMPARE(texts.at(texts.size() - 2), QStringLiteral("line 1001") + QString(100, 'x'));
    QCOMPARE(wire.names(), QStringList {"result"}); // the result is never dropped
    wire.take().done(success(QJsonObject {{"accepted", true}}));
    QVERIFY(outbox.isIdle());
}

void TestAgentOutbox::spoolShrinksWhenNothingIsOwed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("outbox.spool");
    Wire wire;
    AgentOutbox outbox(wire.poster());
    QVERIFY(outbox.openSpool(path, "node_A"));
    outbox.begin("big", 1, 1);
    wire.take().done(success());
    outbox.appendLines("big", 1, makeLines(1, 2000, "line", 60));
    const qint64 whileRunning = QFileInfo(path).size();
    QVERIFY2(whileRunning < 1024, qPrintable(QString::number(whileRunning))); // a running job's lines cost no write
    outbox.finish("big", 1, resultOf("big")); // ends with its lines unacknowledged: they follow the result
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(path).size() > 64 * 1024, 5000);
    while (wire.has("logs")) {
        Call c = wire.take();
        c.done(success(QJsonObject {{"nextSeq", seqsOf(c).last() + 1}}));
    }
    QCOMPARE(wire.names(), QStringList {"result"});
    wire.take().done(success(QJsonObject {{"accepted", true}}));
    QVERIFY(outbox.isIdle());
    QVERIFY2(QFileInfo(path).size() < 1024, qPrintable(QString::number(QFileInfo(path).size())));
}

QTEST_GUILESS_MAIN(TestAgentOutbox)
#include "tst_agentoutbox.moc"

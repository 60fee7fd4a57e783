// The agent plane seen from a hand-rolled agent: a real `serve`, and this suite playing the node over
// real sockets — register, heartbeat, long-poll, started/result, log batches, key rotation, drain, the
// push channel (/v0/agents/connect) with its close codes, and what a node key may not do.
#include "ApiChecks.h"
#include "E2eSupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QWebSocket>
#include <QtTest>

using namespace E2e;

namespace {

struct Node
{
    QString id;
    QString key;
    TestServer::Reply reply; // the register reply
};

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// An envelope {status, message, …} with the given HTTP status and envelope status; empty when fine.
QString envelopeProblem(const TestServer::Reply &r, int http, const QString &status, const QString &code = {})
{
    const QString got = QString::fromUtf8(r.describe());
    if (r.status != http)
        return QStringLiteral("expected HTTP %1, got %2").arg(http).arg(got);
    if (r.json.value(QStringLiteral("status")).toString() != status)
        return QStringLiteral("expected envelope status %1, got %2").arg(status, got);
    if (!r.json.value(QStringLiteral("message")).isString())
        return QStringLiteral("envelope without a string \"message\": %1").arg(got);
    if (!r.json.contains(QStringLiteral("payload")))
        return QStringLiteral("envelope without \"payload\": %1").arg(got);
    if (!code.isEmpty() && r.json.value(QStringLiteral("code")).toString() != code)
        return QStringLiteral("expected envelope code %1, got %2").arg(code, got);
    return {};
}

QJsonObject payloadOf(const TestServer::Reply &r)
{
    return r.json.value(QStringLiteral("payload")).toObject();
}

// One server frame read off a raw socket.
struct Frame
{
    int opcode = -1;
    QByteArray payload;
};

// Takes one complete frame off the front of buf; false while it is incomplete.
bool takeFrame(QByteArray &buf, Frame &out)
{
    if (buf.size() < 2)
        return false;
    const auto b0 = quint8(buf[0]);
    const auto b1 = quint8(buf[1]);
    const bool masked = b1 & 0x80;
    quint64 len = b1 & 0x7F;
    qsizetype pos = 2;
    if (len == 126) {
        if (buf.size() < pos + 2)
            return false;
        len = (quint64(quint8(buf[2])) << 8) | quint8(buf[3]);
        pos += 2;
    } else if (len == 127) {
        if (buf.size() < pos + 8)
            return false;
        len = 0;
        for (int i = 0; i < 8; ++i)
            len = (len << 8) | quint8(buf[pos + i]);
        pos += 8;
    }
    QByteArray mask;
    if (masked) {
        if (buf.size() < pos + 4)
            return false;
        mask = buf.mid(pos, 4);
        pos += 4;
    }
    if (quint64(buf.size() - pos) < len)
        return false;
    out.opcode = b0 & 0x0F;
    out.payload = buf.mid(pos, qsizetype(len));
    if (masked)
        for (qsizetype i = 0; i < out.payload.size(); ++i)
            out.payload[i] = char(out.payload[i] ^ mask[i % 4]);
    buf.remove(0, pos + qsizetype(len));
    return true;
}

} // namespace

class TestAgentPlane : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void registerNeedsAnAdminKey_data();
    void registerNeedsAnAdminKey();
    void agentResourceAndRemoval();
    void heartbeatAndEmptyPoll();
    void pollAssignsAndResultIsFinal();
    void logBatchesAreIdempotentAndGapless();
    void rotateKeyRetiresTheOldKey();
    void drainedNodeGetsNoNewJobs_data();
    void drainedNodeGetsNoNewJobs();
    void listShowsEveryNode();
    void pushChannelRefusesBadKeys_data();
    void pushChannelRefusesBadKeys();
    void pushChannelDeliversAssignments();
    void silentPushChannelClosedWith4002();
    void nodeKeyCannotUseClientApi_data();
    void nodeKeyCannotUseClientApi();
    void shutdownAnswersParkedPolls();

private:
    bool startServer(QStringList extraArgs = {});
    Node registerNode(const QString &name, const QJsonObject &extra = {});
    TestServer::Reply node(const QString &call, const QJsonObject &body, const QString &key);
    // Submits a job, polls it out as `n`, reports started; the job id (empty on failure, with a QWARN).
    QString takeAndStart(const Node &n, const QJsonObject &jobBody, int *attempt);
    QByteArray diag(const QByteArray &extra = {}) const;

    std::unique_ptr<TestServer> m_server;
};

bool TestAgentPlane::startServer(QStringList extraArgs)
{
    m_server = std::make_unique<TestServer>(std::move(extraArgs));
    return m_server->start();
}

QByteArray TestAgentPlane::diag(const QByteArray &extra) const
{
    QByteArray out = extra;
    if (m_server)
        out += "\nserver tail:\n" + m_server->output().right(2500);
    return out;
}

void TestAgentPlane::cleanup()
{
    if (QTest::currentTestFailed() && m_server)
        qWarning().noquote() << m_server->output().right(6000);
    m_server.reset();
}

Node TestAgentPlane::registerNode(const QString &name, const QJsonObject &extra)
{
    QJsonObject body {{"name", name}, {"hostname", name + ".test"}, {"version", "test"}, {"labels", QJsonObject {}},
        {"capabilities", QJsonArray {"COMMAND"}}, {"resources", QJsonObject {{"cpu", 2}, {"memGib", 4}, {"slots", 2}}},
        {"gpus", QJsonArray {}}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    Node n;
    n.reply = m_server->request("POST", QStringLiteral("/api/compute/nodes/register"), compact(body),
        {{"X-API-Key", m_server->adminKey().toUtf8()}}, false);
    n.id = payloadOf(n.reply).value("nodeId").toString();
    n.key = payloadOf(n.reply).value("nodeKey").toString();
    if (n.id.isEmpty() || n.key.isEmpty())
        qWarning().noquote() << "register failed:" << n.reply.describe();
    return n;
}

TestServer::Reply TestAgentPlane::node(const QString &call, const QJsonObject &body, const QString &key)
{
    TestServer::Headers headers;
    if (!key.isEmpty())
        headers << qMakePair(QByteArray("X-API-Key"), key.toUtf8());
    return m_server->request("POST", QStringLiteral("/api/compute/nodes/") + call, compact(body), headers, false);
}

QString TestAgentPlane::takeAndStart(const Node &n, const QJsonObject &jobBody, int *attempt)
{
    const QString id = m_server->submitJob(jobBody);
    if (id.isEmpty())
        return {};
    const TestServer::Reply poll = node(QStringLiteral("poll"), {{"waitSeconds", 10}}, n.key);
    const QJsonArray as = payloadOf(poll).value("assignments").toArray();
    if (poll.json.value("status").toString() != "SUCCESS" || as.size() != 1
        || as.first().toObject().value("jobId").toString() != id) {
        qWarning().noquote() << "poll did not hand out" << id << ":" << poll.describe();
        return {};
    }
    *attempt = as.first().toObject().value("attempt").toInt();
    const TestServer::Reply started
        = node(QStringLiteral("started"), {{"jobId", id}, {"attempt", *attempt}, {"pid", 4242}}, n.key);
    if (!envelopeProblem(started, 200, "SUCCESS").isEmpty()) {
        qWarning().noquote() << "started refused:" << started.describe();
        return {};
    }
    return id;
}

// 1. register: the admin key registers; no key, a bad key and a node key are refused in the envelope.
void TestAgentPlane::registerNeedsAnAdminKey_data()
{
    QTest::addColumn<QString>("credential"); // admin | none | bogus | node
    QTest::addColumn<int>("http");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("code");

    QTest::newRow("admin key registers") << "admin" << 200 << "SUCCESS" << QString();
    QTest::newRow("no key: 401") << "none" << 401 << "UNAUTHORIZED"
                                 << "unauthorized";
    QTest::newRow("unknown key: 401") << "bogus" << 401 << "UNAUTHORIZED"
                                      << "unauthorized";
    QTest::newRow("node key: 403") << "node" << 403 << "FORBIDDEN"
                                   << "forbidden";
}

void TestAgentPlane::registerNeedsAnAdminKey()
{
    QFETCH(QString, credential);
    QFETCH(int, http);
    QFETCH(QString, status);
    QFETCH(QString, code);

    QVERIFY2(startServer(), diag().constData());
    const Node first = registerNode(QStringLiteral("first"));
    QVERIFY2(!first.key.isEmpty(), diag(first.reply.describe()).constData());

    QString key;
    if (credential == "admin")
        key = m_server->adminKey();
    else if (credential == "bogus")
        key = QStringLiteral("tnv_thisKeyWasNeverIssued0000000000000000");
    else if (credential == "node")
        key = first.key;
    const QJsonObject body {{"name", "second"}, {"hostname", "second.test"}, {"capabilities", QJsonArray {"COMMAND"}},
        {"resources", QJsonObject {{"cpu", 1}, {"memGib", 1}, {"slots", 1}}}};
    const TestServer::Reply r = node(QStringLiteral("register"), body, key);
    const QString problem = envelopeProblem(r, http, status, code);
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());

    const TestServer::Reply agents = m_server->get(QStringLiteral("/v0/agents"));
    QCOMPARE(agents.status, 200);
    const int count = int(agents.json.value("agents").toArray().size());
    if (http == 200) {
        const QJsonObject p = payloadOf(r);
        QVERIFY2(p.value("nodeId").toString().startsWith("node_"), r.describe().constData());
        QVERIFY2(p.value("nodeKey").toString().startsWith("tnv_"), r.describe().constData());
        QVERIFY2(p.value("nodeKey").toString() != first.key, "two nodes were given the same key");
        QVERIFY2(p.value("nodeId").toString() != first.id, "two nodes were given the same id");
        QVERIFY2(p.value("heartbeatIntervalSeconds").toInt() >= 1, r.describe().constData());
        QVERIFY2(p.value("pollWaitSeconds").toInt() >= 1, r.describe().constData());
        QCOMPARE(findAgent(*m_server, p.value("nodeId").toString()).value("name").toString(), QStringLiteral("second"));
        QCOMPARE(count, 2);
    } else {
        QVERIFY2(!r.json.value("payload").isObject() || !payloadOf(r).contains("nodeKey"),
            ("a refused register handed out a key: " + r.describe()).constData());
        QCOMPARE(count, 1); // nothing was registered
    }
}

// 2. GET /v0/agents/{id}, 404 for unknown ids, DELETE revokes the node key.
void TestAgentPlane::agentResourceAndRemoval()
{
    QVERIFY2(startServer(), diag().constData());
    const QJsonObject labels {{"zone", "eu-1"}, {"tier", "fast"}};
    const Node n = registerNode(
        QStringLiteral("render-box"), {{"labels", labels}, {"capabilities", QJsonArray {"COMMAND", "render"}}});
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());

    const TestServer::Reply got = m_server->get(QStringLiteral("/v0/agents/") + n.id);
    QVERIFY2(got.status == 200, diag(got.describe()).constData());
    QCOMPARE(got.json.value("id").toString(), n.id);
    QCOMPARE(got.json.value("name").toString(), QStringLiteral("render-box"));
    QCOMPARE(got.json.value("labels").toObject(), labels);
    const QJsonArray caps = got.json.value("capabilities").toArray();
    QVERIFY2(caps.contains(QJsonValue("COMMAND")) && caps.contains(QJsonValue("render")) && caps.size() == 2,
        got.describe().constData());
    QCOMPARE(got.json.value("state").toString(), QStringLiteral("ONLINE"));

    const TestServer::Reply unknown = m_server->get(QStringLiteral("/v0/agents/node_01J00000000000000000000000"));
    QString problem = ApiChecks::errorProblem(unknown, 404);
    QVERIFY2(problem.isEmpty(), problem.toUtf8().constData());

    // the key works before removal …
    QVERIFY(envelopeProblem(node(QStringLiteral("heartbeat"), {}, n.key), 200, "SUCCESS").isEmpty());

    const TestServer::Reply del = m_server->request("DELETE", QStringLiteral("/v0/agents/") + n.id);
    QVERIFY2(del.status >= 200 && del.status < 300, diag(del.describe()).constData());

    const TestServer::Reply gone = m_server->get(QStringLiteral("/v0/agents/") + n.id);
    problem = ApiChecks::errorProblem(gone, 404);
    QVERIFY2(problem.isEmpty(), problem.toUtf8().constData());
    QVERIFY(findAgent(*m_server, n.id).isEmpty());

    // … and not after
    const TestServer::Reply hb = node(QStringLiteral("heartbeat"), {}, n.key);
    problem = envelopeProblem(hb, 401, "UNAUTHORIZED");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
}

// 3. heartbeat answers ONLINE; an empty long-poll answers NO_DATA after its wait.
void TestAgentPlane::heartbeatAndEmptyPoll()
{
    QVERIFY2(startServer(), diag().constData());
    const Node n = registerNode(QStringLiteral("idle"));
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());

    const TestServer::Reply hb = node(QStringLiteral("heartbeat"),
        {{"load", 0.5}, {"freeCpu", 1.5}, {"freeMemGib", 3}, {"gpus", QJsonArray {}}, {"runningJobs", QJsonArray {}}},
        n.key);
    QString problem = envelopeProblem(hb, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QCOMPARE(payloadOf(hb).value("state").toString(), QStringLiteral("ONLINE"));
    QVERIFY2(payloadOf(hb).value("kill").isArray() && payloadOf(hb).value("kill").toArray().isEmpty(),
        hb.describe().constData());
    // what the heartbeat said is what the API shows
    const QJsonObject agent = m_server->get(QStringLiteral("/v0/agents/") + n.id).json;
    QCOMPARE(agent.value("load").toDouble(), 0.5);
    // the agent-plane calls take the node's own key, not a workspace key
    const TestServer::Reply asAdmin = node(QStringLiteral("heartbeat"), {}, m_server->adminKey());
    problem = envelopeProblem(asAdmin, 403, "FORBIDDEN");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());

    QElapsedTimer t;
    t.start();
    const TestServer::Reply poll = node(QStringLiteral("poll"), {{"waitSeconds", 1}}, n.key);
    const qint64 waited = t.elapsed();
    problem = envelopeProblem(poll, 200, "NO_DATA");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QVERIFY2(poll.json.value("payload").isNull(), poll.describe().constData());
    QVERIFY2(!poll.timedOut, "the long-poll was never answered");
    QVERIFY2(waited < 10000, qPrintable(QStringLiteral("an empty poll with waitSeconds 1 took %1 ms").arg(waited)));
    QVERIFY2(
        waited >= 500, qPrintable(QStringLiteral("an empty poll with waitSeconds 1 answered after %1 ms").arg(waited)));
}

// 4. a queued job is handed out by poll; the first result is final, a second one is refused.
void TestAgentPlane::pollAssignsAndResultIsFinal()
{
    QVERIFY2(startServer(), diag().constData());
    const Node n = registerNode(QStringLiteral("worker"));
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());

    const QString id = m_server->submitJob({{"command", "echo from-the-fake-node"}, {"timeoutSeconds", 60}});
    QVERIFY(!id.isEmpty());

    const TestServer::Reply poll = node(QStringLiteral("poll"), {{"waitSeconds", 10}}, n.key);
    QString problem = envelopeProblem(poll, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    const QJsonArray as = payloadOf(poll).value("assignments").toArray();
    QVERIFY2(as.size() == 1, poll.describe().constData());
    const QJsonObject a = as.first().toObject();
    QCOMPARE(a.value("jobId").toString(), id);
    QCOMPARE(a.value("attempt").toInt(), 1);
    QCOMPARE(a.value("command").toString(), QStringLiteral("echo from-the-fake-node"));
    QCOMPARE(a.value("timeoutSeconds").toInt(), 60);

    QJsonObject job = getJob(*m_server, id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("ASSIGNED"));
    QCOMPARE(job.value("agentId").toString(), n.id);

    const TestServer::Reply started
        = node(QStringLiteral("started"), {{"jobId", id}, {"attempt", 1}, {"pid", 4242}}, n.key);
    problem = envelopeProblem(started, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QCOMPARE(payloadOf(started).value("state").toString(), QStringLiteral("RUNNING"));
    QCOMPARE(getJob(*m_server, id).value("state").toString(), QStringLiteral("RUNNING"));

    const TestServer::Reply first = node(QStringLiteral("result"),
        {{"jobId", id}, {"attempt", 1}, {"state", "SUCCEEDED"}, {"exitCode", 0}, {"runtimeMs", 5}, {"cpuSeconds", 0}},
        n.key);
    problem = envelopeProblem(first, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QCOMPARE(payloadOf(first).value("accepted").toBool(), true);
    QCOMPARE(payloadOf(first).value("state").toString(), QStringLiteral("SUCCEEDED"));

    job = getJob(*m_server, id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("SUCCEEDED"));
    QVERIFY2(job.value("exitCode").isDouble() && job.value("exitCode").toInt() == 0, compact(job).constData());
    QCOMPARE(job.value("runtimeMs").toInt(), 5);
    QCOMPARE(historyStates(job), (QStringList {"QUEUED", "ASSIGNED", "RUNNING", "SUCCEEDED"}));

    // a late, contradicting result changes nothing
    const TestServer::Reply second = node(QStringLiteral("result"),
        {{"jobId", id}, {"attempt", 1}, {"state", "FAILED"}, {"exitCode", 1}, {"runtimeMs", 7}, {"cpuSeconds", 0}},
        n.key);
    QVERIFY2(second.status == 200, diag(second.describe()).constData());
    QVERIFY2(payloadOf(second).value("accepted") == QJsonValue(false), second.describe().constData());
    QCOMPARE(payloadOf(second).value("state").toString(), QStringLiteral("SUCCEEDED"));
    job = getJob(*m_server, id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("SUCCEEDED"));
    QCOMPARE(job.value("exitCode").toInt(), 0);
    QCOMPARE(job.value("runtimeMs").toInt(), 5);
    QCOMPARE(historyCount(job, "FAILED"), 0);
}

// 5. log batches: durable up to nextSeq, resends ignored, gaps refused with the seq to resend from.
void TestAgentPlane::logBatchesAreIdempotentAndGapless()
{
    QVERIFY2(startServer(), diag().constData());
    const Node n = registerNode(QStringLiteral("logger"));
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());
    int attempt = 0;
    const QString id = takeAndStart(n, {{"command", "true"}}, &attempt);
    QVERIFY2(!id.isEmpty(), diag().constData());

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto batch = [&](qint64 from, qint64 to) {
        QJsonArray lines;
        for (qint64 s = from; s <= to; ++s)
            lines.append(QJsonObject {{"seq", s}, {"ts", now + s}, {"stream", s % 2 ? "stdout" : "stderr"},
                {"text", QStringLiteral("line %1").arg(s)}});
        return QJsonObject {{"jobId", id}, {"attempt", attempt}, {"lines", lines}};
    };

    TestServer::Reply r = node(QStringLiteral("logs"), batch(1, 3), n.key);
    QString problem = envelopeProblem(r, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QCOMPARE(payloadOf(r).value("nextSeq").toInteger(), qint64(4));

    r = node(QStringLiteral("logs"), batch(1, 3), n.key); // the same batch again
    problem = envelopeProblem(r, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QCOMPARE(payloadOf(r).value("nextSeq").toInteger(), qint64(4));

    QJsonObject logs = logBuffer(*m_server, id);
    QCOMPARE(logSeqs(logs), range(1, 3));
    QCOMPARE(logTexts(logs), (QStringList {"line 1", "line 2", "line 3"}));

    r = node(QStringLiteral("logs"), batch(10, 12), n.key); // a gap
    problem = envelopeProblem(r, 409, "ERROR", "conflict");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QCOMPARE(payloadOf(r).value("nextSeq").toInteger(), qint64(4));
    logs = logBuffer(*m_server, id);
    QCOMPARE(logSeqs(logs), range(1, 3)); // nothing of the refused batch was kept

    // resending from nextSeq, overlapping what is stored, appends only the new lines
    r = node(QStringLiteral("logs"), batch(2, 5), n.key);
    QVERIFY2(envelopeProblem(r, 200, "SUCCESS").isEmpty(), diag(r.describe()).constData());
    QCOMPARE(payloadOf(r).value("nextSeq").toInteger(), qint64(6));
    logs = logBuffer(*m_server, id);
    QCOMPARE(logSeqs(logs), range(1, 5));
    QCOMPARE(logs.value("nextSeq").toInteger(), qint64(6));
    QCOMPARE(logs.value("finished").toBool(), false);
}

// 6. rotate-key: a new key; the old one is dead at once.
void TestAgentPlane::rotateKeyRetiresTheOldKey()
{
    QVERIFY2(startServer(), diag().constData());
    const Node n = registerNode(QStringLiteral("rotator"));
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());

    const TestServer::Reply rot = node(QStringLiteral("rotate-key"), {}, n.key);
    QString problem = envelopeProblem(rot, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    const QString fresh = payloadOf(rot).value("nodeKey").toString();
    QVERIFY2(fresh.startsWith("tnv_"), rot.describe().constData());
    QVERIFY(fresh != n.key);

    problem = envelopeProblem(node(QStringLiteral("heartbeat"), {}, n.key), 401, "UNAUTHORIZED");
    QVERIFY2(problem.isEmpty(), diag(("old key: " + problem).toUtf8()).constData());
    problem = envelopeProblem(node(QStringLiteral("rotate-key"), {}, n.key), 401, "UNAUTHORIZED");
    QVERIFY2(problem.isEmpty(), diag(("old key rotating again: " + problem).toUtf8()).constData());

    const TestServer::Reply hb = node(QStringLiteral("heartbeat"), {}, fresh);
    problem = envelopeProblem(hb, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(("new key: " + problem).toUtf8()).constData());
    QCOMPARE(payloadOf(hb).value("state").toString(), QStringLiteral("ONLINE"));
    QCOMPARE(findAgent(*m_server, n.id).value("id").toString(), n.id); // still the same node
}

// 7. drain — by the node itself or by an admin — and a drained node is given no new work.
void TestAgentPlane::drainedNodeGetsNoNewJobs_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("node drains itself (nodes/drain)") << "self";
    QTest::newRow("admin: POST /v0/agents/{id}:drain") << "v0";
    QTest::newRow("admin: nodes/drain {nodeId}") << "rpc";
}

void TestAgentPlane::drainedNodeGetsNoNewJobs()
{
    QFETCH(QString, how);

    QVERIFY2(startServer(), diag().constData());
    const Node n = registerNode(QStringLiteral("drainee"));
    const Node other = registerNode(QStringLiteral("bystander"));
    QVERIFY2(!n.key.isEmpty() && !other.key.isEmpty(), diag(n.reply.describe()).constData());

    // another node's key may not drain it
    TestServer::Reply refused = node(QStringLiteral("drain"), {{"nodeId", n.id}}, other.key);
    QString problem = envelopeProblem(refused, 403, "FORBIDDEN");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QCOMPARE(findAgent(*m_server, n.id).value("state").toString(), QStringLiteral("ONLINE"));

    TestServer::Reply r;
    if (how == "self") {
        r = node(QStringLiteral("drain"), {}, n.key);
        problem = envelopeProblem(r, 200, "SUCCESS");
        QCOMPARE(payloadOf(r).value("id").toString(), n.id);
    } else if (how == "rpc") {
        r = node(QStringLiteral("drain"), {{"nodeId", n.id}}, m_server->adminKey());
        problem = envelopeProblem(r, 200, "SUCCESS");
        QCOMPARE(payloadOf(r).value("id").toString(), n.id);
    } else {
        r = m_server->post(QStringLiteral("/v0/agents/%1:drain").arg(n.id), {});
        problem = r.status == 200 ? QString() : QString::fromUtf8(r.describe());
        QCOMPARE(r.json.value("id").toString(), n.id);
    }
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());

    QCOMPARE(
        m_server->get(QStringLiteral("/v0/agents/") + n.id).json.value("state").toString(), QStringLiteral("DRAINING"));
    QCOMPARE(m_server->get(QStringLiteral("/v0/agents/") + other.id).json.value("state").toString(),
        QStringLiteral("ONLINE"));
    const TestServer::Reply hb = node(QStringLiteral("heartbeat"), {}, n.key);
    QCOMPARE(payloadOf(hb).value("state").toString(), QStringLiteral("DRAINING")); // the heartbeat says so too
    // the bystander takes no part: drain it too (through the same route) so only drained nodes exist
    const TestServer::Reply drainOther = m_server->post(QStringLiteral("/v0/agents/%1:drain").arg(other.id), {});
    QVERIFY2(drainOther.status == 200, drainOther.describe().constData());

    const QString id = m_server->submitJob({{"command", "echo nobody-takes-me"}});
    QVERIFY(!id.isEmpty());
    const TestServer::Reply poll = node(QStringLiteral("poll"), {{"waitSeconds", 1}}, n.key);
    problem = envelopeProblem(poll, 200, "NO_DATA");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    QJsonObject job = getJob(*m_server, id);
    QCOMPARE(job.value("state").toString(), QStringLiteral("QUEUED"));
    QVERIFY2(job.value("agentId").toString().isEmpty(), compact(job).constData());

    // the job itself was schedulable: a fresh node gets it
    const Node fresh = registerNode(QStringLiteral("fresh"));
    QVERIFY2(!fresh.key.isEmpty(), diag(fresh.reply.describe()).constData());
    const TestServer::Reply freshPoll = node(QStringLiteral("poll"), {{"waitSeconds", 10}}, fresh.key);
    const QJsonArray as = payloadOf(freshPoll).value("assignments").toArray();
    QVERIFY2(as.size() == 1 && as.first().toObject().value("jobId").toString() == id, freshPoll.describe().constData());
    QCOMPARE(getJob(*m_server, id).value("agentId").toString(), fresh.id);
}

// 8. nodes/list (admin) lists every node.
void TestAgentPlane::listShowsEveryNode()
{
    QVERIFY2(startServer(), diag().constData());
    QHash<QString, QString> names; // id → name
    QString aNodeKey;
    for (const QString &name : {QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma")}) {
        const Node n = registerNode(name);
        QVERIFY2(!n.id.isEmpty(), diag(n.reply.describe()).constData());
        names.insert(n.id, name);
        aNodeKey = n.key;
    }
    const TestServer::Reply r = node(QStringLiteral("list"), {}, m_server->adminKey());
    const QString problem = envelopeProblem(r, 200, "SUCCESS");
    QVERIFY2(problem.isEmpty(), diag(problem.toUtf8()).constData());
    const QJsonArray nodes = payloadOf(r).value("nodes").toArray();
    QHash<QString, QString> listed;
    for (const QJsonValue &v : nodes) {
        const QJsonObject o = v.toObject();
        listed.insert(o.value("id").toString(), o.value("name").toString());
        QCOMPARE(o.value("state").toString(), QStringLiteral("ONLINE"));
    }
    QCOMPARE(listed, names);

    const TestServer::Reply anonymous = node(QStringLiteral("list"), {}, QString());
    QVERIFY2(envelopeProblem(anonymous, 401, "UNAUTHORIZED").isEmpty(), anonymous.describe().constData());
    // an admin call: a node key does not get to see its fellow nodes
    const TestServer::Reply byNode = node(QStringLiteral("list"), {}, aNodeKey);
    QVERIFY2(envelopeProblem(byNode, 403, "FORBIDDEN").isEmpty(), byNode.describe().constData());
}

// 9a. the push channel closes with 4001 for a missing, unknown or non-node key.
void TestAgentPlane::pushChannelRefusesBadKeys_data()
{
    QTest::addColumn<QString>("credential");
    QTest::newRow("no key") << "none";
    QTest::newRow("unknown key") << "bogus";
    QTest::newRow("admin key (not a node)") << "admin";
    QTest::newRow("revoked node key") << "revoked";
}

void TestAgentPlane::pushChannelRefusesBadKeys()
{
    QFETCH(QString, credential);
    QVERIFY2(startServer(), diag().constData());

    QByteArray key;
    if (credential == "bogus")
        key = "tnv_thisKeyWasNeverIssued0000000000000000";
    else if (credential == "admin")
        key = m_server->adminKey().toUtf8();
    else if (credential == "revoked") {
        const Node n = registerNode(QStringLiteral("revoked"));
        QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());
        QVERIFY(envelopeProblem(node(QStringLiteral("rotate-key"), {}, n.key), 200, "SUCCESS").isEmpty());
        key = n.key.toUtf8();
    }

    QWebSocket ws;
    QList<QString> messages;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &m) { messages << m; });
    QSignalSpy gone(&ws, &QWebSocket::disconnected);
    QUrl url = m_server->url();
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QStringLiteral("/v0/agents/connect"));
    QNetworkRequest req(url);
    if (!key.isEmpty())
        req.setRawHeader("X-API-Key", key);
    ws.open(req);
    QTRY_VERIFY2_WITH_TIMEOUT(
        gone.count() > 0, diag("the server kept a push channel with a bad key open").constData(), 10000);
    QCOMPARE(int(ws.closeCode()), 4001);
    QVERIFY(messages.isEmpty());
}

// 9b. a node's push channel receives the assignment the moment a job is placed on it.
void TestAgentPlane::pushChannelDeliversAssignments()
{
    QVERIFY2(startServer(), diag().constData());
    const Node n = registerNode(QStringLiteral("pushed"));
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());

    QWebSocket ws;
    QList<QJsonObject> messages;
    connect(&ws, &QWebSocket::textMessageReceived, this,
        [&](const QString &m) { messages << QJsonDocument::fromJson(m.toUtf8()).object(); });
    QSignalSpy connected(&ws, &QWebSocket::connected);
    QSignalSpy gone(&ws, &QWebSocket::disconnected);
    QUrl url = m_server->url();
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QStringLiteral("/v0/agents/connect"));
    QNetworkRequest req(url);
    req.setRawHeader("X-API-Key", n.key.toUtf8());
    ws.open(req);
    QTRY_VERIFY2_WITH_TIMEOUT(connected.count() == 1 || gone.count() > 0, "no answer to the upgrade", 10000);
    QVERIFY2(connected.count() == 1 && gone.isEmpty(),
        diag(QByteArray("closed with ") + QByteArray::number(int(ws.closeCode()))).constData());
    // the handshake completes before the server attaches the channel; wait until the API shows it
    QTRY_VERIFY_WITH_TIMEOUT(findAgent(*m_server, n.id).value("pushConnected").toBool(), 5000);

    const QString id = m_server->submitJob({{"command", "echo pushed"}});
    QVERIFY(!id.isEmpty());
    auto assignFor = [&]() -> QJsonObject {
        for (const QJsonObject &m : messages) {
            if (m.value("type").toString() != "assign")
                continue;
            for (const QJsonValue &a : m.value("assignments").toArray())
                if (a.toObject().value("jobId").toString() == id)
                    return a.toObject();
        }
        return {};
    };
    QTRY_VERIFY2_WITH_TIMEOUT(!assignFor().isEmpty(), diag("no assign message for the job").constData(), 5000);
    const QJsonObject a = assignFor();
    QCOMPARE(a.value("attempt").toInt(), 1);
    QCOMPARE(a.value("command").toString(), QStringLiteral("echo pushed"));
    QCOMPARE(getJob(*m_server, id).value("agentId").toString(), n.id);
    QVERIFY(gone.isEmpty());

    ws.close();
    QTRY_VERIFY_WITH_TIMEOUT(gone.count() > 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!findAgent(*m_server, n.id).value("pushConnected").toBool(), 5000);
}

// 10. a push channel that never answers pings is closed with 4002 after --agent-timeout.
void TestAgentPlane::silentPushChannelClosedWith4002()
{
    QVERIFY2(startServer({QStringLiteral("--agent-timeout"), QStringLiteral("3")}), diag().constData());
    const Node n = registerNode(QStringLiteral("silent"));
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());

    QTcpSocket sock;
    QByteArray in;
    connect(&sock, &QTcpSocket::readyRead, this, [&] { in += sock.readAll(); });
    sock.connectToHost(m_server->url().host(), quint16(m_server->url().port()));
    QVERIFY2(sock.waitForConnected(5000), qPrintable(sock.errorString()));
    const QByteArray host = m_server->url().host().toUtf8() + ':' + QByteArray::number(m_server->url().port());
    sock.write("GET /v0/agents/connect HTTP/1.1\r\n"
               "Host: "
        + host
        + "\r\n"
          "Upgrade: websocket\r\n"
          "Connection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\n"
          "X-API-Key: "
        + n.key.toUtf8()
        + "\r\n"
          "\r\n");
    QTRY_VERIFY2_WITH_TIMEOUT(in.contains("\r\n\r\n"), ("no handshake answer: " + in).constData(), 10000);
    const qsizetype headEnd = in.indexOf("\r\n\r\n");
    const QByteArray head = in.left(headEnd);
    QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
    // RFC 6455's own example: this key must be answered with this accept value
    QVERIFY2(head.toLower().contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), head.constData());
    in.remove(0, headEnd + 4);

    QElapsedTimer t;
    t.start();
    int pings = 0;
    Frame close;
    QList<int> opcodes;
    auto drain = [&] {
        Frame f;
        while (close.opcode < 0 && takeFrame(in, f)) {
            opcodes << f.opcode;
            if (f.opcode == 0x9)
                ++pings; // never answered
            else if (f.opcode == 0x8)
                close = f;
        }
        return close.opcode == 0x8;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(
        drain() || sock.state() == QAbstractSocket::UnconnectedState, diag("no close frame").constData(), 12000);
    drain();
    QVERIFY2(close.opcode == 0x8,
        diag("the connection ended without a close frame; opcodes seen: " + QByteArray::number(opcodes.size()))
            .constData());
    QVERIFY2(close.payload.size() >= 2, close.payload.toHex().constData());
    const int code = (quint8(close.payload[0]) << 8) | quint8(close.payload[1]);
    QCOMPARE(code, 4002);
    QVERIFY2(pings >= 1, "the server closed for silence without ever pinging");
    QVERIFY2(t.elapsed() >= 2000, qPrintable(QStringLiteral("closed after only %1 ms").arg(t.elapsed())));
    QTRY_VERIFY_WITH_TIMEOUT(!findAgent(*m_server, n.id).value("pushConnected").toBool(), 5000);
}

// 11. a node key is for the agent plane only: the client API refuses it.
void TestAgentPlane::nodeKeyCannotUseClientApi_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("POST /v0/jobs") << QByteArray("POST") << "/v0/jobs" << QByteArray(R"({"command":"echo sneaky"})");
    QTest::newRow("GET /v0/jobs") << QByteArray("GET") << "/v0/jobs" << QByteArray();
}

void TestAgentPlane::nodeKeyCannotUseClientApi()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);

    QVERIFY2(startServer(), diag().constData());
    const Node n = registerNode(QStringLiteral("confined"));
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());
    const QString existing = m_server->submitJob({{"command", "echo by-the-admin"}});
    QVERIFY(!existing.isEmpty());

    const TestServer::Reply r = m_server->request(method, path, body, {{"X-API-Key", n.key.toUtf8()}}, false);
    const QString problem = ApiChecks::errorProblem(r, 403);
    QVERIFY2(problem.isEmpty(), problem.toUtf8().constData());
    QVERIFY2(!r.body.contains(existing.toUtf8()), "a node key read the workspace's jobs");

    const TestServer::Reply all = m_server->get(QStringLiteral("/v0/jobs"));
    QCOMPARE(all.status, 200);
    QCOMPARE(int(all.json.value("jobs").toArray().size()), 1); // the refused POST created nothing
}

void TestAgentPlane::shutdownAnswersParkedPolls()
{
    // SIGTERM does not wait out an agent's 25 s long poll: the poll is answered NO_DATA, the
    // connection closed, and the server exits 0 well within its 10 s grace.
    QVERIFY2(startServer(), diag().constData());
    const Node n = registerNode(QStringLiteral("poller"));
    QVERIFY2(!n.key.isEmpty(), diag(n.reply.describe()).constData());
    QTcpSocket sock;
    sock.connectToHost(m_server->url().host(), quint16(m_server->url().port()));
    QVERIFY(sock.waitForConnected(5000));
    const QByteArray body = R"({"waitSeconds":25})";
    sock.write("POST /api/compute/nodes/poll HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nX-API-Key: "
        + n.key.toLatin1() + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QVERIFY(sock.waitForBytesWritten(5000));
    QTest::qWait(300); // parked by now (nothing is queued)
    QCOMPARE(sock.bytesAvailable(), qint64(0));

    QElapsedTimer t;
    t.start();
    QVERIFY2(m_server->terminate(8000), diag().constData());
    QVERIFY2(t.elapsed() < 5000, qPrintable(QStringLiteral("shutdown took %1 ms").arg(t.elapsed())));
    QByteArray in;
    QTRY_VERIFY_WITH_TIMEOUT(
        (in += sock.readAll()).contains("NO_DATA") || sock.state() != QAbstractSocket::ConnectedState, 5000);
    in += sock.readAll();
    QVERIFY2(in.startsWith("HTTP/1.1 200") && in.contains("NO_DATA"), in.constData());
    QVERIFY2(in.contains("Connection: close"), in.constData());
}

QTEST_GUILESS_MAIN(TestAgentPlane)
#include "tst_agentplane.moc"

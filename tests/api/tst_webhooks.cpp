// Webhooks against a real control plane and a real local receiver (part 3): the API and its refusals,
// signatures (also with a rotated secret), retries after a 500, per-hook filters, the allow-list, the
// in-flight cap, the disable-after-horizon path, and no event lost across a kill -9.
#include "ApiChecks.h"
#include "TestServer.h"
#include "TestTeam.h"
#include "WebhookReceiver.h"

#include <QJsonDocument>
#include <QSet>
#include <QtTest>

using namespace ApiChecks;

namespace {
const QStringList kFastRetries {QStringLiteral("--webhook-retry-base-ms"), QStringLiteral("100"),
    QStringLiteral("--webhook-retry-max-ms"), QStringLiteral("400"), QStringLiteral("--webhook-max-in-flight"),
    QStringLiteral("2"), QStringLiteral("--rate-limit-per-minute"), QStringLiteral("0"),
    QStringLiteral("--rate-limit-per-hour"), QStringLiteral("0")};

QJsonObject hookBody(const QUrl &url, const QStringList &events)
{
    return {{"url", url.toString()}, {"events", QJsonArray::fromStringList(events)}, {"description", "test"}};
}

QSet<QString> eventIds(const WebhookReceiver &r, const QString &type = {})
{
    QSet<QString> ids;
    for (const auto &req : r.requests())
        if (type.isEmpty() || req.header("tanvrit-event-type") == type.toUtf8())
            ids.insert(QString::fromUtf8(req.header("tanvrit-event-id")));
    return ids;
}
}

class TestWebhooks : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createShowsSecretOnce();
    void badInputIsRefused();
    void otherWorkspaceAndMemberAreRefused();
    void signaturesVerifyAlsoWithRotatedSecret();
    void retriesAfter500ThenDelivered();
    void eventsAreFilteredPerHook();
    void allowListRefusesMetadataAndLinkLocal();
    void inFlightCapHoldsWithSlowReceiver();
    void noEventLostAcrossKill9();
    void failingHookIsDisabledAfterHorizon();
    void refusedAtDeliveryAfterRestart();
    void manyDeliveriesKeepDescriptorsAndMemoryFlat();
    void anotherWebhooksKeyDisablesTheHookNotTheServer();

private:
    QString createHook(const QUrl &url, const QStringList &events, QString *secret = nullptr);
    QJsonArray deliveries(const QString &hookId);

    std::unique_ptr<TestServer> m_server;
};

void TestWebhooks::initTestCase()
{
    m_server = std::make_unique<TestServer>(kFastRetries);
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
}

QString TestWebhooks::createHook(const QUrl &url, const QStringList &events, QString *secret)
{
    const TestServer::Reply r = m_server->post(QStringLiteral("/v0/webhooks"), hookBody(url, events));
    if (r.status != 201) {
        qWarning() << r.describe();
        return {};
    }
    if (secret)
        *secret = r.json.value("secret").toString();
    return r.json.value("id").toString();
}

QJsonArray TestWebhooks::deliveries(const QString &hookId)
{
    return m_server->get(QStringLiteral("/v0/webhooks/%1/deliveries?limit=200").arg(hookId))
        .json.value("deliveries")
        .toArray();
}

void TestWebhooks::createShowsSecretOnce()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    const TestServer::Reply created
        = m_server->post(QStringLiteral("/v0/webhooks"), hookBody(receiver.url(), {"job.created"}));
    QVERIFY2(created.status == 201, created.describe().constData());
    const QString secret = created.json.value("secret").toString();
    QVERIFY(secret.startsWith("whsec_") && secret.size() > 30);
    QCOMPARE(created.json.value("status").toString(), QStringLiteral("active"));
    const QString id = created.json.value("id").toString();

    const TestServer::Reply list = m_server->get(QStringLiteral("/v0/webhooks"));
    QCOMPARE(list.status, 200);
    QVERIFY(!list.body.contains(secret.toUtf8()));
    QVERIFY(!list.body.contains("\"secret\""));
    const TestServer::Reply one = m_server->get(QStringLiteral("/v0/webhooks/") + id);
    QCOMPARE(one.status, 200);
    QVERIFY(!one.body.contains(secret.toUtf8()));
    QCOMPARE(one.json.value("url").toString(), receiver.url().toString());

    // the secret is in no audit row, and not in the database in plaintext
    const QString auditPath
        = QStringLiteral("/v0/workspaces/%1/audit?limit=50").arg(TestTeam(*m_server).defaultWorkspace());
    QTRY_VERIFY_WITH_TIMEOUT(m_server->get(auditPath).body.contains("webhook.create"), 10000);
    const TestServer::Reply audit = m_server->get(auditPath);
    QVERIFY(!audit.body.contains(secret.toUtf8()));
    QFile db(m_server->dataDir() + "/tanvrit.db");
    QVERIFY(db.open(QIODevice::ReadOnly));
    QVERIFY(!db.readAll().contains(secret.toUtf8()));
    QFile wal(m_server->dataDir() + "/tanvrit.db-wal");
    if (wal.open(QIODevice::ReadOnly))
        QVERIFY(!wal.readAll().contains(secret.toUtf8()));

    const TestServer::Reply del = m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + id);
    QCOMPARE(del.status, 200);
    QCOMPARE(m_server->get(QStringLiteral("/v0/webhooks/") + id).status, 404);
}

void TestWebhooks::badInputIsRefused()
{
    struct Case
    {
        QByteArray body;
        QString field;
    };
    const QList<Case> cases {{R"({"events":["job.created"]})", "url"},
        {R"({"url":"ftp://x/","events":["job.created"]})", "url"},
        {R"({"url":"http://u:p@example.com/","events":["job.created"]})", "url"},
        {R"({"url":"http://example.com/"})", "events"},
        {R"({"url":"http://example.com/","events":["nope"]})", "events"},
        {R"({"url":"http://example.com/","events":[]})", "events"}, {R"({"url":42,"events":["job.created"]})", "url"}};
    for (const Case &c : cases) {
        const TestServer::Reply r = m_server->request("POST", QStringLiteral("/v0/webhooks"), c.body);
        const QString problem = errorProblem(r, 422, c.field);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + " for " + c.body));
    }
    QVERIFY(errorProblem(m_server->request("POST", QStringLiteral("/v0/webhooks"), "{not json"), 400).isEmpty());
    QVERIFY(errorProblem(m_server->get(QStringLiteral("/v0/webhooks/wh_nope")), 404).isEmpty());
    QVERIFY(errorProblem(m_server->get(QStringLiteral("/v0/webhooks/wh_nope/deliveries")), 404).isEmpty());
}

void TestWebhooks::otherWorkspaceAndMemberAreRefused()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    const QString id = createHook(receiver.url(), {"job.created"});
    QVERIFY(!id.isEmpty());
    TestTeam team(*m_server);
    const auto member = team.addPerson(team.defaultWorkspace(), QStringLiteral("member"));
    QVERIFY(member);
    QCOMPARE(team.as(member->key(), "GET", QStringLiteral("/v0/webhooks")).status, 403);
    QCOMPARE(team.as(member->key(), "POST", QStringLiteral("/v0/webhooks"), hookBody(receiver.url(), {"job.created"}))
                 .status,
        403);
    // the member owns a workspace of their own: there, our hook does not exist
    const QString theirs = team.createWorkspace(*member, QStringLiteral("elsewhere"));
    QVERIFY(!theirs.isEmpty());
    const auto asOwner = member->bearer(theirs);
    QCOMPARE(team.as(asOwner, "GET", QStringLiteral("/v0/webhooks/") + id).status, 404);
    QCOMPARE(team.as(asOwner, "DELETE", QStringLiteral("/v0/webhooks/") + id).status, 404);
    QCOMPARE(team.as(asOwner, "POST", QStringLiteral("/v0/webhooks/%1:rotate-secret").arg(id)).status, 404);
    const TestServer::Reply list = team.as(asOwner, "GET", QStringLiteral("/v0/webhooks"));
    QCOMPARE(list.status, 200);
    QVERIFY(list.json.value("webhooks").toArray().isEmpty());
    QCOMPARE(m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + id).status, 200);
}

void TestWebhooks::signaturesVerifyAlsoWithRotatedSecret()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    QString secret;
    const QString id = createHook(receiver.url(), {"ping"}, &secret);
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_server->request("POST", QStringLiteral("/v0/webhooks/%1:test").arg(id)).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 1, 10000);
    const auto first = receiver.requests().first();
    QCOMPARE(first.header("tanvrit-event-type"), QByteArray("ping"));
    QVERIFY(!first.header("tanvrit-delivery-id").isEmpty());
    QVERIFY(first.header("tanvrit-event-id").startsWith("evt_"));
    QVERIFY2(WebhookReceiver::verify(first.header("tanvrit-signature"), first.body, secret.toUtf8()),
        first.header("tanvrit-signature").constData());
    QVERIFY(!WebhookReceiver::verify(first.header("tanvrit-signature"), first.body + " ", secret.toUtf8()));
    QCOMPARE(WebhookReceiver::v1s(first.header("tanvrit-signature")).size(), 1);
    const QJsonObject event = QJsonDocument::fromJson(first.body).object();
    QCOMPARE(event.value("type").toString(), QStringLiteral("ping"));
    QVERIFY(isIsoUtcMs(event.value("createdAt").toString()));

    const TestServer::Reply rotated
        = m_server->request("POST", QStringLiteral("/v0/webhooks/%1:rotate-secret").arg(id));
    QCOMPARE(rotated.status, 200);
    const QString fresh = rotated.json.value("secret").toString();
    QVERIFY(fresh.startsWith("whsec_") && fresh != secret);
    QVERIFY(isIsoUtcMs(rotated.json.value("previousSecretExpiresAt").toString()));
    QVERIFY(!m_server->get(QStringLiteral("/v0/webhooks/") + id).body.contains(fresh.toUtf8()));
    QCOMPARE(m_server->request("POST", QStringLiteral("/v0/webhooks/%1:test").arg(id)).status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 2, 10000);
    const auto second = receiver.requests().at(1);
    QCOMPARE(WebhookReceiver::v1s(second.header("tanvrit-signature")).size(), 2);
    QVERIFY(WebhookReceiver::verify(second.header("tanvrit-signature"), second.body, fresh.toUtf8()));
    QVERIFY(WebhookReceiver::verify(second.header("tanvrit-signature"), second.body, secret.toUtf8()));
    QVERIFY(!WebhookReceiver::verify(second.header("tanvrit-signature"), second.body, "whsec_wrong"));
    QCOMPARE(m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + id).status, 200);
}

void TestWebhooks::retriesAfter500ThenDelivered()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.setStatus([](int n) { return n < 2 ? 500 : 200; });
    const QString id = createHook(receiver.url(), {"job.created"});
    QVERIFY(!id.isEmpty());
    const QString job = m_server->submitJob({{"command", "true"}});
    QVERIFY(!job.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 3, 15000);
    // the same event and delivery each time, attempts counted
    QCOMPARE(eventIds(receiver).size(), 1);
    QCOMPARE(receiver.requests().at(2).header("tanvrit-delivery-attempt"), QByteArray("3"));
    QCOMPARE(receiver.requests().at(0).header("tanvrit-delivery-id"),
        receiver.requests().at(2).header("tanvrit-delivery-id"));
    QTRY_VERIFY_WITH_TIMEOUT(
        !deliveries(id).isEmpty() && deliveries(id).first().toObject().value("state") == "delivered", 10000);
    const QJsonObject d = deliveries(id).first().toObject();
    QCOMPARE(d.value("attempt").toInt(), 3);
    QCOMPARE(d.value("httpStatus").toInt(), 200);
    QCOMPARE(d.value("eventType").toString(), QStringLiteral("job.created"));
    QVERIFY(d.value("responseMs").toInt() >= 0);
    const QJsonObject body = QJsonDocument::fromJson(receiver.requests().at(2).body).object();
    QCOMPARE(body.value("data").toObject().value("jobId").toString(), job);
    const QJsonObject hook = m_server->get(QStringLiteral("/v0/webhooks/") + id).json;
    QCOMPARE(hook.value("lastDelivery").toObject().value("httpStatus").toInt(), 200);

    // resend: a new delivery of the same event
    const TestServer::Reply resent = m_server->request(
        "POST", QStringLiteral("/v0/webhooks/%1/deliveries/%2:resend").arg(id, d.value("id").toString()));
    QCOMPARE(resent.status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 4, 10000);
    QCOMPARE(
        receiver.requests().at(3).header("tanvrit-event-id"), receiver.requests().at(0).header("tanvrit-event-id"));
    QVERIFY(receiver.requests().at(3).header("tanvrit-delivery-id")
        != receiver.requests().at(0).header("tanvrit-delivery-id"));
    QCOMPARE(m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + id).status, 200);
}

void TestWebhooks::eventsAreFilteredPerHook()
{
    WebhookReceiver created, terminal;
    QVERIFY(created.listen() && terminal.listen());
    const QString a = createHook(created.url(), {"job.created"});
    const QString b = createHook(terminal.url(), {"job.terminal"});
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    const QString job = m_server->submitJob({{"command", "true"}});
    QCOMPARE(m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(job)).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(terminal.requests().size(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(created.requests().size(), 1, 10000);
    QCOMPARE(created.requests().first().header("tanvrit-event-type"), QByteArray("job.created"));
    QCOMPARE(terminal.requests().first().header("tanvrit-event-type"), QByteArray("job.terminal"));
    // nothing else arrives for either
    QTest::qWait(300);
    QCOMPARE(created.requests().size(), 1);
    QCOMPARE(terminal.requests().size(), 1);
    m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + a);
    m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + b);
}

void TestWebhooks::allowListRefusesMetadataAndLinkLocal()
{
    for (const QString url : {"http://169.254.169.254/latest/meta-data", "http://169.254.10.1/", "http://[fe80::1]/",
             "http://[fd00:ec2::254]/", "http://metadata.google.internal/computeMetadata/v1/",
             "http://[::ffff:169.254.169.254]/"}) {
        const TestServer::Reply r
            = m_server->post(QStringLiteral("/v0/webhooks"), {{"url", url}, {"events", QJsonArray {"job.created"}}});
        const QString problem = errorProblem(r, 422, QStringLiteral("url"));
        QVERIFY2(problem.isEmpty(), qPrintable(url + ": " + problem));
    }
}

void TestWebhooks::inFlightCapHoldsWithSlowReceiver()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.setDelayMs(200);
    const QString id = createHook(receiver.url(), {"job.created"});
    QVERIFY(!id.isEmpty());
    for (int i = 0; i < 8; ++i)
        QVERIFY(!m_server->submitJob({{"command", "true"}}).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(eventIds(receiver).size(), 8, 20000);
    QVERIFY2(receiver.maxConcurrent() <= 2, qPrintable(QString::number(receiver.maxConcurrent())));
    QCOMPARE(receiver.maxConcurrent(), 2); // the cap is used, not just respected
    m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + id);
}

void TestWebhooks::noEventLostAcrossKill9()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    // the receiver is down at first: deliveries pile up as pending rows, retried
    bool down = true;
    receiver.setStatus([&down](int) { return down ? 503 : 200; });
    const QString id = createHook(receiver.url(), {"job.created", "job.transitioned", "job.terminal"});
    QVERIFY(!id.isEmpty());
    QStringList jobs;
    for (int i = 0; i < 40; ++i) {
        jobs << m_server->submitJob({{"command", "true"}});
        QVERIFY(!jobs.last().isEmpty());
        if (i % 2 == 0)
            QCOMPARE(m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(jobs.last())).status, 200);
    }
    // and a burst answered just before the kill: some of its events may be stored without their deliveries
    const QList<QByteArray> bodies(100, QByteArray(R"({"command":"true"})"));
    for (const TestServer::Reply &r : m_server->requestParallel("POST", QStringLiteral("/v0/jobs"), bodies)) {
        QCOMPARE(r.status, 201);
        jobs << r.json.value("id").toString();
    }
    m_server->kill9(); // right after the last answer
    down = false;
    QVERIFY2(m_server->restart(), m_server->output().right(4000).constData());
    // every job's created event, and every cancelled job's terminal event, arrives (at least once)
    auto createdJobs = [&] {
        QSet<QString> seen;
        for (const auto &req : receiver.requests()) {
            const QJsonObject e = QJsonDocument::fromJson(req.body).object();
            if (e.value("type") == "job.created")
                seen.insert(e.value("data").toObject().value("jobId").toString());
        }
        return seen;
    };
    QTRY_COMPARE_WITH_TIMEOUT(createdJobs().size(), jobs.size(), 30000);
    QCOMPARE(createdJobs(), QSet<QString>(jobs.begin(), jobs.end()));
    QTRY_COMPARE_WITH_TIMEOUT(eventIds(receiver, "job.terminal").size(), 20, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(eventIds(receiver).size(), 140 + 20 * 2, 30000); // created; transitioned+terminal
    m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + id);
}

void TestWebhooks::failingHookIsDisabledAfterHorizon()
{
    TestServer server(kFastRetries + QStringList {QStringLiteral("--webhook-retry-horizon-s"), QStringLiteral("2")});
    QVERIFY2(server.start(), server.output().right(4000).constData());
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    receiver.setStatus([](int) { return 503; });
    WebhookReceiver watcher; // told when the failing hook is disabled
    QVERIFY(watcher.listen());
    QCOMPARE(server.post(QStringLiteral("/v0/webhooks"), hookBody(watcher.url(), {"webhook.disabled"})).status, 201);
    const TestServer::Reply created = server.post(QStringLiteral("/v0/webhooks"), hookBody(receiver.url(), {"ping"}));
    QCOMPARE(created.status, 201);
    const QString id = created.json.value("id").toString();
    const QString path = QStringLiteral("/v0/webhooks/") + id;
    QCOMPARE(server.request("POST", path + ":test").status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(server.get(path).json.value("status") == "disabled", 15000);
    const QJsonObject hook = server.get(path).json;
    QVERIFY(hook.value("disabledReason").toString().contains("failed"));
    QVERIFY(receiver.requests().size() >= 3); // retried, with backoff, until the horizon
    const QJsonObject d = server.get(path + "/deliveries").json.value("deliveries").toArray().first().toObject();
    QCOMPARE(d.value("httpStatus").toInt(), 503);
    // the webhook.disabled event was published (and delivered to the hook that wants it)
    QTRY_COMPARE_WITH_TIMEOUT(watcher.requests().size(), 1, 10000);
    const QJsonObject disabled = QJsonDocument::fromJson(watcher.requests().first().body).object();
    QCOMPARE(disabled.value("type").toString(), QStringLiteral("webhook.disabled"));
    QCOMPARE(disabled.value("data").toObject().value("webhookId").toString(), id);
    QCOMPARE(errorProblem(server.request("POST", path + ":test"), 409), QString());
    // enabled again, with a receiver that answers, it delivers
    receiver.setStatus([](int) { return 204; });
    const TestServer::Reply enabled = server.request("PATCH", path, R"({"enabled":true})");
    QCOMPARE(enabled.status, 200);
    QCOMPARE(enabled.json.value("status").toString(), QStringLiteral("active"));
    const int before = int(receiver.requests().size());
    QCOMPARE(server.request("POST", path + ":test").status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(
        server.get(path).json.value("lastDelivery").toObject().value("httpStatus").toInt() == 204, 10000);
    QVERIFY(receiver.requests().size() > before);
}

void TestWebhooks::refusedAtDeliveryAfterRestart()
{
    // a hook made while 169.254.7.7 was allowed; started again without the exception, its deliveries are refused
    TestServer server({QStringLiteral("--webhook-allow"), QStringLiteral("169.254.7.0/24")});
    QVERIFY2(server.start(), server.output().right(4000).constData());
    const TestServer::Reply created = server.post(
        QStringLiteral("/v0/webhooks"), {{"url", "http://169.254.7.7:9/hook"}, {"events", QJsonArray {"ping"}}});
    QVERIFY2(created.status == 201, created.describe().constData());
    const QString path = QStringLiteral("/v0/webhooks/") + created.json.value("id").toString();
    QVERIFY(server.terminate());
    server.setExtraArgs({});
    QVERIFY2(server.restart(), server.output().right(4000).constData());
    QCOMPARE(server.request("POST", path + ":test").status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(
        server.get(path + "/deliveries").json.value("deliveries").toArray().first().toObject().value("state")
            == "refused",
        10000);
    const QJsonObject d = server.get(path + "/deliveries").json.value("deliveries").toArray().first().toObject();
    QVERIFY(d.value("error").toString().contains("link-local"));
}

namespace {
int openDescriptors(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size());
}

qint64 rssKib(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}
}

void TestWebhooks::manyDeliveriesKeepDescriptorsAndMemoryFlat()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    const QString id = createHook(receiver.url(), {"job.created"});
    QVERIFY(!id.isEmpty());
    auto submit = [&](int n) {
        for (int i = 0; i < n; ++i)
            if (m_server->submitJob({{"command", "true"}}).isEmpty())
                return false;
        return true;
    };
    QVERIFY(submit(100)); // warm up: connections, caches, prepared statements
    QTRY_COMPARE_WITH_TIMEOUT(eventIds(receiver).size(), 100, 30000);
    const int fds = openDescriptors(m_server->pid());
    const qint64 rss = rssKib(m_server->pid());
    QVERIFY(submit(600));
    QTRY_COMPARE_WITH_TIMEOUT(eventIds(receiver).size(), 700, 60000);
    const int fdsAfter = openDescriptors(m_server->pid());
    const qint64 rssAfter = rssKib(m_server->pid());
    QVERIFY2(fdsAfter <= fds + 4, qPrintable(QStringLiteral("descriptors %1 -> %2").arg(fds).arg(fdsAfter)));
    QVERIFY2(rssAfter < rss + 16 * 1024, qPrintable(QStringLiteral("VmRSS %1 -> %2 KiB").arg(rss).arg(rssAfter)));
    QCOMPARE(m_server->get(QStringLiteral("/v0/webhooks/") + id).json.value("inFlight").toInt(), 0);
    m_server->request("DELETE", QStringLiteral("/v0/webhooks/") + id);
}

void TestWebhooks::anotherWebhooksKeyDisablesTheHookNotTheServer()
{
    // a database restored without its webhooks.key: the server still starts, the hook waits for a new secret
    TestServer server(kFastRetries);
    QVERIFY2(server.start(), server.output().right(4000).constData());
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    const TestServer::Reply created = server.post(QStringLiteral("/v0/webhooks"), hookBody(receiver.url(), {"ping"}));
    QCOMPARE(created.status, 201);
    const QString path = QStringLiteral("/v0/webhooks/") + created.json.value("id").toString();
    QVERIFY(server.terminate());
    QFile key(server.dataDir() + "/webhooks.key");
    QVERIFY(key.open(QIODevice::WriteOnly | QIODevice::Truncate));
    key.write(QByteArray(32, 'k').toBase64() + '\n');
    key.close();
    QVERIFY2(server.restart(), server.output().right(4000).constData());
    const QJsonObject hook = server.get(path).json;
    QCOMPARE(hook.value("status").toString(), QStringLiteral("disabled"));
    QVERIFY(hook.value("disabledReason").toString().contains("rotate"));
    QCOMPARE(errorProblem(server.request("PATCH", path, R"({"enabled":true})"), 409), QString());
    const TestServer::Reply rotated = server.request("POST", path + ":rotate-secret");
    QCOMPARE(rotated.status, 200);
    QCOMPARE(server.request("PATCH", path, R"({"enabled":true})").status, 200);
    QCOMPARE(server.request("POST", path + ":test").status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 1, 10000);
    const auto &req = receiver.requests().first();
    QCOMPARE(WebhookReceiver::v1s(req.header("tanvrit-signature")).size(), 1); // no unreadable old secret
    QVERIFY(WebhookReceiver::verify(
        req.header("tanvrit-signature"), req.body, rotated.json.value("secret").toString().toUtf8()));
}

QTEST_MAIN(TestWebhooks)
#include "tst_webhooks.moc"

// API-key quotas and request-rate limits over HTTP against a real server: job types, concurrency and
// hourly quotas (also across a restart), key expiry and revocation, per-person, plan and node limits.
#include "ApiChecks.h"
#include "TestServer.h"
#include "TestTeam.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QtTest>

namespace {
using Headers = TestServer::Headers;

QJsonObject command(const QString &type = QStringLiteral("COMMAND"))
{
    return {{QStringLiteral("type"), type}, {QStringLiteral("command"), QStringLiteral("true")}};
}

QString problemOf(const TestServer::Reply &r, int status)
{
    return ApiChecks::errorProblem(r, status);
}

// The RPC surface's refusal: the status, the envelope's status string, and a Retry-After when asked.
QString rpcProblem(const TestServer::Reply &r, int status, const QString &envelopeStatus)
{
    if (r.status != status)
        return QStringLiteral("expected HTTP %1, got %2").arg(status).arg(QString::fromUtf8(r.describe()));
    if (r.json.value(QStringLiteral("status")).toString() != envelopeStatus)
        return QStringLiteral("expected envelope status %1: %2").arg(envelopeStatus, QString::fromUtf8(r.describe()));
    if (r.json.value(QStringLiteral("message")).toString().isEmpty())
        return QStringLiteral("no message: ") + QString::fromUtf8(r.describe());
    return {};
}
} // namespace

class TestQuotas : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void jobTypeOutsideTheKeysListIsForbidden();
    void concurrencyQuotaHoldsAcrossARestart();
    void hourlyQuotaAnswers429WithRetryAfter();
    void expiredKeyIsRefused();
    void revokedKeyIsRefusedAtOnce();
    void personSharesOneBudgetAcrossKeyAndToken();
    void planLimitsTheWorkspace();

private:
    TestServer::Reply as(
        const Headers &who, const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        return m_team->as(who, method, path, body);
    }
    // A key of the admin key's person with these extra fields; its secret and id.
    QPair<QString, QString> mintKey(const QJsonObject &fields)
    {
        QJsonObject body = fields;
        body.insert(QStringLiteral("name"), QStringLiteral("quota key %1").arg(++m_keys));
        const auto r = m_server->post(QStringLiteral("/v0/keys"), body);
        if (r.status != 201) {
            qWarning() << "key create failed:" << r.describe();
            return {};
        }
        return {r.json.value(QStringLiteral("key")).toString(), r.json.value(QStringLiteral("id")).toString()};
    }
    int jobCount()
    {
        const auto r = m_server->get(QStringLiteral("/v0/jobs?limit=500"));
        return r.status == 200 ? int(r.json.value(QStringLiteral("jobs")).toArray().size()) : -1;
    }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestTeam> m_team;
    int m_keys = 0;
};

void TestQuotas::initTestCase()
{
    m_server = std::make_unique<TestServer>(); // no agent: submitted jobs stay QUEUED
    QVERIFY2(m_server->start(), m_server->output().constData());
    m_team = std::make_unique<TestTeam>(*m_server);
}

void TestQuotas::jobTypeOutsideTheKeysListIsForbidden()
{
    const auto [key, id] = mintKey({{QStringLiteral("allowedJobTypes"), QJsonArray {QStringLiteral("COMMAND")}}});
    QVERIFY(!key.isEmpty());
    const Headers k = TestTeam::keyHeader(key);
    const int before = jobCount();
    const auto refused = as(k, "POST", QStringLiteral("/v0/jobs"), command(QStringLiteral("render")));
    QString problem = problemOf(refused, 403);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(refused.json.value("message").toString().contains(QLatin1String("render")), refused.describe());
    const auto rpc = as(k, "POST", QStringLiteral("/api/compute/jobs/submit"), command(QStringLiteral("render")));
    problem = rpcProblem(rpc, 403, QStringLiteral("FORBIDDEN"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(jobCount(), before);
    // what the list allows goes through
    QVERIFY(!m_server->submitJob(command(), k).isEmpty());
    QCOMPARE(jobCount(), before + 1);
}

void TestQuotas::concurrencyQuotaHoldsAcrossARestart()
{
    const auto [key, id] = mintKey({{QStringLiteral("maxConcurrentJobs"), 2}});
    QVERIFY(!key.isEmpty());
    const Headers k = TestTeam::keyHeader(key);
    const QString first = m_server->submitJob(command(), k);
    const QString second = m_server->submitJob(command(), k);
    QVERIFY(!first.isEmpty() && !second.isEmpty());
    const int before = jobCount();
    const auto third = as(k, "POST", QStringLiteral("/v0/jobs"), command());
    QString problem = problemOf(third, 409);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(jobCount(), before);
    // another key of the same person has its own count
    const auto [otherKey, otherId] = mintKey({{QStringLiteral("maxConcurrentJobs"), 2}});
    QVERIFY(!m_server->submitJob(command(), TestTeam::keyHeader(otherKey)).isEmpty());

    // a finished (cancelled) job frees a slot
    const auto cancelled = as(k, "POST", QStringLiteral("/v0/jobs/%1:cancel").arg(first));
    QVERIFY2(cancelled.status == 200, cancelled.describe());
    const QString fourth = m_server->submitJob(command(), k);
    QVERIFY(!fourth.isEmpty());
    QCOMPARE(as(k, "POST", QStringLiteral("/v0/jobs"), command()).status, 409);

    // the count is rebuilt from the store at start
    QVERIFY(m_server->terminate());
    QVERIFY2(m_server->restart(), m_server->output().constData());
    const auto afterRestart = as(k, "POST", QStringLiteral("/v0/jobs"), command());
    problem = problemOf(afterRestart, 409);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(as(k, "POST", QStringLiteral("/v0/jobs/%1:cancel").arg(second)).status == 200, "cancel after restart");
    QVERIFY(!m_server->submitJob(command(), k).isEmpty());
    QCOMPARE(as(k, "POST", QStringLiteral("/v0/jobs"), command()).status, 409);
}

void TestQuotas::hourlyQuotaAnswers429WithRetryAfter()
{
    const auto [key, id] = mintKey({{QStringLiteral("maxJobsPerHour"), 3}});
    QVERIFY(!key.isEmpty());
    const Headers k = TestTeam::keyHeader(key);
    for (int i = 0; i < 3; ++i)
        QVERIFY(!m_server->submitJob(command(), k).isEmpty());
    const int before = jobCount();

    auto checkRefused = [&](const char *when) {
        const auto v0 = as(k, "POST", QStringLiteral("/v0/jobs"), command());
        QString problem = problemOf(v0, 429);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(when), problem)));
        const int retryAfter = v0.header("retry-after").toInt();
        QVERIFY2(retryAfter > 0 && retryAfter <= 3600, v0.describe());
        QVERIFY2(retryAfter > 3500, v0.describe()); // the first of the three was just now
        const auto rpc = as(k, "POST", QStringLiteral("/api/compute/jobs/submit"), command());
        problem = rpcProblem(rpc, 429, QStringLiteral("RATE_LIMITED"));
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(when), problem)));
        const int rpcRetry = rpc.header("retry-after").toInt();
        QVERIFY2(rpcRetry > 0 && rpcRetry <= 3600, rpc.describe());
        QCOMPARE(jobCount(), before);
    };
    checkRefused("before restart");
    if (QTest::currentTestFailed())
        return;
    // a key without the quota is not affected
    QVERIFY(!m_server->submitJob(command()).isEmpty());
    QVERIFY(m_server->terminate());
    QVERIFY2(m_server->restart(), m_server->output().constData());
    const int afterAdmin = jobCount();
    QCOMPARE(afterAdmin, before + 1);
    // the submit times are rebuilt from the store
    const auto v0 = as(k, "POST", QStringLiteral("/v0/jobs"), command());
    QString problem = problemOf(v0, 429);
    QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("after restart: ") + problem));
    const int retryAfter = v0.header("retry-after").toInt();
    QVERIFY2(retryAfter > 0 && retryAfter <= 3600, v0.describe());
    const auto rpc = as(k, "POST", QStringLiteral("/api/compute/jobs/submit"), command());
    problem = rpcProblem(rpc, 429, QStringLiteral("RATE_LIMITED"));
    QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("after restart: ") + problem));
    QCOMPARE(jobCount(), afterAdmin);
}

void TestQuotas::expiredKeyIsRefused()
{
    const QString at = QDateTime::currentDateTimeUtc().addSecs(2).toString(Qt::ISODateWithMs);
    const auto [key, id] = mintKey({{QStringLiteral("expiresAt"), at}});
    QVERIFY(!key.isEmpty());
    const Headers k = TestTeam::keyHeader(key);
    QCOMPARE(as(k, "GET", QStringLiteral("/v0/jobs")).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(as(k, "GET", QStringLiteral("/v0/jobs")).status, 401, 10000);
    const auto r = as(k, "POST", QStringLiteral("/v0/jobs"), command());
    const QString problem = problemOf(r, 401);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(r.json.value("message").toString().contains(QLatin1String("expired")), r.describe());
    // also as a bearer token
    QCOMPARE(as({{"Authorization", "Bearer " + key.toLatin1()}}, "GET", QStringLiteral("/v0/jobs")).status, 401);
    // past expiry is refused at creation
    QCOMPARE(
        m_server
            ->post(QStringLiteral("/v0/keys"),
                {{QStringLiteral("name"), QStringLiteral("late")},
                    {QStringLiteral("expiresAt"), QDateTime::currentDateTimeUtc().addSecs(-5).toString(Qt::ISODate)}})
            .status,
        422);
}

void TestQuotas::revokedKeyIsRefusedAtOnce()
{
    const auto [key, id] = mintKey({});
    QVERIFY(!key.isEmpty());
    const Headers k = TestTeam::keyHeader(key);
    QCOMPARE(as(k, "GET", QStringLiteral("/v0/jobs")).status, 200);
    const auto revoked = m_server->request("DELETE", QStringLiteral("/v0/keys/") + id);
    QVERIFY2(revoked.status == 200, revoked.describe());
    QVERIFY(!revoked.json.value("revokedAt").toString().isEmpty());
    const auto r = as(k, "GET", QStringLiteral("/v0/jobs"));
    const QString problem = problemOf(r, 401);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const auto rpc = as(k, "POST", QStringLiteral("/api/compute/jobs/list"), {});
    QCOMPARE(rpc.status, 401);
    QCOMPARE(rpc.json.value("status").toString(), QStringLiteral("UNAUTHORIZED"));
    // and after a restart
    QVERIFY(m_server->terminate());
    QVERIFY2(m_server->restart(), m_server->output().constData());
    QCOMPARE(as(k, "GET", QStringLiteral("/v0/jobs")).status, 401);
}

void TestQuotas::personSharesOneBudgetAcrossKeyAndToken()
{
    constexpr int kPerMinute = 20;
    TestServer server({QStringLiteral("--rate-limit-per-minute"), QString::number(kPerMinute)});
    QVERIFY2(server.start(), server.output().constData());
    TestTeam team(server);
    const QString ws = team.defaultWorkspace(); // the owner's request 1
    const auto other = team.addPerson(ws, QStringLiteral("member")); // 2
    QVERIFY(other);
    // an agent, registered before the owner's budget runs out                              // 3
    const auto reg = server.request(
        "POST", QStringLiteral("/api/compute/nodes/register"), R"({"name":"budget","resources":{"cpu":1,"slots":1}})");
    QVERIFY2(reg.status == 200, reg.describe());
    const Headers node = TestTeam::keyHeader(reg.json.value("payload").toObject().value("nodeKey").toString());

    QElapsedTimer clock;
    clock.start();
    const auto person = team.addPerson(ws, QStringLiteral("member")); // owner 4; the person's request 1 (key create)
    QVERIFY(person);
    // alternately the person's key and their access token, until one is refused
    int admitted = 1;
    TestServer::Reply refused;
    for (int i = 0; i < 3 * kPerMinute; ++i) {
        const auto r = team.as(i % 2 ? person->key() : person->bearer(), "GET", QStringLiteral("/v0/jobs"));
        if (r.status != 200) {
            refused = r;
            break;
        }
        ++admitted;
    }
    // the bucket refills one request per 3 s: allow for slow machines
    const int refilled = int(clock.elapsed() / (60000 / kPerMinute));
    QVERIFY2(admitted >= kPerMinute && admitted <= kPerMinute + refilled,
        qPrintable(QStringLiteral("admitted %1 in %2 ms").arg(admitted).arg(clock.elapsed())));
    QString problem = problemOf(refused, 429);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const int retryAfter = refused.header("retry-after").toInt();
    QVERIFY2(retryAfter > 0 && retryAfter <= 60, refused.describe());
    // both credentials are out, on either surface
    QCOMPARE(team.as(person->key(), "GET", QStringLiteral("/v0/jobs")).status, 429);
    QCOMPARE(team.as(person->bearer(), "GET", QStringLiteral("/v0/jobs")).status, 429);
    const auto rpc = team.as(person->key(), "POST", QStringLiteral("/api/compute/jobs/list"), {});
    problem = rpcProblem(rpc, 429, QStringLiteral("RATE_LIMITED"));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(rpc.header("retry-after").toInt() > 0);
    // another person is not
    QCOMPARE(team.as(other->key(), "GET", QStringLiteral("/v0/jobs")).status, 200);
    QCOMPARE(team.as(other->bearer(), "GET", QStringLiteral("/v0/jobs")).status, 200);

    // Spend the owner's budget too (the admin key is theirs); the agent they registered still talks to
    // the agent plane, far beyond the owner's 20 a minute.
    int ownerAdmitted = 0;
    while (server.get(QStringLiteral("/v0/jobs")).status == 200 && ownerAdmitted < 3 * kPerMinute)
        ++ownerAdmitted;
    QCOMPARE(server.get(QStringLiteral("/v0/jobs")).status, 429);
    for (int i = 0; i < 2 * kPerMinute; ++i) {
        const auto hb = team.as(node, "POST", QStringLiteral("/api/compute/nodes/heartbeat"), {});
        QVERIFY2(hb.status == 200, hb.describe());
    }
}

void TestQuotas::planLimitsTheWorkspace()
{
    TestServer server({QStringLiteral("--plan-rate"), QStringLiteral("team=5/5")});
    QVERIFY2(server.start(), server.output().constData());
    TestTeam team(server);
    const QString ws = team.defaultWorkspace();
    const auto member = team.addPerson(ws, QStringLiteral("member"));
    QVERIFY(member);
    // the hobby plan is not limited: a burst passes
    const QList<QByteArray> burst(30, QByteArray());
    for (const auto &r : server.requestParallel("GET", QStringLiteral("/v0/jobs"), burst))
        QVERIFY2(r.status == 200, r.describe());

    // only an owner changes the plan
    const auto byMember = team.as(member->key(), "PATCH", QStringLiteral("/v0/workspaces/") + ws,
        {{QStringLiteral("plan"), QStringLiteral("team")}});
    QCOMPARE(byMember.status, 403);
    const auto patched = server.request("PATCH", QStringLiteral("/v0/workspaces/") + ws, R"({"plan":"team"})");
    QVERIFY2(patched.status == 200, patched.describe());
    QCOMPARE(patched.json.value("plan").toString(), QStringLiteral("team"));

    QElapsedTimer clock;
    clock.start();
    const auto replies = server.requestParallel("GET", QStringLiteral("/v0/jobs"), burst);
    int ok = 0;
    TestServer::Reply limited;
    for (const auto &r : replies) {
        if (r.status == 200)
            ++ok;
        else if (limited.status == 0)
            limited = r;
    }
    // 5 at once, then 5 a second (plus what the PATCH's bucket left)
    QVERIFY2(ok >= 1 && ok <= 5 + int(clock.elapsed() / 200) + 1,
        qPrintable(QStringLiteral("%1 admitted in %2 ms").arg(ok).arg(clock.elapsed())));
    const QString problem = problemOf(limited, 429);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(limited.header("retry-after").toInt() > 0);
    QVERIFY2(limited.json.value("message").toString().contains(QLatin1String("team")), limited.describe());
}

QTEST_GUILESS_MAIN(TestQuotas)
#include "tst_quotas.moc"

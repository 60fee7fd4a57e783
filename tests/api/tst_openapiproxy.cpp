// The document matches the server: representative requests go through Prism's validating proxy to a real
// server, and each answer must be the server's own (not Prism's 422/500 for a request or response that breaks
// docs/openapi.yaml), with no violation reported.
#include "PrismProxy.h"
#include "TestServer.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QtTest>

namespace {
struct Answer
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QJsonObject json;
    // Prism answers in the server's place with application/problem+json naming its own error types.
    bool fromPrism() const
    {
        return contentType.contains("problem+json") || body.contains("stoplight.io/prism/errors#");
    }
    QByteArray describe() const { return "HTTP " + QByteArray::number(status) + ": " + body.left(600); }
};
}

class TestOpenApiProxy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void jobs();
    void errors();
    void keysWorkspacesMembers();
    void auditAgentsIdentity();
    void rpcAndProbes();
    void noViolations();

private:
    Answer send(const QByteArray &method, const QString &path, const QJsonObject &body = {},
        const QByteArray &key = QByteArray("admin"), const QByteArray &rawBody = {});
    // The server's own answer with this status; QVERIFY-style message otherwise.
    QString wrong(const Answer &a, int status) const;

    TestServer m_server {{QStringLiteral("--with-agent"), QStringLiteral("--agent-slots"), QStringLiteral("1")}};
    PrismProxy m_proxy;
    QNetworkAccessManager m_nam;
    QString m_workspace;
    QString m_jobId;
};

Answer TestOpenApiProxy::send(const QByteArray &method, const QString &path, const QJsonObject &body,
    const QByteArray &key, const QByteArray &rawBody)
{
    QNetworkRequest req(QUrl(m_proxy.url().toString() + path, QUrl::TolerantMode));
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (key == "admin")
        req.setRawHeader("X-API-Key", m_server.adminKey().toUtf8());
    else if (!key.isEmpty())
        req.setRawHeader("X-API-Key", key);
    const QByteArray payload = !rawBody.isEmpty() ? rawBody
        : body.isEmpty()                          ? QByteArray()
                                                  : QJsonDocument(body).toJson(QJsonDocument::Compact);
    if (!payload.isEmpty())
        req.setRawHeader("Content-Type", "application/json");
    QNetworkReply *nr = method == "GET" ? m_nam.get(req) : m_nam.sendCustomRequest(req, method, payload);
    QEventLoop loop;
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    connect(nr, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!nr->isFinished())
        loop.exec();
    Answer a;
    a.status = nr->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.body = nr->readAll();
    a.contentType = nr->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    a.json = QJsonDocument::fromJson(a.body).object();
    nr->deleteLater();
    return a;
}

QString TestOpenApiProxy::wrong(const Answer &a, int status) const
{
    if (a.fromPrism())
        return QStringLiteral("Prism answered instead of the server (the document and the server disagree): ")
            + QString::fromUtf8(a.describe());
    if (a.status != status)
        return QStringLiteral("expected HTTP %1, got %2").arg(status).arg(QString::fromUtf8(a.describe()));
    return {};
}

#define EXPECT(answer, status)                                                                                         \
    do {                                                                                                               \
        const QString problem_ = wrong((answer), (status));                                                            \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                                            \
    } while (false)

void TestOpenApiProxy::initTestCase()
{
    QVERIFY2(m_server.start(), m_server.output().constData());
    QString error;
    QVERIFY2(m_proxy.start(m_server.url(), &error), qPrintable(error));
    m_workspace = m_server.get(QStringLiteral("/v0/workspaces"))
                      .json.value("workspaces")
                      .toArray()
                      .first()
                      .toObject()
                      .value("id")
                      .toString();
    QVERIFY(!m_workspace.isEmpty());
    // the local agent registers in a moment
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_server.get(QStringLiteral("/v0/agents")).json.value("agents").toArray().isEmpty(), 20000);
}

void TestOpenApiProxy::cleanupTestCase()
{
    m_proxy.stop();
}

void TestOpenApiProxy::jobs()
{
    // a label no agent carries keeps the job QUEUED, so cancel and retry have something to do
    const Answer submitted = send("POST", QStringLiteral("/v0/jobs"),
        {{"command", "echo through the proxy"}, {"timeoutSeconds", 30}, {"labels", QJsonObject {{"pool", "nowhere"}}},
            {"env", QJsonObject {{"GREETING", "hi"}}}, {"priority", 5}});
    EXPECT(submitted, 201);
    m_jobId = submitted.json.value("id").toString();
    QVERIFY(m_jobId.startsWith(QLatin1String("job_")));

    const Answer job = send("GET", QStringLiteral("/v0/jobs/") + m_jobId);
    EXPECT(job, 200);
    QCOMPARE(job.json.value("state").toString(), QStringLiteral("QUEUED"));

    const Answer listed = send("GET", QStringLiteral("/v0/jobs?state=QUEUED&label=pool:nowhere&limit=10"));
    EXPECT(listed, 200);
    QCOMPARE(listed.json.value("jobs").toArray().size(), 1);

    // idPrefix, where this server has it (asked directly first: a server without it refuses the parameter)
    const QString prefix = m_jobId.left(12);
    if (m_server.get(QStringLiteral("/v0/jobs?idPrefix=") + prefix).status == 200) {
        const Answer byPrefix = send("GET", QStringLiteral("/v0/jobs?idPrefix=") + prefix);
        EXPECT(byPrefix, 200);
        QVERIFY(!byPrefix.json.value("jobs").toArray().isEmpty());
    } else {
        qInfo("this server has no idPrefix filter yet; that request is left out");
    }

    EXPECT(send("GET", QStringLiteral("/v0/jobs/%1/logs?tail=10").arg(m_jobId)), 200);
    const Answer cancelled
        = send("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(m_jobId), {{"reason", "proxy test"}});
    EXPECT(cancelled, 200);
    QCOMPARE(cancelled.json.value("state").toString(), QStringLiteral("CANCELLED"));
    EXPECT(send("POST", QStringLiteral("/v0/jobs/%1:retry").arg(m_jobId)), 200);
    EXPECT(send("GET", QStringLiteral("/v0/jobs/%1/artifacts").arg(m_jobId)), 200);
}

void TestOpenApiProxy::errors()
{
    const Answer badKey = send("GET", QStringLiteral("/v0/jobs"), {}, "tnv_not_a_key_at_all");
    EXPECT(badKey, 401);
    QCOMPARE(badKey.json.value("code").toString(), QStringLiteral("unauthorized"));

    const Answer missing = send("GET", QStringLiteral("/v0/jobs/job_00000000000000000000000000"));
    EXPECT(missing, 404);
    QCOMPARE(missing.json.value("code").toString(), QStringLiteral("not_found"));

    // valid for the document, refused by the server's own rule (command or argv, not both)
    const Answer invalid
        = send("POST", QStringLiteral("/v0/jobs"), {{"command", "true"}, {"argv", QJsonArray {"true"}}});
    EXPECT(invalid, 422);
    QVERIFY(invalid.json.value("fields").toObject().contains("argv"));
}

void TestOpenApiProxy::keysWorkspacesMembers()
{
    const Answer created = send("POST", QStringLiteral("/v0/keys"), {{"name", "proxy"}, {"maxJobsPerHour", 10}});
    EXPECT(created, 201);
    const QString keyId = created.json.value("id").toString();
    // the owner sees every person's key of the workspace: the one just made, and the owner key itself
    const Answer keys = send("GET", QStringLiteral("/v0/keys"));
    EXPECT(keys, 200);
    QStringList ids;
    for (const QJsonValue &k : keys.json.value("keys").toArray())
        ids << k.toObject().value("id").toString();
    QVERIFY2(ids.contains(keyId) && ids.size() >= 2, keys.describe().constData());
    EXPECT(send("GET", QStringLiteral("/v0/keys?includeRevoked=true")), 200);
    EXPECT(send("DELETE", QStringLiteral("/v0/keys/") + keyId), 200);

    EXPECT(send("GET", QStringLiteral("/v0/workspaces")), 200);
    EXPECT(send("GET", QStringLiteral("/v0/workspaces/") + m_workspace), 200);
    EXPECT(send("PATCH", QStringLiteral("/v0/workspaces/") + m_workspace, {{"name", "proxied"}}), 200);
    EXPECT(send("POST", QStringLiteral("/v0/workspaces/%1/members").arg(m_workspace),
               {{"email", "proxy-invitee@example.com"}, {"role", "member"}}),
        201);
    const Answer members = send("GET", QStringLiteral("/v0/workspaces/%1/members").arg(m_workspace));
    EXPECT(members, 200);
    QCOMPARE(members.json.value("invitations").toArray().size(), 1);
    EXPECT(send("DELETE", QStringLiteral("/v0/workspaces/%1/members/proxy-invitee@example.com").arg(m_workspace)), 200);
}

void TestOpenApiProxy::auditAgentsIdentity()
{
    EXPECT(send("GET", QStringLiteral("/v0/workspaces/%1/audit?limit=5").arg(m_workspace)), 200);
    EXPECT(send("GET", QStringLiteral("/v0/workspaces/%1/audit/verify").arg(m_workspace)), 200);
    const Answer agents = send("GET", QStringLiteral("/v0/agents"));
    EXPECT(agents, 200);
    const QString agentId = agents.json.value("agents").toArray().first().toObject().value("id").toString();
    EXPECT(send("GET", QStringLiteral("/v0/agents/") + agentId), 200);
    const Answer me = send("GET", QStringLiteral("/v0/auth/me"));
    EXPECT(me, 200);
    QCOMPARE(me.json.value("kind").toString(), QStringLiteral("apiKey"));
}

void TestOpenApiProxy::rpcAndProbes()
{
    const Answer retrieved = send("POST", QStringLiteral("/api/compute/jobs/retrieve"), {{"jobId", m_jobId}});
    EXPECT(retrieved, 200);
    QCOMPARE(retrieved.json.value("status").toString(), QStringLiteral("SUCCESS"));
    const Answer listed = send("POST", QStringLiteral("/api/compute/jobs/list"), {{"limit", 2}});
    EXPECT(listed, 200);
    const Answer badId = send("POST", QStringLiteral("/api/compute/jobs/retry"), {{"jobId", "nope"}});
    EXPECT(badId, 422);
    QCOMPARE(badId.json.value("status").toString(), QStringLiteral("ERROR"));
    EXPECT(send("POST", QStringLiteral("/api/compute/nodes/list"), {{"x", 1}}), 200);
    EXPECT(send("POST", QStringLiteral("/api/compute/billing/plans/list")), 200);
    for (const QString &probe : {QStringLiteral("/health"), QStringLiteral("/version"),
             QStringLiteral("/v0/health/ready"), QStringLiteral("/metrics"), QStringLiteral("/v0/openapi.json")})
        EXPECT(send("GET", probe, {}, QByteArray()), 200);
}

void TestOpenApiProxy::noViolations()
{
    // Prism logs in order: once the last request's upstream answer is in its output, so is every report before it
    const QString last = QStringLiteral("/v0/jobs/job_lastrequestofthesuite");
    EXPECT(send("GET", last), 404);
    QTRY_VERIFY_WITH_TIMEOUT(m_proxy.output().contains("upstream call to " + last.toUtf8()), 10000);
    const QStringList v = m_proxy.violations();
    QVERIFY2(v.isEmpty(), qPrintable(QStringLiteral("prism reported:\n") + v.join('\n')));
}

QTEST_MAIN(TestOpenApiProxy)
#include "tst_openapiproxy.moc"

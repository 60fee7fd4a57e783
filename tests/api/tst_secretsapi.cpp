// Part 2 (secret vaults): the /v0/secret-vaults API against a real server — CRUD, values never answered,
// roles (a member gets 403, another workspace's vault is 404), version_conflict with currentVersion, bad
// names and oversized values, the audit log without values, and the key file's checks at start.
#include "TestServer.h"
#include "TestTeam.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <optional>

class TestSecretsApi : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void crudNeverAnswersValues();
    void versionConflicts();
    void badInput();
    void membersAndOtherWorkspaces();
    void jobSecretsAreCheckedAtSubmit();
    void auditHasNoValue();
    void keyFileAtStart();

private:
    TestServer::Reply call(
        const QByteArray &method, const QString &path, const QJsonObject &body = {}, TestServer::Headers headers = {});
    QString makeVault(const QString &name);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestTeam> m_team;
    std::optional<TestPerson> m_member, m_owner;
    QString m_b;
    const QByteArray m_value = "s3cr3t-Value-7f2a91";
};

TestServer::Reply TestSecretsApi::call(
    const QByteArray &method, const QString &path, const QJsonObject &body, TestServer::Headers headers)
{
    return m_server->request(
        method, path, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

QString TestSecretsApi::makeVault(const QString &name)
{
    const auto r = call("POST", "/v0/secret-vaults", {{"name", name}, {"description", "for tests"}});
    if (r.status != 201)
        qWarning() << r.describe();
    return r.json.value("id").toString();
}

void TestSecretsApi::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY(m_server->start());
    m_team = std::make_unique<TestTeam>(*m_server);
    const QString a = m_team->defaultWorkspace();
    m_member = m_team->addPerson(a, "member");
    m_owner = m_team->addPerson(a, "owner");
    QVERIFY(m_member && m_owner);
    m_b = m_team->createWorkspace(*m_owner, "other");
    QVERIFY(!m_b.isEmpty());
}

void TestSecretsApi::cleanupTestCase()
{
    m_team.reset();
    m_server.reset();
}

void TestSecretsApi::crudNeverAnswersValues()
{
    const QString id = makeVault("prod");
    QVERIFY(id.startsWith("vault_"));
    const auto dup = call("POST", "/v0/secret-vaults", {{"name", "prod"}});
    QCOMPARE(dup.status, 409);

    auto put
        = call("PUT", "/v0/secret-vaults/" + id + "/secrets/DB_PASSWORD", {{"value", QString::fromLatin1(m_value)}});
    QVERIFY2(put.status == 201, put.describe().constData());
    QCOMPARE(put.json.value("version").toInt(), 1);
    QVERIFY(!put.body.contains(m_value));
    put = call("PUT", "/v0/secret-vaults/" + id + "/secrets/DB_PASSWORD", {{"value", "rotated-value-2"}});
    QVERIFY2(put.status == 200, put.describe().constData());
    QCOMPARE(put.json.value("version").toInt(), 2);
    QVERIFY(!put.body.contains("rotated-value-2"));
    QCOMPARE(call("PUT", "/v0/secret-vaults/prod/secrets/API_TOKEN", {{"value", "token-value-xyz"}}).status, 201);

    const auto list = m_server->get("/v0/secret-vaults/" + id + "/secrets");
    QCOMPARE(list.status, 200);
    const QJsonArray secrets = list.json.value("secrets").toArray();
    QCOMPARE(secrets.size(), 2);
    QCOMPARE(secrets.at(0).toObject().value("name").toString(), QStringLiteral("API_TOKEN"));
    QCOMPARE(secrets.at(1).toObject().value("version").toInt(), 2);
    QVERIFY(secrets.at(1).toObject().contains("updatedAt") && secrets.at(1).toObject().contains("createdAt"));
    QVERIFY(!list.body.contains("rotated-value-2") && !list.body.contains("token-value-xyz"));

    const auto vault = m_server->get("/v0/secret-vaults/" + id);
    QCOMPARE(vault.status, 200);
    QCOMPARE(vault.json.value("name").toString(), QStringLiteral("prod"));
    QCOMPARE(vault.json.value("secretCount").toInt(), 2);
    QCOMPARE(vault.json.value("version").toInt(), 4); // created, and three secret changes
    QCOMPARE(m_server->get("/v0/secret-vaults").json.value("vaults").toArray().size(), 1);

    const auto patched = call("PATCH", "/v0/secret-vaults/" + id, {{"description", "production"}});
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json.value("version").toInt(), 5);
    QCOMPARE(patched.json.value("description").toString(), QStringLiteral("production"));

    QCOMPARE(call("DELETE", "/v0/secret-vaults/" + id + "/secrets/API_TOKEN").status, 200);
    QCOMPARE(call("DELETE", "/v0/secret-vaults/" + id + "/secrets/API_TOKEN").status, 404);
    QCOMPARE(m_server->get("/v0/secret-vaults/" + id + "/secrets").json.value("secrets").toArray().size(), 1);
    QCOMPARE(call("DELETE", "/v0/secret-vaults/" + id).status, 200);
    QCOMPARE(m_server->get("/v0/secret-vaults/" + id).status, 404);
    QCOMPARE(m_server->get("/v0/secret-vaults/" + id + "/secrets").status, 404);
}

void TestSecretsApi::versionConflicts()
{
    const QString id = makeVault("cc");
    const auto stale = call("PATCH", "/v0/secret-vaults/" + id, {{"description", "x"}, {"ifVersion", 7}});
    QVERIFY2(stale.status == 409, stale.describe().constData());
    QCOMPARE(stale.json.value("code").toString(), QStringLiteral("version_conflict"));
    QCOMPARE(stale.json.value("error").toString(), QStringLiteral("version_conflict"));
    QCOMPARE(stale.json.value("currentVersion").toInt(), 1);
    QCOMPARE(call("PATCH", "/v0/secret-vaults/" + id, {{"description", "x"}, {"ifVersion", 1}}).status, 200);
    // If-Match works too
    QCOMPARE(
        m_server->request("PATCH", "/v0/secret-vaults/" + id, R"({"description":"y"})", {{"If-Match", "\"1\""}}).status,
        409);
    QCOMPARE(
        m_server->request("PATCH", "/v0/secret-vaults/" + id, R"({"description":"y"})", {{"If-Match", "\"2\""}}).status,
        200);

    // a secret: ifVersion 0 creates only when absent
    const QString path = "/v0/secret-vaults/" + id + "/secrets/KEY";
    QCOMPARE(call("PUT", path, {{"value", "first-value"}, {"ifVersion", 0}}).status, 201);
    const auto again = call("PUT", path, {{"value", "second-value"}, {"ifVersion", 0}});
    QCOMPARE(again.status, 409);
    QCOMPARE(again.json.value("currentVersion").toInt(), 1);
    QVERIFY(!again.body.contains("second-value") && !again.body.contains("first-value"));
    QCOMPARE(call("PUT", path, {{"value", "second-value"}, {"ifVersion", 1}}).status, 200);
    const auto del = m_server->request("DELETE", path + "?ifVersion=1");
    QCOMPARE(del.status, 409);
    QCOMPARE(del.json.value("currentVersion").toInt(), 2);
    QCOMPARE(m_server->request("DELETE", path + "?ifVersion=2").status, 200);
    const auto vault = m_server->get("/v0/secret-vaults/" + id);
    const auto delVault = m_server->request("DELETE", "/v0/secret-vaults/" + id + "?ifVersion=1");
    QCOMPARE(delVault.status, 409);
    QCOMPARE(delVault.json.value("currentVersion").toInt(), vault.json.value("version").toInt());
    QCOMPARE(m_server->request("DELETE", "/v0/secret-vaults/" + id, {}, {{"If-Match", "abc"}}).status, 400);
}

void TestSecretsApi::badInput()
{
    const QString id = makeVault("bad");
    QCOMPARE(call("POST", "/v0/secret-vaults", {{"name", "has space"}}).status, 422);
    QCOMPARE(call("POST", "/v0/secret-vaults", {{"name", ""}}).status, 422);
    QCOMPARE(call("POST", "/v0/secret-vaults", {{"name", "ok"}, {"colour", "red"}}).status, 422);
    QCOMPARE(call("POST", "/v0/secret-vaults", {{"name", QString(65, QLatin1Char('a'))}}).status, 422);
    QCOMPARE(m_server->request("POST", "/v0/secret-vaults", "not json").status, 400);
    const QString base = "/v0/secret-vaults/" + id + "/secrets/";
    QCOMPARE(call("PUT", base + "1BAD", {{"value", "abc"}}).status, 422);
    QCOMPARE(call("PUT", base + "BAD-NAME", {{"value", "abc"}}).status, 422);
    QCOMPARE(call("PUT", base + "OK", {{"value", 5}}).status, 422);
    QCOMPARE(call("PUT", base + "OK", {{"value", ""}}).status, 422);
    QCOMPARE(call("PUT", base + "OK", {{"value", "abc"}, {"ifVersion", "one"}}).status, 400);
    QCOMPARE(call("PUT", base + "OK", {{"value", "abc"}, {"other", 1}}).status, 422);
    const auto big = call("PUT", base + "BIG", {{"value", QString(64 * 1024 + 1, QLatin1Char('x'))}});
    QCOMPARE(big.status, 422);
    QVERIFY(!big.body.contains("xxxxxxxx"));
    QCOMPARE(call("PUT", base + "BIG", {{"value", QString(64 * 1024, QLatin1Char('x'))}}).status, 201);
    QCOMPARE(call("PUT", "/v0/secret-vaults/nope/secrets/OK", {{"value", "abc"}}).status, 404);
    QCOMPARE(m_server->get("/v0/secret-vaults/vault_01jzzzzzzzzzzzzzzzzzzzzzzz").status, 404);
}

void TestSecretsApi::membersAndOtherWorkspaces()
{
    const QString id = makeVault("roles");
    QCOMPARE(call("PUT", "/v0/secret-vaults/" + id + "/secrets/X", {{"value", "roles-value"}}).status, 201);
    // a member: 403 on every route
    const auto m = m_member->key();
    QCOMPARE(m_team->as(m, "GET", "/v0/secret-vaults").status, 403);
    QCOMPARE(m_team->as(m, "POST", "/v0/secret-vaults", {{"name", "mine"}}).status, 403);
    QCOMPARE(m_team->as(m, "GET", "/v0/secret-vaults/" + id + "/secrets").status, 403);
    QCOMPARE(m_team->as(m, "PUT", "/v0/secret-vaults/" + id + "/secrets/X", {{"value", "member-value"}}).status, 403);
    QCOMPARE(m_team->as(m, "DELETE", "/v0/secret-vaults/" + id).status, 403);
    // the owner acting in workspace B does not see A's vault
    const auto other = m_owner->bearer(m_b);
    QCOMPARE(m_team->as(other, "GET", "/v0/secret-vaults/" + id).status, 404);
    QCOMPARE(m_team->as(other, "GET", "/v0/secret-vaults/roles").status, 404);
    QCOMPARE(m_team->as(other, "PUT", "/v0/secret-vaults/" + id + "/secrets/X", {{"value", "other"}}).status, 404);
    QCOMPARE(m_team->as(other, "DELETE", "/v0/secret-vaults/" + id).status, 404);
    QCOMPARE(m_team->as(other, "GET", "/v0/secret-vaults").json.value("vaults").toArray().size(), 0);
    // B may have its own vault of the same name
    const auto own = m_team->as(other, "POST", "/v0/secret-vaults", {{"name", "roles"}});
    QVERIFY2(own.status == 201, own.describe() + m_server->output().right(3000));
    // the owner in A (admin rights) may
    QCOMPARE(m_team->as(m_owner->key(), "GET", "/v0/secret-vaults/" + id + "/secrets").status, 200);
}

void TestSecretsApi::jobSecretsAreCheckedAtSubmit()
{
    const QString id = makeVault("jobs");
    QCOMPARE(call("PUT", "/v0/secret-vaults/" + id + "/secrets/TOKEN", {{"value", "job-token-value"}}).status, 201);
    // a member may submit a job naming it (the value stays hidden from them)
    const auto ok = m_team->as(m_member->key(), "POST", "/v0/jobs",
        {{"command", "true"}, {"secrets", QJsonArray {"jobs/TOKEN", "jobs/TOKEN=OTHER_NAME"}},
            {"labels", QJsonObject {{"zone", "nowhere"}}}});
    QVERIFY2(ok.status == 201, ok.describe().constData());
    const auto job = m_server->get("/v0/jobs/" + ok.json.value("id").toString());
    QCOMPARE(job.json.value("secrets").toArray(), (QJsonArray {"jobs/TOKEN", "jobs/TOKEN=OTHER_NAME"}));
    QVERIFY(!job.body.contains("job-token-value"));
    const auto missing = m_server->post("/v0/jobs", {{"command", "true"}, {"secrets", QJsonArray {"jobs/NOPE"}}});
    QCOMPARE(missing.status, 422);
    QVERIFY2(missing.body.contains("NOPE"), missing.body.constData());
    const auto noVault = m_server->post("/v0/jobs", {{"command", "true"}, {"secrets", QJsonArray {"novault/TOKEN"}}});
    QCOMPARE(noVault.status, 422);
    QVERIFY(noVault.body.contains("novault"));
    QCOMPARE(m_server->post("/v0/jobs", {{"command", "true"}, {"secrets", QJsonArray {"jobs/bad-name"}}}).status, 422);
    // another workspace's vault of that name does not count
    const auto fromB = m_team->as(
        m_owner->bearer(m_b), "POST", "/v0/jobs", {{"command", "true"}, {"secrets", QJsonArray {"jobs/TOKEN"}}});
    QCOMPARE(fromB.status, 422);
}

void TestSecretsApi::auditHasNoValue()
{
    const QString id = makeVault("audited");
    const QByteArray value = "audit-secret-Q9z";
    QCOMPARE(
        call("PUT", "/v0/secret-vaults/" + id + "/secrets/AUDITED", {{"value", QString::fromLatin1(value)}}).status,
        201);
    QCOMPARE(
        call("PUT", "/v0/secret-vaults/" + id + "/secrets/AUDITED", {{"value", "x"}, {"ifVersion", 9}}).status, 409);
    const QString ws = m_team->defaultWorkspace();
    const auto audit = m_server->get("/v0/workspaces/" + ws + "/audit?format=jsonl");
    QCOMPARE(audit.status, 200);
    QVERIFY2(audit.body.contains("secret.put"), audit.body.right(2000).constData());
    QVERIFY(audit.body.contains("secret_vault.create"));
    QVERIFY(audit.body.contains(id.toUtf8() + "/AUDITED"));
    QVERIFY(!audit.body.contains(value));
    QVERIFY(!audit.body.contains(m_value));
    QVERIFY(!m_server->output().contains(value));
}

void TestSecretsApi::keyFileAtStart()
{
    QVERIFY(QFile::exists(m_server->dataDir() + "/secrets.key"));
    QCOMPARE(QFile(m_server->dataDir() + "/secrets.key").size(), 32);
    QCOMPARE(QFile(m_server->dataDir() + "/secrets.key").permissions() & (QFile::ReadGroup | QFile::ReadOther),
        QFileDevice::Permissions());
    QTemporaryDir dir;
    const QString loose = dir.filePath("loose.key");
    QFile f(loose);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(32, 'k'));
    f.close();
    QVERIFY(QFile::setPermissions(loose, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
    TestServer worldReadable({"--secrets-key-file", loose});
    QVERIFY(!worldReadable.start());
    QVERIFY2(worldReadable.output().contains("accessible by group or others"), worldReadable.output().constData());

    const QString shortKey = dir.filePath("short.key");
    QFile s(shortKey);
    QVERIFY(s.open(QIODevice::WriteOnly));
    s.write(QByteArray(16, 'k'));
    s.close();
    QVERIFY(QFile::setPermissions(shortKey, QFile::ReadOwner | QFile::WriteOwner));
    TestServer wrongSize({"--secrets-key-file", shortKey});
    QVERIFY(!wrongSize.start());
    QVERIFY2(wrongSize.output().contains("holds 16 bytes"), wrongSize.output().constData());

    TestServer missing({"--secrets-key-file", dir.filePath("absent.key")});
    QVERIFY(!missing.start());
    QVERIFY2(missing.output().contains("cannot read the secrets key file"), missing.output().constData());

    QVERIFY(QFile::setPermissions(loose, QFile::ReadOwner | QFile::WriteOwner));
    TestServer good({"--secrets-key-file", loose});
    QVERIFY2(good.start(), good.output().constData());
    QVERIFY(!QFile::exists(good.dataDir() + "/secrets.key"));
}

QTEST_GUILESS_MAIN(TestSecretsApi)
#include "tst_secretsapi.moc"

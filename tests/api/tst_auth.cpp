// Sign-in and tokens over HTTP against a real server: registration policies, login, forged and expired
// access tokens, refresh rotation and reuse, logout, one-time codes and the failed-login throttle.
#include "ApiChecks.h"
#include "TestServer.h"
#include "TestTeam.h"

#include <QFile>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QtTest>

namespace {
using Headers = TestServer::Headers;

QByteArray b64(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray unb64(const QByteArray &segment)
{
    return QByteArray::fromBase64(segment, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject payloadOf(const QString &jwt)
{
    return QJsonDocument::fromJson(unb64(jwt.toLatin1().split('.').value(1))).object();
}

// header.payload signed with `key` by HMAC over `algorithm`.
QString signedToken(const QJsonObject &header, const QJsonObject &payload, const QByteArray &key,
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256)
{
    const QByteArray input = b64(compact(header)) + '.' + b64(compact(payload));
    return QString::fromLatin1(input + '.' + b64(QMessageAuthenticationCode::hash(input, key, algorithm)));
}

Headers bearer(const QString &token)
{
    return {{"Authorization", "Bearer " + token.toLatin1()}};
}

QString refreshOf(const TestServer::Reply &r)
{
    return r.json.value(QStringLiteral("refreshToken")).toString();
}

QString accessOf(const TestServer::Reply &r)
{
    return r.json.value(QStringLiteral("accessToken")).toString();
}
} // namespace

class TestAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void registerAnswersBothTokenSpellings();
    void registerRefusesDuplicatesAndBadFields_data();
    void registerRefusesDuplicatesAndBadFields();
    void registerNeedsAnInvitationByDefault();
    void openRegistrationGivesAPersonalWorkspace();

    void loginGivesAWorkingAccessToken();
    void wrongPasswordAndUnknownEmailLookAlike();
    void forgedTokensAreRefused_data();
    void forgedTokensAreRefused();

    void refreshRotatesThePair();
    void reusedRefreshTokenRevokesTheFamily();
    void logoutRevokesTheSessionAtOnce();

    void otpSignsIn();
    void otpGivesUpAfterFiveWrongCodes();
    void otpGuessesSentAtOnceCountToo();
    void otpForAnUnknownEmailLooksTheSame();

    void failedLoginsAreThrottled();
    // last: the token it checks was issued in initTestCase on a server with 10-second tokens
    void accessTokenExpires();

private:
    TestServer::Reply call(
        const Headers &who, const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        return m_team->as(who, method, path, body);
    }
    TestServer::Reply login(const QString &email, const QString &password)
    {
        return call({}, "POST", QStringLiteral("/v0/auth/login"),
            {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    }
    TestServer::Reply refresh(const QString &refreshToken)
    {
        return call({}, "POST", QStringLiteral("/v0/auth/refresh"), {{QStringLiteral("refreshToken"), refreshToken}});
    }
    int jobsStatus(const Headers &who) { return call(who, "GET", QStringLiteral("/v0/jobs")).status; }
    // The code the server logged for `email` after `from` in its output (empty until it appears).
    QString loggedCode(const QString &email, qsizetype from) const
    {
        const QRegularExpression re(QStringLiteral("OTP for %1: (\\d{6}) \\(no --smtp-url configured\\)")
                                        .arg(QRegularExpression::escape(email)));
        const auto m = re.match(QString::fromUtf8(m_server->output().mid(from)));
        return m.hasMatch() ? m.captured(1) : QString();
    }
    std::optional<TestPerson> person(const QString &role = QStringLiteral("member"))
    {
        return m_team->addPerson(m_workspace, role);
    }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestTeam> m_team;
    QString m_workspace;
    std::optional<TestPerson> m_alice;
    std::optional<TestPerson> m_bob;

    std::unique_ptr<TestServer> m_shortLived; // --access-token-ttl 10
    QString m_expiringToken;
};

void TestAuth::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().constData());
    m_team = std::make_unique<TestTeam>(*m_server);
    m_workspace = m_team->defaultWorkspace();
    QVERIFY(!m_workspace.isEmpty());
    m_alice = person();
    m_bob = person();
    QVERIFY(m_alice && m_bob);

    // The expiry case waits for a real token to run out: issued here, checked by the last test.
    m_shortLived
        = std::make_unique<TestServer>(QStringList {QStringLiteral("--access-token-ttl"), QStringLiteral("10")});
    QVERIFY2(m_shortLived->start(), m_shortLived->output().constData());
    TestTeam team(*m_shortLived);
    const auto carol = team.addPerson(team.defaultWorkspace(), QStringLiteral("member"));
    QVERIFY(carol);
    QCOMPARE(
        payloadOf(carol->accessToken).value("exp").toInteger() - payloadOf(carol->accessToken).value("iat").toInteger(),
        10);
    m_expiringToken = carol->accessToken;
    QCOMPARE(team.as(bearer(m_expiringToken), "GET", QStringLiteral("/v0/jobs")).status, 200);
}

void TestAuth::registerAnswersBothTokenSpellings()
{
    const QString email = QStringLiteral("Dana.Shape@Example.TEST");
    QCOMPARE(call(TestTeam::keyHeader(m_server->adminKey()), "POST",
                 QStringLiteral("/v0/workspaces/%1/members").arg(m_workspace),
                 {{QStringLiteral("email"), email}, {QStringLiteral("role"), QStringLiteral("member")}})
                 .status,
        201);
    const auto r = call({}, "POST", QStringLiteral("/v0/auth/register"),
        {{QStringLiteral("email"), email}, {QStringLiteral("name"), QStringLiteral("Dana")},
            {QStringLiteral("password"), QStringLiteral("long enough password")}});
    QVERIFY2(r.status == 201, r.describe());
    const QJsonObject user = r.json.value("user").toObject();
    QVERIFY(user.value("id").toString().startsWith(QLatin1String("usr_")));
    QCOMPARE(user.value("email").toString(), email.toLower());
    QCOMPARE(user.value("name").toString(), QStringLiteral("Dana"));
    QCOMPARE(user.value("isActive").toBool(), true);
    QVERIFY(!user.contains("password") && !user.contains("passwordHash"));
    QVERIFY(!r.body.contains("long enough password"));

    // seed 004 spells the tokens camelCase, seed 000 snake_case; both carry the same values
    const QString access = accessOf(r);
    const QString refreshToken = refreshOf(r);
    QCOMPARE(access.count(QLatin1Char('.')), 2);
    QVERIFY(!refreshToken.isEmpty());
    QCOMPARE(r.json.value("access_token").toString(), access);
    QCOMPARE(r.json.value("refresh_token").toString(), refreshToken);
    QCOMPARE(r.json.value("tokenType").toString(), QStringLiteral("bearer"));
    QCOMPARE(r.json.value("token_type").toString(), QStringLiteral("bearer"));
    QCOMPARE(r.json.value("expiresIn").toInt(), 900);
    const QJsonObject tokens = r.json.value("tokens").toObject();
    QCOMPARE(tokens.value("accessToken").toString(), access);
    QCOMPARE(tokens.value("refreshToken").toString(), refreshToken);
    QCOMPARE(tokens.value("access_token").toString(), access);
    QCOMPARE(tokens.value("refresh_token").toString(), refreshToken);

    const auto me = call(bearer(access), "GET", QStringLiteral("/v0/auth/me"));
    QVERIFY2(me.status == 200, me.describe());
    QCOMPARE(me.json.value("kind").toString(), QStringLiteral("session"));
    QCOMPARE(me.json.value("workspaceId").toString(), m_workspace);
    QCOMPARE(me.json.value("role").toString(), QStringLiteral("member"));
}

void TestAuth::registerRefusesDuplicatesAndBadFields_data()
{
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("password");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");
    // the duplicate differs only in case and spaces: emails are compared normalised
    QTest::newRow("duplicate email") << QStringLiteral("  ALICE@") << QStringLiteral("another password") << 409
                                     << QString();
    QTest::newRow("7-character password")
        << QStringLiteral("fresh-short@example.test") << QStringLiteral("1234567") << 422 << QStringLiteral("password");
    QTest::newRow("no password") << QStringLiteral("fresh-none@example.test") << QString() << 422
                                 << QStringLiteral("password");
    QTest::newRow("not an email") << QStringLiteral("not-an-email") << QStringLiteral("long enough password") << 422
                                  << QStringLiteral("email");
    QTest::newRow("two @") << QStringLiteral("a@b@example.test") << QStringLiteral("long enough password") << 422
                           << QStringLiteral("email");
}

void TestAuth::registerRefusesDuplicatesAndBadFields()
{
    QFETCH(QString, email);
    QFETCH(QString, password);
    QFETCH(int, status);
    QFETCH(QString, field);
    if (email.endsWith(QLatin1String("ALICE@")))
        email = QStringLiteral("  ") + m_alice->email.toUpper() + QStringLiteral(" ");
    QJsonObject body {{QStringLiteral("email"), email}, {QStringLiteral("name"), QStringLiteral("x")}};
    if (!password.isNull())
        body.insert(QStringLiteral("password"), password);
    const auto r = call({}, "POST", QStringLiteral("/v0/auth/register"), body);
    const QString problem = ApiChecks::errorProblem(r, status, field);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // alice's password is unchanged by the refused duplicate
    if (status == 409) {
        QCOMPARE(login(m_alice->email, m_alice->password).status, 200);
        QCOMPARE(login(m_alice->email, QStringLiteral("another password")).status, 401);
    }
}

void TestAuth::registerNeedsAnInvitationByDefault()
{
    const QString email = QStringLiteral("uninvited@example.test");
    const QString password = QStringLiteral("long enough password");
    const auto r = call({}, "POST", QStringLiteral("/v0/auth/register"),
        {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    const QString problem = ApiChecks::errorProblem(r, 403);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(r.json.value("message").toString().contains(QLatin1String("invitation")), r.describe());
    // nothing was created: the same credentials do not sign in
    QCOMPARE(login(email, password).status, 401);
}

void TestAuth::openRegistrationGivesAPersonalWorkspace()
{
    TestServer open({QStringLiteral("--registration"), QStringLiteral("open")});
    QVERIFY2(open.start(), open.output().constData());
    TestTeam team(open);
    const QString adminWorkspace = team.defaultWorkspace();
    const auto r = team.as({}, "POST", QStringLiteral("/v0/auth/register"),
        {{QStringLiteral("email"), QStringLiteral("walk-in@example.test")},
            {QStringLiteral("name"), QStringLiteral("Walk In")},
            {QStringLiteral("password"), QStringLiteral("long enough password")}});
    QVERIFY2(r.status == 201, r.describe());
    const Headers me = bearer(accessOf(r));
    const auto list = team.as(me, "GET", QStringLiteral("/v0/workspaces"));
    QVERIFY2(list.status == 200, list.describe());
    const QJsonArray workspaces = list.json.value("workspaces").toArray();
    QCOMPARE(workspaces.size(), 1);
    const QJsonObject own = workspaces.first().toObject();
    QCOMPARE(own.value("role").toString(), QStringLiteral("owner"));
    QVERIFY(own.value("id").toString() != adminWorkspace);
    // it is theirs alone: empty, usable, and the admin's workspace does not exist for them
    const auto jobs = team.as(me, "GET", QStringLiteral("/v0/jobs"));
    QVERIFY2(jobs.status == 200, jobs.describe());
    QCOMPARE(team.as(me, "GET", QStringLiteral("/v0/workspaces/%1").arg(adminWorkspace)).status, 404);
    QVERIFY(!open.submitJob({{QStringLiteral("command"), QStringLiteral("true")}}).isEmpty());
    QCOMPARE(team.as(me, "GET", QStringLiteral("/v0/jobs")).json.value("jobs").toArray().size(), 0);
}

void TestAuth::loginGivesAWorkingAccessToken()
{
    const auto r = login(QStringLiteral(" ") + m_alice->email.toUpper(), m_alice->password);
    QVERIFY2(r.status == 200, r.describe());
    QCOMPARE(r.json.value("user").toObject().value("id").toString(), m_alice->userId);
    QCOMPARE(r.json.value("access_token").toString(), accessOf(r));
    QVERIFY(refreshOf(r) != m_alice->refreshToken);
    const QJsonObject claims = payloadOf(accessOf(r));
    QCOMPARE(claims.value("sub").toString(), m_alice->userId);
    QCOMPARE(claims.value("exp").toInteger() - claims.value("iat").toInteger(), 900);

    QCOMPARE(jobsStatus(bearer(accessOf(r))), 200);
    QCOMPARE(jobsStatus({{"Authorization", "bearer " + accessOf(r).toLatin1()}}), 200);
    // TestServer::submitJob would add the admin key: the token alone submits here
    const auto submitted = call(
        bearer(accessOf(r)), "POST", QStringLiteral("/v0/jobs"), {{QStringLiteral("command"), QStringLiteral("true")}});
    QVERIFY2(submitted.status == 201, submitted.describe());
    const auto job
        = call(bearer(accessOf(r)), "GET", QStringLiteral("/v0/jobs/") + submitted.json.value("id").toString());
    QVERIFY2(job.status == 200, job.describe());
    QCOMPARE(job.json.value("submittedBy").toString(), QStringLiteral("user:") + m_alice->userId);
}

void TestAuth::wrongPasswordAndUnknownEmailLookAlike()
{
    const auto wrong = login(m_bob->email, QStringLiteral("not bob's password"));
    const auto unknown = login(QStringLiteral("nobody-here@example.test"), QStringLiteral("not bob's password"));
    for (const auto &r : {wrong, unknown}) {
        const QString problem = ApiChecks::errorProblem(r, 401);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(!r.json.contains("accessToken"));
    }
    QCOMPARE(wrong.json.value("message").toString(), QStringLiteral("invalid email or password"));
    QCOMPARE(unknown.body, wrong.body);
}

void TestAuth::forgedTokensAreRefused_data()
{
    QTest::addColumn<QByteArray>("authorization");
    const QString good = m_alice->accessToken;
    const QList<QByteArray> parts = good.toLatin1().split('.');
    QCOMPARE(parts.size(), 3);
    const QJsonObject claims = payloadOf(good);
    const QJsonObject hs256 {
        {QStringLiteral("alg"), QStringLiteral("HS256")}, {QStringLiteral("typ"), QStringLiteral("JWT")}};

    auto row = [](const char *name, const QByteArray &token) { QTest::newRow(name) << QByteArray("Bearer " + token); };
    const QByteArray none = b64(R"({"alg":"none","typ":"JWT"})");
    row("alg none, no signature", none + '.' + parts[1] + '.');
    row("alg none, the real signature", none + '.' + parts[1] + '.' + parts[2]);
    row("alg NONE", b64(R"({"alg":"NONE","typ":"JWT"})") + '.' + parts[1] + '.');
    row("HS512 with a guessed key",
        signedToken({{QStringLiteral("alg"), QStringLiteral("HS512")}, {QStringLiteral("typ"), QStringLiteral("JWT")}},
            claims, "secret", QCryptographicHash::Sha512)
            .toLatin1());
    row("HS256 with a guessed key", signedToken(hs256, claims, "secret").toLatin1());
    row("RS256 header, real signature", b64(R"({"alg":"RS256","typ":"JWT"})") + '.' + parts[1] + '.' + parts[2]);

    QByteArray sig = unb64(parts[2]);
    sig[5] = char(sig[5] ^ 0x01);
    row("flipped signature byte", parts[0] + '.' + parts[1] + '.' + b64(sig));
    row("signature cut short", parts[0] + '.' + parts[1] + '.' + parts[2].chopped(2));
    row("no signature", parts[0] + '.' + parts[1] + '.');

    QJsonObject asBob = claims;
    asBob.insert(QStringLiteral("sub"), m_bob->userId);
    row("payload names another user", parts[0] + '.' + b64(compact(asBob)) + '.' + parts[2]);
    QJsonObject longer = claims;
    longer.insert(QStringLiteral("exp"), claims.value("exp").toInteger() + 86400);
    row("payload with a later exp", parts[0] + '.' + b64(compact(longer)) + '.' + parts[2]);

    row("garbage", "garbage");
    row("three garbage segments", "a.b.c");
    row("empty bearer", "");
    row("refresh token as access token", m_alice->refreshToken.toLatin1());
    row("API key hash lookalike", "tnv_0000000000000000000000000000000000000000");
    QTest::newRow("Basic scheme") << QByteArray("Basic " + good.toLatin1());
}

void TestAuth::forgedTokensAreRefused()
{
    QFETCH(QByteArray, authorization);
    // the unforged token works: every refusal below is the forgery's
    QCOMPARE(jobsStatus(bearer(m_alice->accessToken)), 200);
    const auto r = call({{"Authorization", authorization}}, "GET", QStringLiteral("/v0/jobs"));
    const QString problem = ApiChecks::errorProblem(r, 401);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(r.header("www-authenticate"), QByteArray("Bearer"));
    QVERIFY(!r.json.contains("jobs"));
}

void TestAuth::refreshRotatesThePair()
{
    const auto first = login(m_alice->email, m_alice->password);
    QVERIFY2(first.status == 200, first.describe());
    const auto second = refresh(refreshOf(first));
    QVERIFY2(second.status == 200, second.describe());
    QVERIFY(!accessOf(second).isEmpty());
    QVERIFY(refreshOf(second) != refreshOf(first));
    QCOMPARE(second.json.value("refresh_token").toString(), refreshOf(second));
    QCOMPARE(second.json.value("expiresIn").toInt(), 900);
    QCOMPARE(payloadOf(accessOf(second)).value("sub").toString(), m_alice->userId);
    QCOMPARE(jobsStatus(bearer(accessOf(second))), 200);
    // the older access token stays good until it expires
    QCOMPARE(jobsStatus(bearer(accessOf(first))), 200);
    // seed 000 sends refresh_token
    const auto third
        = call({}, "POST", QStringLiteral("/v0/auth/refresh"), {{QStringLiteral("refresh_token"), refreshOf(second)}});
    QVERIFY2(third.status == 200, third.describe());
    QCOMPARE(jobsStatus(bearer(accessOf(third))), 200);
}

void TestAuth::reusedRefreshTokenRevokesTheFamily()
{
    const auto first = login(m_bob->email, m_bob->password);
    QVERIFY2(first.status == 200, first.describe());
    const auto other = login(m_bob->email, m_bob->password); // a second, unrelated session
    QVERIFY2(other.status == 200, other.describe());
    const auto second = refresh(refreshOf(first));
    QVERIFY2(second.status == 200, second.describe());
    QCOMPARE(jobsStatus(bearer(accessOf(second))), 200);

    // the rotated token comes back: it leaked, so the whole family goes
    const auto reused = refresh(refreshOf(first));
    const QString problem = ApiChecks::errorProblem(reused, 401);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(refresh(refreshOf(second)).status, 401);
    QCOMPARE(jobsStatus(bearer(accessOf(second))), 401);
    QCOMPARE(jobsStatus(bearer(accessOf(first))), 401);
    // another login's session is not that family
    QCOMPARE(jobsStatus(bearer(accessOf(other))), 200);
    const auto otherNext = refresh(refreshOf(other));
    QVERIFY2(otherNext.status == 200, otherNext.describe());
    // bob's API key is not a session either
    QCOMPARE(jobsStatus(m_bob->key()), 200);
}

void TestAuth::logoutRevokesTheSessionAtOnce()
{
    const auto session = login(m_alice->email, m_alice->password);
    QVERIFY2(session.status == 200, session.describe());
    const auto other = login(m_alice->email, m_alice->password);
    QVERIFY2(other.status == 200, other.describe());
    QCOMPARE(jobsStatus(bearer(accessOf(session))), 200);

    const auto out = call(bearer(accessOf(session)), "POST", QStringLiteral("/v0/auth/logout"));
    QVERIFY2(out.status == 200, out.describe());
    QVERIFY(!out.json.value("message").toString().isEmpty());
    QCOMPARE(jobsStatus(bearer(accessOf(session))), 401);
    QCOMPARE(call(bearer(accessOf(session)), "GET", QStringLiteral("/v0/auth/me")).status, 401);
    QCOMPARE(refresh(refreshOf(session)).status, 401);
    // the other session of the same person is untouched
    QCOMPARE(jobsStatus(bearer(accessOf(other))), 200);
    // logout without any credential is refused
    QCOMPARE(call({}, "POST", QStringLiteral("/v0/auth/logout")).status, 401);
}

void TestAuth::otpSignsIn()
{
    const auto dave = person();
    QVERIFY(dave);
    const qsizetype from = m_server->output().size();
    const auto sent
        = call({}, "POST", QStringLiteral("/api/auth/request-otp"), {{QStringLiteral("email"), dave->email}});
    QVERIFY2(sent.status == 200, sent.describe());
    QCOMPARE(sent.json.value("status").toString(), QStringLiteral("SUCCESS"));
    QString code;
    QTRY_VERIFY_WITH_TIMEOUT(!(code = loggedCode(dave->email, from)).isEmpty(), 10000);

    const auto verified = call({}, "POST", QStringLiteral("/api/auth/verify-otp"),
        {{QStringLiteral("email"), dave->email}, {QStringLiteral("code"), code}});
    QVERIFY2(verified.status == 200, verified.describe());
    QCOMPARE(verified.json.value("status").toString(), QStringLiteral("SUCCESS"));
    const QJsonObject payload = verified.json.value("payload").toObject();
    QCOMPARE(payload.value("user").toObject().value("id").toString(), dave->userId);
    const QString token = payload.value("access_token").toString();
    QCOMPARE(payload.value("accessToken").toString(), token);
    QCOMPARE(jobsStatus(bearer(token)), 200);
    // a code is used once
    const auto again = call({}, "POST", QStringLiteral("/api/auth/verify-otp"),
        {{QStringLiteral("email"), dave->email}, {QStringLiteral("code"), code}});
    QCOMPARE(again.status, 401);
    QCOMPARE(again.json.value("status").toString(), QStringLiteral("UNAUTHORIZED"));
}

void TestAuth::otpGivesUpAfterFiveWrongCodes()
{
    const auto erin = person();
    QVERIFY(erin);
    const qsizetype from = m_server->output().size();
    QCOMPARE(call({}, "POST", QStringLiteral("/api/auth/request-otp"), {{QStringLiteral("email"), erin->email}}).status,
        200);
    QString code;
    QTRY_VERIFY_WITH_TIMEOUT(!(code = loggedCode(erin->email, from)).isEmpty(), 10000);
    const QString wrong = QStringLiteral("%1").arg((code.toInt() + 1) % 1000000, 6, 10, QLatin1Char('0'));
    for (int i = 0; i < 5; ++i) {
        const auto r = call({}, "POST", QStringLiteral("/api/auth/verify-otp"),
            {{QStringLiteral("email"), erin->email}, {QStringLiteral("code"), wrong}});
        QVERIFY2(r.status == 401, r.describe());
        QCOMPARE(r.json.value("status").toString(), QStringLiteral("UNAUTHORIZED"));
    }
    const auto right = call({}, "POST", QStringLiteral("/api/auth/verify-otp"),
        {{QStringLiteral("email"), erin->email}, {QStringLiteral("code"), code}});
    QVERIFY2(right.status == 401, right.describe());
    QVERIFY(!right.body.contains("accessToken"));
}

void TestAuth::otpGuessesSentAtOnceCountToo()
{
    // Six wrong guesses in flight together must not each see "no tries yet": after them the code is gone.
    const auto frank = person();
    QVERIFY(frank);
    const qsizetype from = m_server->output().size();
    QCOMPARE(
        call({}, "POST", QStringLiteral("/api/auth/request-otp"), {{QStringLiteral("email"), frank->email}}).status,
        200);
    QString code;
    QTRY_VERIFY_WITH_TIMEOUT(!(code = loggedCode(frank->email, from)).isEmpty(), 10000);
    QList<QByteArray> guesses;
    for (int i = 1; i <= 6; ++i)
        guesses << compact({{QStringLiteral("email"), frank->email},
            {QStringLiteral("code"), QStringLiteral("%1").arg((code.toInt() + i) % 1000000, 6, 10, QLatin1Char('0'))}});
    for (const auto &r : m_server->requestParallel("POST", QStringLiteral("/api/auth/verify-otp"), guesses))
        QVERIFY2(r.status == 401, r.describe());
    const auto right = call({}, "POST", QStringLiteral("/api/auth/verify-otp"),
        {{QStringLiteral("email"), frank->email}, {QStringLiteral("code"), code}});
    QVERIFY2(right.status == 401, right.describe());
}

void TestAuth::otpForAnUnknownEmailLooksTheSame()
{
    const qsizetype from = m_server->output().size();
    const auto known
        = call({}, "POST", QStringLiteral("/api/auth/request-otp"), {{QStringLiteral("email"), m_bob->email}});
    const QString stranger = QStringLiteral("stranger@example.test");
    const auto unknown
        = call({}, "POST", QStringLiteral("/api/auth/request-otp"), {{QStringLiteral("email"), stranger}});
    QVERIFY2(known.status == 200, known.describe());
    QCOMPARE(unknown.status, known.status);
    QCOMPARE(unknown.json.value("status").toString(), QStringLiteral("SUCCESS"));
    QCOMPARE(unknown.body, known.body);
    QTRY_VERIFY_WITH_TIMEOUT(!loggedCode(m_bob->email, from).isEmpty(), 10000);
    QVERIFY(!m_server->output().mid(from).contains(stranger.toUtf8()));
}

void TestAuth::failedLoginsAreThrottled()
{
    // its own server: the lock would otherwise hold this address for 15 minutes for every other test
    TestServer server;
    QVERIFY2(server.start(), server.output().constData());
    TestTeam team(server);
    const QString ws = team.defaultWorkspace();
    const auto victim = team.addPerson(ws, QStringLiteral("member"));
    const auto neighbour = team.addPerson(ws, QStringLiteral("member"));
    QVERIFY(victim && neighbour);
    auto signIn = [&](const QString &email, const QString &password) {
        return team.as({}, "POST", QStringLiteral("/v0/auth/login"),
            {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    };
    for (int i = 0; i < 10; ++i) {
        const auto r = signIn(victim->email, QStringLiteral("guess %1").arg(i));
        QVERIFY2(r.status == 401, r.describe());
    }
    // the account is locked: even the right password waits
    const auto locked = signIn(victim->email, victim->password);
    QString problem = ApiChecks::errorProblem(locked, 429);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const int retryAfter = locked.header("retry-after").toInt();
    QVERIFY2(retryAfter > 0 && retryAfter <= 15 * 60, locked.describe());
    QVERIFY(!locked.json.contains("accessToken"));
    // another account from the same address is not locked by it
    QCOMPARE(signIn(neighbour->email, neighbour->password).status, 200);
    // the key the victim already holds still works (throttling sign-ins locks no one out of running work)
    QCOMPARE(team.as(victim->key(), "GET", QStringLiteral("/v0/jobs")).status, 200);

    // the address: 30 failures in all, whichever accounts they name, then everyone from it waits
    int failures = 10;
    TestServer::Reply r;
    while (failures < 40) {
        r = signIn(QStringLiteral("probe%1@example.test").arg(failures), QStringLiteral("guess"));
        if (r.status != 401)
            break;
        ++failures;
    }
    QCOMPARE(failures, 30);
    problem = ApiChecks::errorProblem(r, 429);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(r.header("retry-after").toInt() > 0);
    QCOMPARE(signIn(neighbour->email, neighbour->password).status, 429);
}

void TestAuth::accessTokenExpires()
{
    const Headers who = bearer(m_expiringToken);
    auto status = [&] { return m_shortLived->request("GET", QStringLiteral("/v0/jobs"), {}, who, false).status; };
    QTRY_COMPARE_WITH_TIMEOUT(status(), 401, 15000);
    const auto r = m_shortLived->request("GET", QStringLiteral("/v0/jobs"), {}, who, false);
    const QString problem = ApiChecks::errorProblem(r, 401);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(r.json.value("message").toString().contains(QLatin1String("expired")), r.describe());

    // A token with a past exp signed with the server's own key (so only exp is wrong) is refused too;
    // the same token with a future exp is accepted, which shows the crafting is right.
    QFile keyFile(m_server->dataDir() + QStringLiteral("/jwt.key"));
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    const QByteArray key = keyFile.readAll();
    const QJsonObject header {
        {QStringLiteral("alg"), QStringLiteral("HS256")}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
    QJsonObject claims = payloadOf(m_alice->accessToken);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    claims.insert(QStringLiteral("iat"), now - 1000);
    claims.insert(QStringLiteral("exp"), now + 600);
    QCOMPARE(jobsStatus(bearer(signedToken(header, claims, key))), 200);
    claims.insert(QStringLiteral("exp"), now - 1);
    QCOMPARE(jobsStatus(bearer(signedToken(header, claims, key))), 401);
}

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"

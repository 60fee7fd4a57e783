// The router in process: literal and {param} segments, "{id}:action" custom methods, 404 against 405
// (with the Allow list), HEAD served by GET routes, percent-encoded segments and over-long paths.
#include "Router.h"

#include <QElapsedTimer>
#include <QtTest>

class TestRouter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void match_data();
    void match();
    void wrongMethodListsAllowedMethods();
    void headIsServedByGet();
    void firstRegisteredRouteWins();
    void overlongPathsMatchNothingQuickly();

private:
    Router m_router;
};

namespace {
Handler named(const char *)
{
    return [](const ExchangePtr &) {};
}
}

void TestRouter::initTestCase()
{
    // The shape of the real table: actions before the plain {id} route.
    m_router.add("POST", QStringLiteral("/v0/jobs"), {}, named("submit"));
    m_router.add("GET", QStringLiteral("/v0/jobs"), {}, named("list"));
    m_router.add("POST", QStringLiteral("/v0/jobs/{id}:cancel"), {}, named("cancel"));
    m_router.add("POST", QStringLiteral("/v0/jobs/{id}:retry"), {}, named("retry"));
    m_router.add("GET", QStringLiteral("/v0/jobs/{id}"), {}, named("get"));
    m_router.add("GET", QStringLiteral("/v0/jobs/{id}/logs"), {}, named("logs"));
    m_router.add("DELETE", QStringLiteral("/v0/agents/{id}"), {}, named("remove"));
    m_router.add("GET", QStringLiteral("/v0/agents/{id}"), {}, named("agent"));
    m_router.add("GET", QStringLiteral("/health"), {Surface::Plain, false}, named("health"));
}

void TestRouter::match_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("outcome"); // Router::Outcome
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("id"); // the {id} parameter, decoded

    const int found = int(Router::Outcome::Found);
    const int notFound = int(Router::Outcome::NotFound);
    const int wrong = int(Router::Outcome::WrongMethod);
    const QString job = QStringLiteral("job_01hq3k5v7x9z1b3d5f7h9k1m3p");
    auto row = [](const char *name, const QByteArray &m, const QString &p, int o, const QString &pat = {},
                   const QString &id = {}) { QTest::newRow(name) << m << p << o << pat << id; };

    row("collection", "GET", QStringLiteral("/v0/jobs"), found, QStringLiteral("/v0/jobs"));
    row("collection post", "POST", QStringLiteral("/v0/jobs"), found, QStringLiteral("/v0/jobs"));
    row("trailing slash", "GET", QStringLiteral("/v0/jobs/"), found, QStringLiteral("/v0/jobs"));
    row("doubled slashes", "GET", QStringLiteral("//v0//jobs"), found, QStringLiteral("/v0/jobs"));
    row("item", "GET", QStringLiteral("/v0/jobs/") + job, found, QStringLiteral("/v0/jobs/{id}"), job);
    row("below an item", "GET", QStringLiteral("/v0/jobs/%1/logs").arg(job), found,
        QStringLiteral("/v0/jobs/{id}/logs"), job);
    row("cancel action", "POST", QStringLiteral("/v0/jobs/%1:cancel").arg(job), found,
        QStringLiteral("/v0/jobs/{id}:cancel"), job);
    row("retry action", "POST", QStringLiteral("/v0/jobs/%1:retry").arg(job), found,
        QStringLiteral("/v0/jobs/{id}:retry"), job);
    row("action with GET", "GET", QStringLiteral("/v0/jobs/%1:cancel").arg(job), wrong);
    row("unknown action", "POST", QStringLiteral("/v0/jobs/%1:explode").arg(job), notFound);
    row("action without id", "POST", QStringLiteral("/v0/jobs/:cancel"), notFound);
    row("colon in a plain id", "GET", QStringLiteral("/v0/jobs/a:b"), notFound);
    row("unknown path", "GET", QStringLiteral("/v0/nope"), notFound);
    row("root", "GET", QStringLiteral("/"), notFound);
    row("empty", "GET", QString(), notFound);
    row("too deep", "GET", QStringLiteral("/v0/jobs/%1/logs/more").arg(job), notFound);
    row("case matters", "GET", QStringLiteral("/V0/JOBS"), notFound);
    row("method case matters", "get", QStringLiteral("/v0/jobs"), wrong);
    row("unknown method", "BREW", QStringLiteral("/health"), wrong);
    // Segments are decoded after the split: %2F stays inside its segment.
    row("encoded id", "GET", QStringLiteral("/v0/jobs/job%5F1"), found, QStringLiteral("/v0/jobs/{id}"),
        QStringLiteral("job_1"));
    row("encoded slash", "GET", QStringLiteral("/v0/jobs/a%2Flogs"), found, QStringLiteral("/v0/jobs/{id}"),
        QStringLiteral("a/logs"));
    row("encoded dot segments", "GET", QStringLiteral("/v0/jobs/%2E%2E%2F%2E%2E"), found,
        QStringLiteral("/v0/jobs/{id}"), QStringLiteral("../.."));
    row("encoded colon", "POST", QStringLiteral("/v0/jobs/%1%3Acancel").arg(job), found,
        QStringLiteral("/v0/jobs/{id}:cancel"), job);
    row("encoded literal", "GET", QStringLiteral("/v0/%6Aobs"), found, QStringLiteral("/v0/jobs"));
    // an invalid escape decodes to U+FFFD, which no id contains
    row("broken escape", "GET", QStringLiteral("/v0/jobs/%zz"), found, QStringLiteral("/v0/jobs/{id}"),
        QString(QChar(0xFFFD)));
    row("utf-8 id", "GET", QStringLiteral("/v0/jobs/%C3%A9"), found, QStringLiteral("/v0/jobs/{id}"),
        QStringLiteral("\u00e9"));
    row("encoded nul", "GET", QStringLiteral("/v0/jobs/%00"), found, QStringLiteral("/v0/jobs/{id}"),
        QString(QChar(0)));
}

void TestRouter::match()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, outcome);
    QFETCH(QString, pattern);
    QFETCH(QString, id);
    const Router::Route *route = nullptr;
    QHash<QString, QString> params;
    QByteArray allowed;
    QCOMPARE(int(m_router.match(method, path, &route, params, allowed)), outcome);
    if (outcome != int(Router::Outcome::Found))
        return;
    QVERIFY(route);
    QCOMPARE(route->pattern, pattern);
    QCOMPARE(params.value(QStringLiteral("id")), id);
}

void TestRouter::wrongMethodListsAllowedMethods()
{
    const Router::Route *route = nullptr;
    QHash<QString, QString> params;
    QByteArray allowed;
    QCOMPARE(
        m_router.match("DELETE", QStringLiteral("/v0/jobs"), &route, params, allowed), Router::Outcome::WrongMethod);
    QCOMPARE(allowed, QByteArray("POST, GET"));
    allowed.clear();
    QCOMPARE(m_router.match("PUT", QStringLiteral("/v0/agents/node_x"), &route, params, allowed),
        Router::Outcome::WrongMethod);
    QCOMPARE(allowed, QByteArray("DELETE, GET"));
}

void TestRouter::headIsServedByGet()
{
    const Router::Route *route = nullptr;
    QHash<QString, QString> params;
    QByteArray allowed;
    QCOMPARE(m_router.match("HEAD", QStringLiteral("/health"), &route, params, allowed), Router::Outcome::Found);
    QCOMPARE(route->method, QByteArray("GET"));
    // HEAD is not a way into POST-only routes
    QCOMPARE(m_router.match("HEAD", QStringLiteral("/v0/jobs/job_x:cancel"), &route, params, allowed),
        Router::Outcome::WrongMethod);
}

void TestRouter::firstRegisteredRouteWins()
{
    Router r;
    r.add("GET", QStringLiteral("/v0/things/{id}"), {}, named("id"));
    r.add("GET", QStringLiteral("/v0/things/special"), {}, named("special"));
    const Router::Route *route = nullptr;
    QHash<QString, QString> params;
    QByteArray allowed;
    QCOMPARE(r.match("GET", QStringLiteral("/v0/things/special"), &route, params, allowed), Router::Outcome::Found);
    QCOMPARE(route->pattern, QStringLiteral("/v0/things/{id}"));
    QCOMPARE(params.value(QStringLiteral("id")), QStringLiteral("special"));
}

void TestRouter::overlongPathsMatchNothingQuickly()
{
    const Router::Route *route = nullptr;
    QHash<QString, QString> params;
    QByteArray allowed;
    // 60 KB in one segment, and 20,000 segments: no route, and no work per segment.
    const QString longId = QStringLiteral("/v0/jobs/") + QString(60000, QLatin1Char('a'));
    const QString manySegments = QStringLiteral("/v0") + QStringLiteral("/a").repeated(20000);
    const QString manyEscapes = QStringLiteral("/v0/jobs/") + QStringLiteral("%41").repeated(1300);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 100; ++i) {
        QCOMPARE(m_router.match("GET", longId, &route, params, allowed), Router::Outcome::NotFound);
        QCOMPARE(m_router.match("GET", manySegments, &route, params, allowed), Router::Outcome::NotFound);
    }
    QVERIFY2(t.elapsed() < 2000, qPrintable(QStringLiteral("%1 ms for 200 over-long paths").arg(t.elapsed())));
    // Just under the limit still matches.
    QCOMPARE(m_router.match("GET", manyEscapes, &route, params, allowed), Router::Outcome::Found);
    QCOMPARE(params.value(QStringLiteral("id")), QString(1300, QLatin1Char('A')));
    const QString deep = QStringLiteral("/v0") + QStringLiteral("/a").repeated(Router::kMaxSegments);
    QCOMPARE(m_router.match("GET", deep, &route, params, allowed), Router::Outcome::NotFound);
}

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"

// GET /v0/openapi.json serves docs/openapi.yaml (compiled in), and the document names every route the server
// registers, with its method: a route added without documentation fails here.
#include "HttpServer.h"
#include "OpenApiController.h"
#include "TestServer.h"

#include <QJsonDocument>
#include <QtTest>

namespace {
// Paths the document describes that the router never sees: the WebSocket upgrades are taken over by the
// WebSocket server before routing.
const QStringList kUpgradeOnly {QStringLiteral("GET /v0/agents/connect")};
}

class TestOpenApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void servedWithoutCredentials();
    void everyRouteIsDocumented();
    void everyDocumentedRouteExists();

private:
    static QJsonObject documentedPaths();
    // "METHOD /pattern" of every route an HttpServer registers (no services: only the table is read).
    static QStringList registeredRoutes();

    TestServer m_server;
};

void TestOpenApi::initTestCase()
{
    QVERIFY2(m_server.start(), m_server.output().constData());
}

void TestOpenApi::servedWithoutCredentials()
{
    const auto r = m_server.get(QStringLiteral("/v0/openapi.json"), false);
    QCOMPARE(r.status, 200);
    QVERIFY2(r.header("content-type").startsWith("application/json"), r.header("content-type").constData());
    QCOMPARE(r.header("x-compute-api-version"), QByteArray("v0"));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    QVERIFY(doc.isObject());
    const QJsonObject served = doc.object();
    QVERIFY2(served.value("openapi").toString().startsWith(QLatin1String("3.1.")),
        qPrintable(served.value("openapi").toString()));
    QCOMPARE(served.value("info").toObject().value("version").toString(), QStringLiteral("v0"));
    QVERIFY(served.value("paths").toObject().size() > 50);
    // exactly what the http library compiled in
    QCOMPARE(r.body, OpenApiController::document());
    // HEAD answers like GET, without the body
    const auto head = m_server.request("HEAD", QStringLiteral("/v0/openapi.json"), {}, {}, false);
    QCOMPARE(head.status, 200);
    QVERIFY(head.body.isEmpty());
}

QJsonObject TestOpenApi::documentedPaths()
{
    // the document compiled into the same http library as the routes (the server serves this one, see above)
    return QJsonDocument::fromJson(OpenApiController::document()).object().value("paths").toObject();
}

QStringList TestOpenApi::registeredRoutes()
{
    HttpServer server {Services {}};
    QStringList out;
    for (const Router::Route &r : server.router().routes())
        out << QString::fromLatin1(r.method) + QLatin1Char(' ') + r.pattern;
    return out;
}

void TestOpenApi::everyRouteIsDocumented()
{
    const QJsonObject paths = documentedPaths();
    const QStringList routes = registeredRoutes();
    QVERIFY(routes.size() > 50);
    QStringList missing;
    for (const QString &route : routes) {
        const QString method = route.section(QLatin1Char(' '), 0, 0).toLower();
        const QString pattern = route.section(QLatin1Char(' '), 1);
        if (!paths.value(pattern).toObject().contains(method))
            missing << route;
    }
    QVERIFY2(
        missing.isEmpty(), qPrintable(QStringLiteral("routes missing from docs/openapi.yaml: ") + missing.join(", ")));
}

void TestOpenApi::everyDocumentedRouteExists()
{
    static const QStringList kMethods {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
    const QStringList routes = registeredRoutes();
    const QJsonObject paths = documentedPaths();
    QStringList stale;
    for (auto it = paths.begin(); it != paths.end(); ++it) {
        const QJsonObject item = it.value().toObject();
        for (auto op = item.begin(); op != item.end(); ++op) {
            if (!kMethods.contains(op.key()))
                continue;
            const QString route = op.key().toUpper() + QLatin1Char(' ') + it.key();
            if (!routes.contains(route) && !kUpgradeOnly.contains(route))
                stale << route;
        }
    }
    QVERIFY2(stale.isEmpty(), qPrintable(QStringLiteral("documented but not routed: ") + stale.join(", ")));
}

QTEST_MAIN(TestOpenApi)
#include "tst_openapi.moc"

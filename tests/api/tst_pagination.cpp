// Cursor pagination of GET /v0/jobs: walking every page returns each job that existed when the walk began
// exactly once, newest first, even while other submits land between pages; filters paginate the same way.
#include "ApiChecks.h"
#include "TestServer.h"

#include <QSet>
#include <QtTest>

using namespace ApiChecks;

class TestPagination : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void idsSortByCreation();
    void walkWhileSubmitting();
    void filteredWalk_data();
    void filteredWalk();
    void filteredWalkWhileMatchingJobsArrive();
    void pageSizes_data();
    void pageSizes();

private:
    QString submit(const QJsonObject &labels);
    // Fails the test unless `walk` holds each of `expected` exactly once and is strictly newest first.
    static QString walkProblem(const Walk &walk, const QStringList &expected, bool othersAllowed);

    std::unique_ptr<TestServer> m_server;
    QStringList m_originals;           // the first 300 jobs, oldest first
    QStringList m_all;                 // every job, oldest first
    QSet<QString> m_cancelled;         // originals cancelled for the state filter
};

QString TestPagination::submit(const QJsonObject &labels)
{
    const QString id = m_server->submitJob({{"command", "true"}, {"labels", labels}});
    if (!id.isEmpty())
        m_all << id;
    return id;
}

void TestPagination::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().right(4000).constData());
    for (int i = 0; i < 300; ++i) {
        const QString id = submit({{"set", "original"}, {"parity", i % 2 ? "odd" : "even"}});
        QVERIFY2(!id.isEmpty(), qPrintable(QStringLiteral("submit %1 failed").arg(i)));
        m_originals << id;
    }
    // Cancel every third even job so that state and label filters select different subsets.
    for (int i = 0; i < 300; i += 6) {
        const TestServer::Reply r = m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(m_originals[i]));
        QVERIFY2(r.status == 200, r.describe().constData());
        m_cancelled.insert(m_originals[i]);
    }
}

QString TestPagination::walkProblem(const Walk &walk, const QStringList &expected, bool othersAllowed)
{
    if (!walk.problem.isEmpty())
        return walk.problem;
    QHash<QString, int> seen;
    for (int i = 0; i < walk.ids.size(); ++i) {
        if (++seen[walk.ids[i]] > 1)
            return QStringLiteral("%1 returned twice (position %2)").arg(walk.ids[i]).arg(i);
        if (i > 0 && !(walk.ids[i] < walk.ids[i - 1]))
            return QStringLiteral("not newest first at position %1: %2 after %3").arg(i).arg(walk.ids[i], walk.ids[i - 1]);
    }
    for (const QString &id : expected) {
        if (!seen.contains(id))
            return QStringLiteral("%1 missing from the walk (%2 ids in %3 pages)")
                .arg(id)
                .arg(walk.ids.size())
                .arg(walk.pageSizes.size());
    }
    if (!othersAllowed && walk.ids.size() != expected.size())
        return QStringLiteral("walk returned %1 ids, expected %2").arg(walk.ids.size()).arg(expected.size());
    return {};
}

void TestPagination::idsSortByCreation()
{
    // The newest-first checks below compare ids as strings: ULIDs must grow with creation order.
    for (int i = 1; i < m_originals.size(); ++i)
        QVERIFY2(m_originals[i - 1] < m_originals[i], qPrintable(m_originals[i - 1] + " !< " + m_originals[i]));
}

void TestPagination::walkWhileSubmitting()
{
    const QStringList existing = m_all;
    int added = 0;
    const Walk walk = walkJobs(*m_server, QStringLiteral("limit=25"), [&] {
        // A second stream of submits lands between every two pages, some matching every filter.
        for (int i = 0; i < 10; ++i) {
            if (!submit({{"set", "extra"}, {"parity", "even"}}).isEmpty())
                ++added;
        }
    });
    QCOMPARE(added, 10 * (int(walk.pageSizes.size()) - 1));
    const QString problem = walkProblem(walk, existing, /*othersAllowed=*/true);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // Each page but the last is full.
    for (int i = 0; i + 1 < walk.pageSizes.size(); ++i)
        QCOMPARE(walk.pageSizes[i], 25);
    QVERIFY(walk.pageSizes.size() >= 12);

    // Once the writes stop, a fresh walk sees everything exactly once.
    const Walk after = walkJobs(*m_server, QStringLiteral("limit=25"));
    const QString again = walkProblem(after, m_all, /*othersAllowed=*/false);
    QVERIFY2(again.isEmpty(), qPrintable(again));
}

void TestPagination::filteredWalk_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("parity");   // originals with this parity label; empty: any
    QTest::addColumn<QString>("state");    // QUEUED or CANCELLED; empty: any

    QTest::newRow("set") << "label=set:original" << "" << "";
    QTest::newRow("set+even") << "label=set:original&label=parity:even" << "even" << "";
    QTest::newRow("queued+set") << "state=QUEUED&label=set:original" << "" << "QUEUED";
    QTest::newRow("queued+set+even") << "state=QUEUED&label=set:original&label=parity:even" << "even" << "QUEUED";
    QTest::newRow("cancelled+even") << "state=CANCELLED&label=parity:even&label=set:original" << "even"
                                    << "CANCELLED";
    QTest::newRow("cancelled+odd") << "state=CANCELLED&label=set:original&label=parity:odd" << "odd" << "CANCELLED";
}

void TestPagination::filteredWalk()
{
    QFETCH(QString, query);
    QFETCH(QString, parity);
    QFETCH(QString, state);
    QStringList expected;
    for (int i = 0; i < m_originals.size(); ++i) {
        const bool cancelled = m_cancelled.contains(m_originals[i]);
        if (!parity.isEmpty() && parity != (i % 2 ? QLatin1String("odd") : QLatin1String("even")))
            continue;
        if (state == QLatin1String("QUEUED") && cancelled)
            continue;
        if (state == QLatin1String("CANCELLED") && !cancelled)
            continue;
        expected << m_originals[i];
    }
    for (int limit : {7, 50, 1000}) {
        const Walk walk = walkJobs(*m_server, query + QStringLiteral("&limit=%1").arg(limit));
        const QString problem = walkProblem(walk, expected, /*othersAllowed=*/false);
        QVERIFY2(problem.isEmpty(), qPrintable(QStringLiteral("limit %1: %2").arg(limit).arg(problem)));
        for (int i = 0; i + 1 < walk.pageSizes.size(); ++i)
            QCOMPARE(walk.pageSizes[i], limit);
    }
}

void TestPagination::filteredWalkWhileMatchingJobsArrive()
{
    QStringList expected;
    for (int i = 0; i < m_originals.size(); i += 2) {
        if (!m_cancelled.contains(m_originals[i]))
            expected << m_originals[i];
    }
    const Walk walk = walkJobs(*m_server, QStringLiteral("state=QUEUED&label=set:original&label=parity:even&limit=9"),
                               [&] {
                                   for (int i = 0; i < 10; ++i)
                                       submit({{"set", "original"}, {"parity", "even"}, {"late", "yes"}});
                               });
    const QString problem = walkProblem(walk, expected, /*othersAllowed=*/true);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // Whatever else appeared must match the filter: the late jobs, nothing odd or cancelled.
    const QSet<QString> wanted(expected.begin(), expected.end());
    for (const QString &id : walk.ids) {
        if (wanted.contains(id))
            continue;
        QVERIFY2(!m_originals.contains(id), qPrintable(id + QStringLiteral(" does not match the filter")));
        const TestServer::Reply job = m_server->get(QStringLiteral("/v0/jobs/") + id);
        QCOMPARE(job.json.value("labels").toObject().value("late").toString(), QStringLiteral("yes"));
    }
}

void TestPagination::pageSizes_data()
{
    QTest::addColumn<int>("limit");
    QTest::newRow("1") << 1;
    QTest::newRow("25") << 25;
    QTest::newRow("299") << 299;
    QTest::newRow("1000") << 1000;
}

void TestPagination::pageSizes()
{
    QFETCH(int, limit);
    const Walk walk = walkJobs(*m_server, QStringLiteral("label=set:original&limit=%1").arg(limit));
    QVERIFY2(walk.problem.isEmpty(), qPrintable(walk.problem));
    QVERIFY(walk.ids.size() >= m_originals.size());
    const int full = int(walk.ids.size()) / limit;
    for (int i = 0; i < full; ++i)
        QCOMPARE(walk.pageSizes.value(i), limit);
    // At most one trailing empty page (when the total is a multiple of the limit).
    QVERIFY(walk.pageSizes.size() <= full + 1);
    QCOMPARE(walk.pageSizes.size() == full + 1 ? walk.pageSizes.last() : 0, int(walk.ids.size()) % limit);
}

QTEST_GUILESS_MAIN(TestPagination)
#include "tst_pagination.moc"

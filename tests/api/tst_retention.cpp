// Retention: the events table does not grow forever. Events older than --event-retention-days are
// deleted in slices soon after start (and hourly), newer ones stay and /v0/events still serves them.
#include "TestServer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QUrl>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

namespace {
constexpr qint64 kDay = 86400LL * 1000;

// Runs one statement on the server's database (WAL: alongside the running server) and returns the
// first column of the first row, or -1.
qint64 sql(const QString &dbPath, const QString &statement)
{
    qint64 out = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("test"));
        db.setDatabaseName(dbPath);
        if (db.open()) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("PRAGMA busy_timeout=5000"));
            if (q.exec(statement))
                out = q.next() ? q.value(0).toLongLong() : q.numRowsAffected();
            else
                qWarning() << q.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("test"));
    return out;
}
}

class TestRetention : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oldEventsAreDeletedNewOnesStay();
    void oldArtifactsGoWithTheirJobs(); // artifacts (Part 1)
};

void TestRetention::oldEventsAreDeletedNewOnesStay()
{
    TestServer server({QStringLiteral("--event-retention-days"), QStringLiteral("30")});
    QVERIFY(server.start());
    const QJsonObject job {
        {QStringLiteral("type"), QStringLiteral("COMMAND")}, {QStringLiteral("command"), QStringLiteral("true")}};
    QVERIFY(!server.submitJob(job).isEmpty());
    QVERIFY(server.terminate());

    // 12,000 events from 40 days ago, older (lower seq) than everything the server wrote
    const QString db = server.dataDir() + QStringLiteral("/tanvrit.db");
    QVERIFY(sql(db, QStringLiteral("UPDATE events SET seq = seq + 20000")) >= 0);
    const qint64 old = QDateTime::currentMSecsSinceEpoch() - 40 * kDay;
    QVERIFY(sql(db,
                QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) "
                               "INSERT INTO events(seq, workspace_id, type, at, doc) "
                               "SELECT i, 'ws', 'job.created', %1 + i, '{}' FROM n")
                    .arg(old))
        == 12000);

    QVERIFY(server.restart());
    const QString id = server.submitJob(job);
    QVERIFY(!id.isEmpty());
    const QString cutoff = QString::number(QDateTime::currentMSecsSinceEpoch() - 30 * kDay);
    QTRY_COMPARE_WITH_TIMEOUT(
        sql(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE at < ") + cutoff), qint64(0), 30000);
    // the recent events are all still there, the new job's among them
    QVERIFY(sql(db, QStringLiteral("SELECT COUNT(*) FROM events")) >= 2);
    QCOMPARE(sql(db, QStringLiteral("SELECT COUNT(*) FROM events WHERE doc LIKE '%") + id + QStringLiteral("%'")),
        qint64(1));
    // the line is printed once the last slice's commit is reported back, a moment after the rows are gone
    QTRY_VERIFY2_WITH_TIMEOUT(server.output().contains("event retention removed 12000 events"),
        server.output().right(2000).constData(), 10000);
    QVERIFY(server.terminate());
}

// Artifacts (Part 1): a finished job's artifacts older than --log-retention-days are removed (files and
// rows) soon after start; a newer job's stay.
void TestRetention::oldArtifactsGoWithTheirJobs()
{
    TestServer server({QStringLiteral("--log-retention-days"), QStringLiteral("30")});
    QVERIFY(server.start());
    QStringList jobs;
    for (int i = 0; i < 2; ++i) {
        const QString id = server.submitJob({{QStringLiteral("command"), QStringLiteral("true")}});
        QVERIFY(!id.isEmpty());
        QCOMPARE(server.post(QStringLiteral("/v0/jobs/%1:cancel").arg(id), {}).status, 200);
        const QByteArray data = "kept for a while " + id.toUtf8();
        const auto p = server.post(QStringLiteral("/api/compute/jobs/artifacts/presign-upload"),
            {{"jobId", id}, {"name", "out.txt"}, {"size", data.size()},
                {"sha256", QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex())}});
        QCOMPARE(p.status, 200);
        const QUrl url(p.json.value("payload").toObject().value("url").toString());
        const auto put = server.request("PUT", url.path() + QLatin1Char('?') + url.query(), data,
            {{"Content-Type", "application/octet-stream"}}, false);
        QCOMPARE(put.status, 200);
        jobs << id;
    }
    QVERIFY(server.terminate());
    const QString db = server.dataDir() + QStringLiteral("/tanvrit.db");
    const qint64 old = QDateTime::currentMSecsSinceEpoch() - 40 * kDay;
    QCOMPARE(sql(db, QStringLiteral("UPDATE artifacts SET created_at = %1 WHERE job_id = '%2'").arg(old).arg(jobs[0])),
        qint64(1));
    QVERIFY(server.restart());
    const QString oldDir = server.dataDir() + QStringLiteral("/artifacts/") + jobs[0];
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(oldDir), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(
        server.get(QStringLiteral("/v0/jobs/%1/artifacts").arg(jobs[0])).json.value("artifacts").toArray().size(), 0,
        5000);
    QCOMPARE(server.get(QStringLiteral("/v0/jobs/%1/artifacts").arg(jobs[1])).json.value("artifacts").toArray().size(), 1);
    QVERIFY(QFileInfo::exists(server.dataDir() + QStringLiteral("/artifacts/") + jobs[1]));
    QVERIFY(server.terminate());
}

QTEST_GUILESS_MAIN(TestRetention)
#include "tst_retention.moc"

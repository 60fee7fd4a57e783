// Upgrades and backups: today's server migrates the data directory an older version wrote (a committed fixture,
// tests/fixtures/store-v5) and keeps its jobs, logs and keys; it refuses a database a newer version wrote;
// `admin backup` of a server under load restores, with `admin restore`, to a server that has every job
// acknowledged before the backup began.
#include "TestServer.h"

#include <QDirIterator>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

namespace {
const QString kFixture = QStringLiteral(TANVRIT_SOURCE_DIR "/tests/fixtures/store-v5");

bool copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString target = to + path.mid(from.size());
        if (it.fileInfo().isDir()) {
            if (!QDir().mkpath(target))
                return false;
        } else if (!QFile::copy(path, target)) {
            return false;
        }
    }
    return true;
}

int schemaOf(const QString &dbPath, bool bumpTo9999 = false)
{
    int version = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(dbPath);
        if (db.open()) {
            QSqlQuery q(db);
            if (bumpTo9999)
                q.exec(QStringLiteral("INSERT INTO schema_migrations(version, applied_at) VALUES (9999, 0)"));
            if (q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next())
                version = q.value(0).toInt();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    return version;
}

int migrationCount()
{
    return int(QDir(QStringLiteral(TANVRIT_SOURCE_DIR "/resources/migrations"))
                   .entryList({QStringLiteral("*.sql")}, QDir::Files)
                   .size());
}

struct Admin
{
    int exitCode = -1;
    QByteArray output;
};

Admin admin(const QString &binary, const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(binary, QStringList {QStringLiteral("admin")} + args);
    if (!p.waitForFinished(120000))
        p.kill();
    p.waitForFinished();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAll()};
}
}

class TestUpgrade : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void migratesAnOlderDataDirectory();
    void refusesANewerDatabase();
    void backupUnderLoadRestoresEveryAcknowledgedJob();
};

void TestUpgrade::migratesAnOlderDataDirectory()
{
    TestServer server({QStringLiteral("--with-agent"), QStringLiteral("--agent-slots"), QStringLiteral("1")});
    QVERIFY(copyTree(kFixture, server.dataDir()));
    QCOMPARE(schemaOf(server.dataDir() + QStringLiteral("/tanvrit.db")), 5);
    QVERIFY2(server.start(), server.output().constData());

    // the fixture's admin.key still signs in, and its six jobs are there as they ended
    const TestServer::Reply list = server.get(QStringLiteral("/v0/jobs?limit=100"));
    QCOMPARE(list.status, 200);
    const QJsonArray jobs = list.json.value(QStringLiteral("jobs")).toArray();
    QCOMPARE(jobs.size(), 6);
    int succeeded = 0;
    QString failed;
    for (const QJsonValue &j : jobs) {
        const QString state = j.toObject().value(QStringLiteral("state")).toString();
        succeeded += state == QLatin1String("SUCCEEDED");
        if (state == QLatin1String("FAILED"))
            failed = j.toObject().value(QStringLiteral("id")).toString();
    }
    QCOMPARE(succeeded, 5);
    QVERIFY(!failed.isEmpty());
    const TestServer::Reply logs = server.get(QStringLiteral("/v0/jobs/%1/logs").arg(failed));
    QCOMPARE(logs.status, 200);
    QVERIFY2(logs.body.contains("failing"), logs.body.constData());
    const TestServer::Reply keys = server.get(QStringLiteral("/v0/keys"));
    QVERIFY2(keys.body.contains("fixture-key"), keys.body.constData());

    // and it works on: a new job runs
    const QString id = server.submitJob({{QStringLiteral("type"), QStringLiteral("COMMAND")},
        {QStringLiteral("command"), QStringLiteral("echo after the upgrade")}});
    QVERIFY(!id.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(
        server.get(QStringLiteral("/v0/jobs/") + id).json.value(QStringLiteral("state")).toString(),
        QStringLiteral("SUCCEEDED"), 20000);
    QVERIFY(server.terminate());
    QCOMPARE(schemaOf(server.dataDir() + QStringLiteral("/tanvrit.db")), migrationCount());
}

void TestUpgrade::refusesANewerDatabase()
{
    TestServer server;
    QVERIFY(copyTree(kFixture, server.dataDir()));
    QCOMPARE(schemaOf(server.dataDir() + QStringLiteral("/tanvrit.db"), true), 9999);
    QVERIFY(!server.start());
    QVERIFY2(server.output().contains("written by a newer version"), server.output().constData());
    QCOMPARE(server.exitCode(), 1);
    // untouched: nothing was migrated or added
    QCOMPARE(schemaOf(server.dataDir() + QStringLiteral("/tanvrit.db")), 9999);
}

void TestUpgrade::backupUnderLoadRestoresEveryAcknowledgedJob()
{
    TestServer source({QStringLiteral("--with-agent"), QStringLiteral("--agent-slots"), QStringLiteral("2")});
    QVERIFY(source.start());
    const auto submitBatch = [&source](int n) {
        QList<QByteArray> bodies;
        for (int i = 0; i < n; ++i)
            bodies << R"({"type":"COMMAND","command":"echo backed up"})";
        QStringList ids;
        for (const TestServer::Reply &r : source.requestParallel("POST", QStringLiteral("/v0/jobs"), bodies))
            if (r.status == 201)
                ids << r.json.value(QStringLiteral("id")).toString();
        return ids;
    };
    QStringList before;
    for (int round = 0; round < 5; ++round)
        before += submitBatch(40);
    QCOMPARE(before.size(), 200);
    QTRY_COMPARE_WITH_TIMEOUT(
        source.get(QStringLiteral("/v0/jobs/") + before.first()).json.value(QStringLiteral("state")).toString(),
        QStringLiteral("SUCCEEDED"), 30000);

    // the backup runs while submits keep coming
    const QString file = QDir(source.dataDir())
                             .filePath(QStringLiteral("../backup-%1.tar.gz").arg(QCoreApplication::applicationPid()));
    QProcess backup;
    backup.setProcessChannelMode(QProcess::MergedChannels);
    backup.start(source.binary(),
        {QStringLiteral("admin"), QStringLiteral("backup"), file, QStringLiteral("--data-dir"), source.dataDir(),
            QStringLiteral("--with-logs")});
    QVERIFY(backup.waitForStarted());
    int during = 0;
    while (backup.state() != QProcess::NotRunning) {
        during += int(submitBatch(20).size());
        backup.waitForFinished(10);
    }
    const QByteArray said = backup.readAll();
    QVERIFY2(backup.exitCode() == 0, said.constData());
    QVERIFY(during > 0);
    QVERIFY2(said.contains("backup ") && said.contains("with logs"), said.constData());

    // restore refuses a directory a running control plane uses
    const Admin busy = admin(source.binary(),
        {QStringLiteral("restore"), file, QStringLiteral("--data-dir"), source.dataDir(), QStringLiteral("--force")});
    QCOMPARE(busy.exitCode, 69);
    QVERIFY2(busy.output.contains("stop it first"), busy.output.constData());

    TestServer restored;
    const Admin done
        = admin(source.binary(), {QStringLiteral("restore"), file, QStringLiteral("--data-dir"), restored.dataDir()});
    QVERIFY2(done.exitCode == 0, done.output.constData());
    // a second restore over it needs --force
    const Admin again
        = admin(source.binary(), {QStringLiteral("restore"), file, QStringLiteral("--data-dir"), restored.dataDir()});
    QCOMPARE(again.exitCode, 69);
    QVERIFY(source.terminate());
    QFile::remove(file);

    QVERIFY2(restored.start(), restored.output().constData());
    for (const QString &id : std::as_const(before)) {
        const TestServer::Reply r = restored.get(QStringLiteral("/v0/jobs/") + id);
        QVERIFY2(r.status == 200, qPrintable(id + QStringLiteral(": ") + QString::fromUtf8(r.describe())));
    }
    // the finished job's output came along (--with-logs)
    const TestServer::Reply logs = restored.get(QStringLiteral("/v0/jobs/%1/logs").arg(before.first()));
    QVERIFY2(logs.body.contains("backed up"), logs.body.constData());
}

QTEST_GUILESS_MAIN(TestUpgrade)
#include "tst_upgrade.moc"

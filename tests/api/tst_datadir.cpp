// The data directory is private: the directory 0700, and the database, its WAL, the logs and admin.key
// created readable by the server's user only (umask at start, not a chmod afterwards), also when the
// directory was made by an older version with looser modes.
#include "TestServer.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QtTest>

#include <sys/stat.h>

namespace {
mode_t modeOf(const QString &path)
{
    struct stat st
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777) : mode_t(07777);
}
}

class TestDataDir : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everythingIsPrivate();
};

void TestDataDir::everythingIsPrivate()
{
    TestServer server({QStringLiteral("--with-agent"), QStringLiteral("--agent-slots"), QStringLiteral("1")});
    // as an older version left it
    QVERIFY(::chmod(QFile::encodeName(server.dataDir()).constData(), 0755) == 0);
    QVERIFY(server.start());
    const QString id = server.submitJob({{QStringLiteral("type"), QStringLiteral("COMMAND")},
        {QStringLiteral("command"), QStringLiteral("echo private")}, {QStringLiteral("timeoutSeconds"), 30}});
    QVERIFY(!id.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(
        server.get(QStringLiteral("/v0/jobs/") + id).json.value(QStringLiteral("state")).toString(),
        QStringLiteral("SUCCEEDED"), 20000);

    QCOMPARE(modeOf(server.dataDir()), mode_t(0700));
    int files = 0;
    QDirIterator it(
        server.dataDir(), QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const mode_t m = modeOf(path);
        // nothing the server or its agent created is readable, writable or searchable by group or others,
        // except where the agent hands a directory to a job user on purpose (the jobs' working dirs)
        if (path.contains(QLatin1String("/jobs")))
            continue;
        QVERIFY2((m & 077) == 0, qPrintable(QStringLiteral("%1 has mode %2").arg(path).arg(m, 4, 8, QLatin1Char('0'))));
        ++files;
    }
    QVERIFY(files >= 4); // tanvrit.db, admin.key, the job's log segment, agent.json at least
    QVERIFY(QFileInfo::exists(server.dataDir() + QStringLiteral("/admin.key")));
    QVERIFY(server.terminate());
}

QTEST_GUILESS_MAIN(TestDataDir)
#include "tst_datadir.moc"

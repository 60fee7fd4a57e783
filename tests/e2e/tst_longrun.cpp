// The one-machine deployment (`serve --with-agent`) under the default descriptor limit of a login shell
// (ulimit -n 1024, soft and hard): thousands of jobs all succeed and the server's descriptors do not grow
// with the number of finished jobs (each finished job once kept its log segment open).
#include "E2eSupport.h"

#include <QDir>
#include <QtTest>

#include <sys/resource.h>

namespace {
constexpr int kJobs = 3000;
constexpr int kBatch = 150;

int openDescriptors(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size());
}

qint64 succeededCount(TestServer &server)
{
    const TestServer::Reply r = server.get(QStringLiteral("/metrics"), false);
    for (const QByteArray &line : r.body.split('\n'))
        if (line.startsWith("tanvrit_jobs{state=\"SUCCEEDED\"}"))
            return line.mid(line.lastIndexOf(' ') + 1).toLongLong();
    return -1;
}

qint64 terminalCount(TestServer &server)
{
    const TestServer::Reply r = server.get(QStringLiteral("/metrics"), false);
    qint64 n = 0;
    for (const QByteArray &line : r.body.split('\n'))
        for (const char *st : {"SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED"})
            if (line.startsWith(QByteArray("tanvrit_jobs{state=\"") + st + "\"}"))
                n += line.mid(line.lastIndexOf(' ') + 1).toLongLong();
    return n;
}
}

class TestLongRun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void thousandsOfJobsUnderTheDefaultDescriptorLimit();
};

void TestLongRun::initTestCase()
{
    // the server inherits both limits; it may raise its soft limit only up to this hard one
    const rlimit lim {1024, 1024};
    QVERIFY(setrlimit(RLIMIT_NOFILE, &lim) == 0);
}

void TestLongRun::thousandsOfJobsUnderTheDefaultDescriptorLimit()
{
    TestServer server({QStringLiteral("--with-agent"), QStringLiteral("--agent-slots"), QStringLiteral("2")});
    QVERIFY(server.start());
    QFile limits(QStringLiteral("/proc/%1/limits").arg(server.pid()));
    QVERIFY(limits.open(QIODevice::ReadOnly));
    QVERIFY2(limits.readAll().contains("Max open files            1024                 1024"),
        "the server must run under the 1024/1024 limit this test is about");

    const QByteArray body = R"({"type":"COMMAND","command":"echo line from a job","timeoutSeconds":60})";
    int baseline = -1;
    QElapsedTimer clock;
    clock.start();
    for (int submitted = 0; submitted < kJobs; submitted += kBatch) {
        const QList<TestServer::Reply> replies
            = server.requestParallel("POST", QStringLiteral("/v0/jobs"), QList<QByteArray>(kBatch, body));
        for (const TestServer::Reply &r : replies)
            QVERIFY2(r.status == 201, r.describe().constData());
        // wait for the batch, so the queue stays short and descriptors measure finished jobs only
        QTRY_VERIFY_WITH_TIMEOUT(terminalCount(server) >= submitted + kBatch, 60000);
        if (submitted + kBatch == 2 * kBatch)
            baseline = openDescriptors(server.pid()); // warm: agent, store and follower sockets open
    }
    QCOMPARE(succeededCount(server), qint64(kJobs));
    const int end = openDescriptors(server.pid());
    qInfo("descriptors after %d jobs: %d, after %d jobs: %d (%lld s)", 2 * kBatch, baseline, kJobs, end,
        clock.elapsed() / 1000);
    // a leak of one per job would be thousands; allow for a few sockets in flight
    QVERIFY2(end <= baseline + 16, qPrintable(QStringLiteral("descriptors grew %1 -> %2").arg(baseline).arg(end)));
    QVERIFY(server.terminate());
}

QTEST_GUILESS_MAIN(TestLongRun)
#include "tst_longrun.moc"

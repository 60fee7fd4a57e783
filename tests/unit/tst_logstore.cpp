// Unit tests of the on-disk log store: idempotent appends, gap refusal, reading with cursors,
// the size cap with its dropped count, escaping, and recovery after a torn write.
#include "LogStore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

namespace {
QList<LogLine> lines(qint64 from, qint64 to, bool err = false, const QString &prefix = QStringLiteral("line "))
{
    QList<LogLine> out;
    for (qint64 s = from; s <= to; ++s)
        out.append({s, 1000 + s, err, prefix + QString::number(s)});
    return out;
}

QList<LogLine> readAll(LogStore &store, const QString &job, int attempt, qint64 from = 1, qint64 *dropped = nullptr)
{
    LogCursor c;
    c.nextSeq = from;
    QList<LogLine> out;
    for (;;) {
        const LogReadResult r = store.read(job, attempt, c, 333);
        if (dropped)
            *dropped += r.droppedBefore;
        if (r.lines.isEmpty())
            return out;
        out += r.lines;
    }
}
}

class TestLogStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appendIsIdempotent();
    void gapIsRefused();
    void readsFromTheMiddleAndAcrossSegments();
    void escapesSurviveTheRoundTrip();
    void capDropsOldestWholeSegments();
    void liveReaderKeepsItsPlaceWhileTheCapDrops();
    void tornTailIsCutOnReopen();
    void attemptsAreSeparate();
    void removeOlderThanKeepsActiveJobs();
    void descriptorsAndLayoutsAreBounded();
    void releasedLogReopensWhereItLeftOff();
    void reopenFindsTheLastLineOfALargeSegment();
    void retentionWalksInSlices();
};

void TestLogStore::appendIsIdempotent()
{
    QTemporaryDir dir;
    LogStore store(dir.path(), {});
    qint64 next = 0;
    QString err;
    QVERIFY(store.append(QStringLiteral("job_a"), 1, lines(1, 10), &next, &err));
    QCOMPARE(next, qint64(11));
    // a resend overlapping the stored lines adds only the new ones
    QVERIFY(store.append(QStringLiteral("job_a"), 1, lines(5, 15), &next, &err));
    QCOMPARE(next, qint64(16));
    QVERIFY(store.append(QStringLiteral("job_a"), 1, lines(1, 15), &next, &err)); // pure duplicate
    QCOMPARE(next, qint64(16));
    const auto all = readAll(store, QStringLiteral("job_a"), 1);
    QCOMPARE(all.size(), 15);
    for (int i = 0; i < all.size(); ++i) {
        QCOMPARE(all[i].seq, qint64(i + 1));
        QCOMPARE(all[i].text, QStringLiteral("line %1").arg(i + 1));
    }
}

void TestLogStore::gapIsRefused()
{
    QTemporaryDir dir;
    LogStore store(dir.path(), {});
    qint64 next = 0;
    QString err;
    QVERIFY(store.append(QStringLiteral("job_b"), 1, lines(1, 3), &next, &err));
    QVERIFY(!store.append(QStringLiteral("job_b"), 1, lines(6, 8), &next, &err));
    QCOMPARE(next, qint64(4)); // the caller learns where to resend from
    QVERIFY(err.contains(QStringLiteral("gap")));
    QCOMPARE(readAll(store, QStringLiteral("job_b"), 1).size(), 3);
}

void TestLogStore::readsFromTheMiddleAndAcrossSegments()
{
    QTemporaryDir dir;
    LogStore store(dir.path(), {1 << 20, false}); // 256 KiB segments
    qint64 next = 0;
    QString err;
    for (qint64 s = 1; s <= 50000; s += 1000)
        QVERIFY(store.append(QStringLiteral("job_c"), 1, lines(s, s + 999), &next, &err));
    QVERIFY(QDir(dir.path() + QStringLiteral("/job_c/1")).entryList({QStringLiteral("*.log")}).size() > 1);
    const auto tail = readAll(store, QStringLiteral("job_c"), 1, 40001);
    QCOMPARE(tail.size(), 10000);
    QCOMPARE(tail.first().seq, qint64(40001));
    QCOMPARE(tail.last().seq, qint64(50000));
    // a read starting deep inside one big segment (more than a read chunk of lines skipped)
    LogStore big(dir.path() + QStringLiteral("/big"), {});
    for (qint64 s = 1; s <= 100000; s += 5000)
        QVERIFY(big.append(QStringLiteral("job_big"), 1, lines(s, s + 4999), &next, &err));
    const auto deep = readAll(big, QStringLiteral("job_big"), 1, 99991);
    QCOMPARE(deep.size(), 10);
    QCOMPARE(deep.first().seq, qint64(99991));
    // a reopened store (a restart) finds the same next seq
    LogStore again(dir.path(), {1 << 20, false});
    QCOMPARE(again.nextSeq(QStringLiteral("job_c"), 1), qint64(50001));
}

void TestLogStore::escapesSurviveTheRoundTrip()
{
    QTemporaryDir dir;
    LogStore store(dir.path(), {});
    const QList<LogLine> tricky
        = {{1, 1, false, QStringLiteral("tab\there")}, {2, 2, true, QStringLiteral("back\\slash and \\n literal")},
            {3, 3, false, QStringLiteral("embedded\nnewline\rcr")}, {4, 4, false, QString::fromUtf8("ünïcødé ✓")},
            {5, 5, false, QString()}};
    qint64 next = 0;
    QString err;
    QVERIFY(store.append(QStringLiteral("job_d"), 1, tricky, &next, &err));
    const auto back = readAll(store, QStringLiteral("job_d"), 1);
    QCOMPARE(back.size(), tricky.size());
    for (int i = 0; i < tricky.size(); ++i) {
        QCOMPARE(back[i].text, tricky[i].text);
        QCOMPARE(back[i].stderrStream, tricky[i].stderrStream);
        QCOMPARE(back[i].tsMs, tricky[i].tsMs);
    }
}

void TestLogStore::capDropsOldestWholeSegments()
{
    QTemporaryDir dir;
    LogStore store(dir.path(), {64 * 1024, false});
    qint64 next = 0;
    QString err;
    for (qint64 s = 1; s <= 20000; s += 500)
        QVERIFY(store.append(QStringLiteral("job_e"), 1, lines(s, s + 499), &next, &err));
    const qint64 droppedCount = store.droppedLines(QStringLiteral("job_e"), 1);
    QVERIFY(droppedCount > 0);
    qint64 dropped = 0;
    const auto kept = readAll(store, QStringLiteral("job_e"), 1, 1, &dropped);
    QCOMPARE(dropped, droppedCount); // a reader from the start is told how many
    QCOMPARE(kept.first().seq, droppedCount + 1); // and gets the newest ones, contiguous
    QCOMPARE(kept.last().seq, qint64(20000));
    QCOMPARE(qint64(kept.size()), 20000 - droppedCount);
    qint64 bytes = 0;
    for (const QFileInfo &fi : QDir(dir.path() + QStringLiteral("/job_e/1")).entryInfoList({QStringLiteral("*.log")}))
        bytes += fi.size();
    QVERIFY2(bytes <= 64 * 1024 + 16 * 1024, qPrintable(QString::number(bytes)));
}

void TestLogStore::liveReaderKeepsItsPlaceWhileTheCapDrops()
{
    // A follower that is always caught up reads after every append while the cap drops the oldest
    // segments. The hard case: it stopped exactly at the end of a full segment, and the next append
    // both starts a new segment and drops an old one (so segment indexes shift under it).
    QTemporaryDir dir;
    LogStore store(dir.path(), {64 * 1024, false}); // segments of 16 KiB
    const QString job = QStringLiteral("job_live");
    const QDir logDir(dir.path() + QStringLiteral("/job_live/1"));
    auto newestSegmentBytes = [&] {
        const QFileInfoList files = logDir.entryInfoList({QStringLiteral("*.log")}, QDir::Files, QDir::Name);
        return files.isEmpty() ? 0 : files.last().size();
    };
    LogCursor cursor;
    qint64 next = 1;
    qint64 expected = 1;
    QString err;
    auto appendAndRead = [&](qint64 n) {
        const qint64 from = next;
        if (!store.append(job, 1, lines(from, from + n - 1), &next, &err))
            return false;
        const LogReadResult r = store.read(job, 1, cursor, 100000);
        bool ok = r.droppedBefore == 0; // never behind, so nothing was dropped under it
        for (const LogLine &l : r.lines)
            ok = ok && l.seq == expected++;
        return ok && expected == next;
    };
    for (int round = 0; round < 6; ++round) {
        while (newestSegmentBytes() < 16 * 1024) // one line at a time up to a full segment
            QVERIFY2(appendAndRead(1), qPrintable(QStringLiteral("round %1, line %2").arg(round).arg(next)));
        QVERIFY2(appendAndRead(1000), qPrintable(QStringLiteral("round %1, batch at %2").arg(round).arg(next)));
    }
    QVERIFY(store.droppedLines(job, 1) > 0); // the cap did drop segments meanwhile
}

void TestLogStore::tornTailIsCutOnReopen()
{
    QTemporaryDir dir;
    {
        LogStore store(dir.path(), {});
        qint64 next = 0;
        QString err;
        QVERIFY(store.append(QStringLiteral("job_f"), 1, lines(1, 5), &next, &err));
    }
    // a crash mid-write leaves half a line (never acknowledged)
    const QStringList segs = QDir(dir.path() + QStringLiteral("/job_f/1")).entryList({QStringLiteral("*.log")});
    QCOMPARE(segs.size(), 1);
    QFile f(dir.path() + QStringLiteral("/job_f/1/") + segs.first());
    QVERIFY(f.open(QIODevice::Append));
    f.write("6\t1006\to\thalf a li");
    f.close();
    LogStore store(dir.path(), {});
    QCOMPARE(store.nextSeq(QStringLiteral("job_f"), 1), qint64(6));
    qint64 next = 0;
    QString err;
    QVERIFY(store.append(QStringLiteral("job_f"), 1, lines(6, 7), &next, &err));
    const auto all = readAll(store, QStringLiteral("job_f"), 1);
    QCOMPARE(all.size(), 7);
    QCOMPARE(all[5].text, QStringLiteral("line 6"));
}

void TestLogStore::attemptsAreSeparate()
{
    QTemporaryDir dir;
    LogStore store(dir.path(), {});
    qint64 next = 0;
    QString err;
    QVERIFY(store.append(QStringLiteral("job_g"), 1, lines(1, 3), &next, &err));
    const QList<LogLine> secondAttempt = lines(1, 2, true, QStringLiteral("second "));
    QVERIFY(store.append(QStringLiteral("job_g"), 2, secondAttempt, &next, &err));
    QCOMPARE(readAll(store, QStringLiteral("job_g"), 1).size(), 3);
    const auto second = readAll(store, QStringLiteral("job_g"), 2);
    QCOMPARE(second.size(), 2);
    QCOMPARE(second.first().text, QStringLiteral("second 1"));
    QCOMPARE(store.nextSeq(QStringLiteral("job_g"), 3), qint64(1));
}

void TestLogStore::removeOlderThanKeepsActiveJobs()
{
    QTemporaryDir dir;
    LogStore store(dir.path(), {});
    qint64 next = 0;
    QString err;
    QVERIFY(store.append(QStringLiteral("job_old"), 1, lines(1, 3), &next, &err));
    QVERIFY(store.append(QStringLiteral("job_live"), 1, lines(1, 3), &next, &err));
    const qint64 future = QDateTime::currentMSecsSinceEpoch() + 60000;
    const int removed
        = store.removeOlderThan(future, [](const QString &id) { return id == QLatin1String("job_live"); });
    QCOMPARE(removed, 1);
    QVERIFY(!QDir(dir.path() + QStringLiteral("/job_old")).exists());
    QCOMPARE(readAll(store, QStringLiteral("job_live"), 1).size(), 3);
}

QTEST_GUILESS_MAIN(TestLogStore)
#include "tst_logstore.moc"

void TestLogStore::descriptorsAndLayoutsAreBounded()
{
    // one log per finished job used to keep its segment open: ~1,000 jobs exhausted ulimit -n 1024
    QTemporaryDir dir;
    LogStore::Options opts;
    opts.maxOpenFiles = 8;
    opts.maxCachedLogs = 32;
    LogStore store(dir.path(), opts);
    qint64 next = 0;
    QString err;
    for (int j = 0; j < 500; ++j) {
        QVERIFY2(store.append(QStringLiteral("job_%1").arg(j), 1, lines(1, 3), &next, &err), qPrintable(err));
        QVERIFY(store.openFileCount() <= 8);
        QVERIFY(store.cachedLogCount() <= 32);
    }
    // every log is still whole, readable and appendable after its descriptor was taken away
    for (int j = 0; j < 500; j += 37) {
        const QString job = QStringLiteral("job_%1").arg(j);
        QVERIFY(store.append(job, 1, lines(4, 5), &next, &err));
        QCOMPARE(next, qint64(6));
        QCOMPARE(readAll(store, job, 1).size(), 5);
    }
    QVERIFY(store.openFileCount() <= 8);
}

void TestLogStore::releasedLogReopensWhereItLeftOff()
{
    QTemporaryDir dir;
    LogStore store(dir.path(), {});
    qint64 next = 0;
    QString err;
    QVERIFY(store.append(QStringLiteral("job_r"), 2, lines(1, 100), &next, &err));
    QCOMPARE(store.openFileCount(), 1);
    store.release(QStringLiteral("job_r"), 2);
    QCOMPARE(store.openFileCount(), 0);
    QCOMPARE(store.cachedLogCount(), 0);
    // a late append continues the sequence: nothing lost, nothing duplicated
    QVERIFY(store.append(QStringLiteral("job_r"), 2, lines(95, 110), &next, &err));
    QCOMPARE(next, qint64(111));
    const QList<LogLine> all = readAll(store, QStringLiteral("job_r"), 2);
    QCOMPARE(all.size(), 110);
    QCOMPARE(all.last().text, QStringLiteral("line 110"));
    store.release(QStringLiteral("job_r"), 2);
    QCOMPARE(store.nextSeq(QStringLiteral("job_r"), 2), qint64(111));
}

void TestLogStore::reopenFindsTheLastLineOfALargeSegment()
{
    // reopening reads only the segment's tail; a last line longer than that tail still counts
    QTemporaryDir dir;
    LogStore::Options opts;
    opts.maxBytesPerAttempt = 64LL * 1024 * 1024;
    qint64 next = 0;
    QString err;
    {
        LogStore store(dir.path(), opts);
        QVERIFY(store.append(QStringLiteral("job_big"), 1, lines(1, 20000), &next, &err));
        QList<LogLine> huge = {{20001, 1, false, QString(300 * 1024, QLatin1Char('x'))}};
        QVERIFY(store.append(QStringLiteral("job_big"), 1, huge, &next, &err));
    }
    {
        LogStore store(dir.path(), opts);
        QCOMPARE(store.nextSeq(QStringLiteral("job_big"), 1), qint64(20002));
        QVERIFY(store.append(QStringLiteral("job_big"), 1, lines(20002, 20002), &next, &err));
        QCOMPARE(next, qint64(20003));
    }
}

void TestLogStore::retentionWalksInSlices()
{
    // the walk goes on where the last slice stopped, so no call visits more than it is allowed
    QTemporaryDir dir;
    LogStore store(dir.path(), {});
    qint64 next = 0;
    QString err;
    for (int j = 0; j < 25; ++j)
        QVERIFY(store.append(QStringLiteral("job_%1").arg(j), 1, lines(1, 2), &next, &err));
    const qint64 future = QDateTime::currentMSecsSinceEpoch() + 60000;
    int removed = 0;
    int calls = 0;
    int visited = 0;
    bool finished = false;
    while (!finished) {
        removed += store.removeOlderThan(
            future,
            [&visited](const QString &id) {
                ++visited;
                return id == QLatin1String("job_7");
            },
            4, &finished);
        ++calls;
        QVERIFY(calls < 100);
    }
    QCOMPARE(calls, 7); // 25 directories, 4 a call
    QCOMPARE(visited, 25);
    QCOMPARE(removed, 24);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot), QStringList {QStringLiteral("job_7")});
}

// Unit tests of the single store writer: group commit, one failing op does not undo the others, the
// bound on queued work (refused with IfRoom, never dropped), and completions on the owner's thread.
#include "SqlSession.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <future>

class TestStoreWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void groupCommitBatchesConcurrentOps();
    void failingOpIsRolledBackAlone();
    void fullQueueRefusesNewWorkButNotOwedWork();
    void completionsRunOnTheOwnerThread();

private:
    int rows();
    bool insert(SqlSession &s, int v);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
};

void TestStoreWriter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<Store>();
    QString err;
    QVERIFY2(m_store->open(m_dir->path(), &err), qPrintable(err));
    QVERIFY(m_store->reader().exec(QStringLiteral("CREATE TABLE IF NOT EXISTS t (v INTEGER PRIMARY KEY)")));
}

void TestStoreWriter::cleanup()
{
    m_store.reset();
    m_dir.reset();
}

int TestStoreWriter::rows()
{
    QSqlQuery &q = m_store->reader().prepare(QStringLiteral("SELECT COUNT(*) FROM t"));
    if (!q.exec() || !q.next())
        return -1;
    const int n = q.value(0).toInt();
    q.finish();
    return n;
}

bool TestStoreWriter::insert(SqlSession &s, int v)
{
    QSqlQuery &q = s.prepare(QStringLiteral("INSERT INTO t(v) VALUES (?)"));
    q.addBindValue(v);
    return SqlSession::run(q);
}

void TestStoreWriter::groupCommitBatchesConcurrentOps()
{
    StoreWriter &w = m_store->writer();
    const quint64 batchesBefore = w.batches();
    int done = 0;
    for (int i = 0; i < 2000; ++i)
        QVERIFY(w.enqueue([this, i](SqlSession &s) { return insert(s, i); }, [&done](bool ok) { done += ok; }));
    QTRY_COMPARE(done, 2000);
    QCOMPARE(rows(), 2000);
    // 2000 ops queued at once commit in far fewer transactions
    QVERIFY2(w.batches() - batchesBefore < 200, qPrintable(QString::number(w.batches() - batchesBefore)));
}

void TestStoreWriter::failingOpIsRolledBackAlone()
{
    StoreWriter &w = m_store->writer();
    std::promise<void> gate;
    auto opened = gate.get_future().share();
    // hold the writer so the next three ops share one batch
    w.enqueue([opened](SqlSession &) {
        opened.wait();
        return true;
    });
    QList<int> results(3, -1);
    w.enqueue([this](SqlSession &s) { return insert(s, 1); }, [&](bool ok) { results[0] = ok; });
    w.enqueue([this](SqlSession &s) { return insert(s, 2) && insert(s, 1); }, // writes, then fails: all of it undone
        [&](bool ok) { results[1] = ok; });
    w.enqueue([this](SqlSession &s) { return insert(s, 3); }, [&](bool ok) { results[2] = ok; });
    gate.set_value();
    QTRY_VERIFY(!results.contains(-1));
    QCOMPARE(results, (QList<int> {1, 0, 1}));
    QCOMPARE(rows(), 2);
}

void TestStoreWriter::fullQueueRefusesNewWorkButNotOwedWork()
{
    StoreWriter &w = m_store->writer();
    w.setMaxQueued(10);
    std::promise<void> gate;
    auto opened = gate.get_future().share();
    std::promise<void> running;
    w.enqueue([opened, &running](SqlSession &) {
        running.set_value();
        opened.wait();
        return true;
    });
    running.get_future().wait(); // the blocking op left the queue: it is being run
    int accepted = 0;
    int completed = 0;
    for (int i = 0; i < 10; ++i)
        accepted += w.enqueue([this, i](SqlSession &s) { return insert(s, i); }, [&completed](bool) { ++completed; },
            StoreWriter::Admission::IfRoom);
    QCOMPARE(accepted, 10);
    bool calledBack = false;
    QVERIFY(!w.enqueue([this](SqlSession &s) { return insert(s, 100); }, [&calledBack](bool) { calledBack = true; },
        StoreWriter::Admission::IfRoom));
    // work the server already owes (an agent's result) is never refused
    QVERIFY(w.enqueue([this](SqlSession &s) { return insert(s, 101); }, [&completed](bool) { ++completed; }));
    gate.set_value();
    QTRY_COMPARE(completed, 11);
    QVERIFY(!calledBack);
    QCOMPARE(rows(), 11);
    // room again
    QVERIFY(w.enqueue([](SqlSession &) { return true; }, {}, StoreWriter::Admission::IfRoom));
}

void TestStoreWriter::completionsRunOnTheOwnerThread()
{
    QThread *owner = nullptr;
    m_store->writer().enqueue([](SqlSession &) { return true; }, [&owner](bool) { owner = QThread::currentThread(); });
    QTRY_VERIFY(owner != nullptr);
    QCOMPARE(owner, QThread::currentThread());
}

QTEST_GUILESS_MAIN(TestStoreWriter)
#include "tst_storewriter.moc"

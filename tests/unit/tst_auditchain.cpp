// The audit log's hash chain over a real store: independent per-workspace chains under concurrent
// writers, tampering done with a second SQLite connection (edited, deleted, rehashed, cut, forged rows)
// and where verify says the chain breaks, rolled-back and failed writes, restarts and shutdown.
#include "AuditFixture.h"

class TestAuditChain : public AuditFixture
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QVERIFY(setUp()); }
    void cleanup() { tearDown(); }
    void interleavedWorkspacesKeepIndependentChains();
    void tamperIsReportedWhereItHappens_data();
    void tamperIsReportedWhereItHappens();
    void rolledBackWritesDoNotForkTheChain();
    void failedInsertLeavesTheChainIntact();
    void chainContinuesAcrossRestart();
    void verifyAsyncAgreesWithVerify();
    void entriesPendingAtShutdownAreKept();
    void recordThroughput();
};

void TestAuditChain::interleavedWorkspacesKeepIndependentChains()
{
    // Records from several threads at once, for two workspaces: one writer orders them, so each chain
    // stays a single line.
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([this, t] {
            for (int i = 0; i < 100; ++i)
                m_audit->record(entry(i % 2 ? QStringLiteral("ws_a") : QStringLiteral("ws_b"),
                    QStringLiteral("key:t%1").arg(t), QStringLiteral("job.submit"), QStringLiteral("job_%1").arg(i)));
        });
    for (auto &t : threads)
        t.join();
    QVERIFY(recordNow(entry(QStringLiteral("ws_a"), "key:last", "job.submit", "job_last")));
    for (const QString &ws : {QStringLiteral("ws_a"), QStringLiteral("ws_b")}) {
        const auto entries = all(ws);
        QCOMPARE(entries.size(), ws == QStringLiteral("ws_a") ? 201 : 200);
        QString prev = AuditRecord::genesisHash();
        for (const AuditRecord &r : entries) {
            QCOMPARE(r.workspaceId, ws);
            QCOMPARE(r.prevHash, prev);
            prev = r.hash;
        }
        const AuditVerification v = m_audit->verify(ws);
        QVERIFY2(v.ok, qPrintable(v.reason));
        QCOMPARE(v.checked, entries.size());
    }
    QCOMPARE(all(QStringLiteral("ws_a")).last().seq, 401); // seqs are global and gapless
}

void TestAuditChain::tamperIsReportedWhereItHappens_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<qint64>("brokenSeq");
    QTest::addColumn<QString>("reasonHas");
    // ws_a holds seqs 1, 3, 5, 7, 9 and ws_b 2, 4, 6, 8, 10 (interleaved).
    QTest::newRow("edited actor") << "edit" << qint64(5) << "edited";
    QTest::newRow("edited detail") << "editDetail" << qint64(5) << "edited";
    QTest::newRow("edited workspace of another row into it") << "moveIn" << qint64(4) << "edited";
    QTest::newRow("deleted middle row") << "delete" << qint64(7) << "deleted";
    QTest::newRow("deleted first row") << "deleteFirst" << qint64(3) << "deleted";
    QTest::newRow("row edited and rehashed") << "rehash" << qint64(7) << "does not link to entry 5";
    QTest::newRow("prev_hash and hash changed consistently") << "relink" << qint64(5) << "does not link to entry 3";
    QTest::newRow("tail deleted") << "truncate" << qint64(9) << "end";
    QTest::newRow("last row rewritten") << "rewriteLast" << qint64(9) << "rewritten";
    QTest::newRow("row appended behind the head") << "forge" << qint64(11) << "outside the server";
    QTest::newRow("head deleted") << "dropHead" << qint64(1) << "no recorded head";
}

void TestAuditChain::tamperIsReportedWhereItHappens()
{
    QFETCH(QString, how);
    QFETCH(qint64, brokenSeq);
    QFETCH(QString, reasonHas);
    for (int i = 0; i < 5; ++i) {
        m_audit->record(entry(QStringLiteral("ws_a"), "key:a", "job.submit", QStringLiteral("job_a%1").arg(i)));
        m_audit->record(entry(QStringLiteral("ws_b"), "key:b", "job.submit", QStringLiteral("job_b%1").arg(i)));
    }
    QVERIFY(recordNow(entry(QStringLiteral("ws_c"), "key:c", "job.submit", "job_c"))); // seq 11
    QVERIFY(m_audit->verify(QStringLiteral("ws_a")).ok);

    const auto rehashed = [this](AuditRecord r) {
        r.hash = r.computeHash();
        return tamper(QStringLiteral("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?"),
            {r.actor, r.prevHash, r.hash, r.seq});
    };
    if (how == "edit") {
        QVERIFY(tamper("UPDATE audit_log SET actor = 'key:mallory' WHERE seq = 5"));
    } else if (how == "editDetail") {
        QVERIFY(tamper("UPDATE audit_log SET detail = '{\"forged\":true}' WHERE seq = 5"));
    } else if (how == "moveIn") {
        QVERIFY(tamper("UPDATE audit_log SET workspace_id = 'ws_a' WHERE seq = 4"));
    } else if (how == "delete") {
        QVERIFY(tamper("DELETE FROM audit_log WHERE seq = 5"));
    } else if (how == "deleteFirst") {
        QVERIFY(tamper("DELETE FROM audit_log WHERE seq = 1"));
    } else if (how == "rehash") {
        AuditRecord r = row(5);
        r.actor = QStringLiteral("key:mallory");
        QVERIFY(rehashed(r));
    } else if (how == "relink") {
        AuditRecord r = row(5);
        r.prevHash = QString(64, QLatin1Char('f'));
        QVERIFY(rehashed(r));
    } else if (how == "truncate") {
        QVERIFY(tamper("DELETE FROM audit_log WHERE seq = 9"));
    } else if (how == "rewriteLast") {
        AuditRecord r = row(9);
        r.actor = QStringLiteral("key:mallory");
        QVERIFY(rehashed(r));
    } else if (how == "forge") {
        // A well-formed entry linked to the real head, written straight into the table without moving
        // the head (seq 12: the next free one after ws_c's entry).
        AuditRecord last = row(9);
        AuditRecord f = last;
        f.seq = 12;
        f.actor = QStringLiteral("key:mallory");
        f.prevHash = last.hash;
        f.hash = f.computeHash();
        QVERIFY(tamper("INSERT INTO audit_log(seq, workspace_id, at, actor, action, subject, source, outcome, detail, "
                       "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {f.seq, f.workspaceId, f.at, f.actor, f.action, f.subject, f.source, f.outcome, QString::fromUtf8(f.detail),
                f.prevHash, f.hash}));
        brokenSeq = 12;
    } else if (how == "dropHead") {
        QVERIFY(tamper("DELETE FROM audit_heads WHERE workspace_id = 'ws_a'"));
    }
    const AuditVerification v = m_audit->verify(QStringLiteral("ws_a"));
    QVERIFY(!v.ok);
    QVERIFY(v.firstBrokenSeq);
    QCOMPARE(*v.firstBrokenSeq, brokenSeq);
    QVERIFY2(v.reason.contains(reasonHas), qPrintable(v.reason));
    QCOMPARE(v.toJson().value("firstBrokenSeq").toInteger(), brokenSeq);
    QCOMPARE(v.toJson().value("ok").toBool(true), false);
    // The other workspace's chain is untouched (its rows are never part of ws_a's).
    if (how != "moveIn")
        QVERIFY2(m_audit->verify(QStringLiteral("ws_b")).ok, qPrintable(m_audit->verify("ws_b").reason));
}

void TestAuditChain::rolledBackWritesDoNotForkTheChain()
{
    // What a batch whose COMMIT failed leaves behind: the rows and the head as they were before it. The
    // writer's cached head is then stale; the next entry must link to the head in the database.
    QVERIFY(recordMany(QStringLiteral("ws_a"), 3));
    const AuditRecord second = row(2);
    QVERIFY(tamper("DELETE FROM audit_log WHERE seq = 3"));
    QVERIFY(tamper(
        "UPDATE audit_heads SET seq = ?, hash = ?, count = 2 WHERE workspace_id = 'ws_a'", {second.seq, second.hash}));
    QVERIFY(recordNow(entry(QStringLiteral("ws_a"), "key:k1", "job.submit", "job_next")));
    const auto entries = all(QStringLiteral("ws_a"));
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries.last().seq, 3);
    QCOMPARE(entries.last().prevHash, second.hash);
    const AuditVerification v = m_audit->verify(QStringLiteral("ws_a"));
    QVERIFY2(v.ok, qPrintable(v.reason));
    QCOMPARE(v.checked, 3);
}

void TestAuditChain::failedInsertLeavesTheChainIntact()
{
    QVERIFY(recordMany(QStringLiteral("ws_a"), 2));
    QVERIFY(tamper("CREATE TRIGGER refuse BEFORE INSERT ON audit_log WHEN NEW.subject = 'refused' "
                   "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    QVERIFY(!recordNow(entry(QStringLiteral("ws_a"), "key:k1", "job.submit", "refused")));
    QVERIFY(recordNow(entry(QStringLiteral("ws_a"), "key:k1", "job.submit", "accepted")));
    const auto entries = all(QStringLiteral("ws_a"));
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries.last().subject, QStringLiteral("accepted"));
    QCOMPARE(entries.last().seq, 3);
    QVERIFY2(m_audit->verify(QStringLiteral("ws_a")).ok, qPrintable(m_audit->verify("ws_a").reason));
}

void TestAuditChain::chainContinuesAcrossRestart()
{
    QVERIFY(recordMany(QStringLiteral("ws_a"), 3));
    QVERIFY(recordMany(QStringLiteral("ws_b"), 1));
    const QString head = row(3).hash;
    m_audit.reset();
    m_store->close();
    m_store.reset();
    QVERIFY(open());
    QVERIFY(recordNow(entry(QStringLiteral("ws_a"), "key:k1", "job.submit", "after restart")));
    QVERIFY(recordNow(entry(QStringLiteral("ws_b"), "key:k1", "job.submit", "after restart")));
    const auto a = all(QStringLiteral("ws_a"));
    QCOMPARE(a.size(), 4);
    QCOMPARE(a[3].seq, 5);
    QCOMPARE(a[3].prevHash, head);
    const auto b = all(QStringLiteral("ws_b"));
    QCOMPARE(b.size(), 2);
    QCOMPARE(b[1].prevHash, b[0].hash);
    for (const QString &ws : {QStringLiteral("ws_a"), QStringLiteral("ws_b")}) {
        const AuditVerification v = m_audit->verify(ws);
        QVERIFY2(v.ok, qPrintable(v.reason));
    }
    QCOMPARE(m_audit->verify(QStringLiteral("ws_a")).checked, 4);
}

void TestAuditChain::verifyAsyncAgreesWithVerify()
{
    QVERIFY(recordMany(QStringLiteral("ws_a"), 50));
    QVERIFY(recordMany(QStringLiteral("ws_b"), 5));
    const auto runAsync = [this](const QString &ws) {
        std::optional<AuditVerification> out;
        m_audit->verifyAsync(ws, [&out](AuditVerification v) { out = v; });
        (void)QTest::qWaitFor([&] { return out.has_value(); }, 5000);
        return out.value_or(AuditVerification {false, -1, {}, QStringLiteral("no answer")});
    };
    AuditVerification v = runAsync(QStringLiteral("ws_a"));
    QVERIFY2(v.ok, qPrintable(v.reason));
    QCOMPARE(v.checked, 50);
    QCOMPARE(v.headHash, m_audit->verify(QStringLiteral("ws_a")).headHash);
    QVERIFY(tamper("UPDATE audit_log SET outcome = 'denied:403' WHERE seq = 20"));
    v = runAsync(QStringLiteral("ws_a"));
    QVERIFY(!v.ok);
    QCOMPARE(v.firstBrokenSeq.value_or(-1), 20);
    QCOMPARE(v.checked, 19);
    QCOMPARE(v.reason, m_audit->verify(QStringLiteral("ws_a")).reason);
    // Several at once, and the service destroyed while some may still run: no crash, no late callback.
    int answered = 0;
    for (int i = 0; i < 6; ++i)
        m_audit->verifyAsync(QStringLiteral("ws_b"), [&answered](AuditVerification r) { answered += r.ok; });
    QTRY_COMPARE(answered, 6);
    for (int i = 0; i < 3; ++i)
        m_audit->verifyAsync(QStringLiteral("ws_a"), [&answered](AuditVerification) { ++answered; });
    m_audit.reset();
    QCoreApplication::processEvents();
    QCOMPARE(answered, 6);
}

void TestAuditChain::entriesPendingAtShutdownAreKept()
{
    // Recorded in the same event-loop turn as the shutdown: the service hands them to the writer when it
    // is destroyed, and the store's close commits what the writer holds.
    for (int i = 0; i < 3; ++i)
        m_audit->record(entry(QStringLiteral("ws_a"), "key:k1", "key.revoke", QStringLiteral("key_%1").arg(i)));
    m_audit.reset();
    m_store->close();
    m_store.reset();
    QVERIFY(open());
    QCOMPARE(all(QStringLiteral("ws_a")).size(), 3);
    QVERIFY(m_audit->verify(QStringLiteral("ws_a")).ok);
}

void TestAuditChain::recordThroughput()
{
    // A figure, not a bar: how many entries the writer chains and commits per second on this machine,
    // and how fast verify walks them.
    const int n = 20000;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < n - 1; ++i)
        m_audit->record(entry(QStringLiteral("ws_a"), "key:k1", "job.submit", QStringLiteral("job_%1").arg(i)));
    const qint64 callsMs = t.elapsed();
    QVERIFY(recordNow(entry(QStringLiteral("ws_a"), "key:k1", "job.submit", "job_last")));
    const qint64 recordMs = std::max<qint64>(1, t.elapsed());
    t.restart();
    const AuditVerification v = m_audit->verify(QStringLiteral("ws_a"));
    const qint64 verifyMs = std::max<qint64>(1, t.elapsed());
    QVERIFY(v.ok);
    QCOMPARE(v.checked, n);
    qInfo().noquote() << QStringLiteral("audit: recorded %1 entries in %2 ms (%3/s; the record() calls took %6 ms); "
                                        "verified in %4 ms (%5/s)")
                             .arg(n)
                             .arg(recordMs)
                             .arg(n * 1000 / recordMs)
                             .arg(verifyMs)
                             .arg(n * 1000 / verifyMs)
                             .arg(callsMs);
}

QTEST_GUILESS_MAIN(TestAuditChain)
#include "tst_auditchain.moc"

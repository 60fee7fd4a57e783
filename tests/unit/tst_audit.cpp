// AuditService over a real store in a temporary directory: recording and reading back, each filter and
// pagination, JSON-Lines and CSV export, independent per-workspace chains, tampering done with a second
// SQLite connection (edited, deleted, rehashed, cut, forged rows) and where verify says the chain breaks,
// secrets kept out of details, and a chain that continues across a restart.
#include "AuditDetail.h"
#include "AuditExport.h"
#include "AuditService.h"
#include "Store.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <thread>

class TestAudit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void recordAndReadBack();
    void filtersSelectEntries_data();
    void filtersSelectEntries();
    void pagesFollowTheCursor();
    void badFiltersAre400_data();
    void badFiltersAre400();
    void jsonLinesExport();
    void csvExportQuotesAndDefusesFormulas();
    void exportStopsAtMaxEntries();
    void interleavedWorkspacesKeepIndependentChains();
    void tamperIsReportedWhereItHappens_data();
    void tamperIsReportedWhereItHappens();
    void rolledBackWritesDoNotForkTheChain();
    void failedInsertLeavesTheChainIntact();
    void secretsNeverReachTheLog();
    void detailIsBounded();
    void chainContinuesAcrossRestart();
    void verifyAsyncAgreesWithVerify();
    void entriesPendingAtShutdownAreKept();
    void recordThroughput();

private:
    bool open();
    bool recordNow(const AuditEntry &e);
    bool recordMany(const QString &workspace, int n, const QString &actor = QStringLiteral("key:k1"));
    bool tamper(const QString &sql, const QVariantList &binds = {});
    AuditRecord row(qint64 seq);
    QList<AuditRecord> all(const QString &workspace);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<AuditService> m_audit;
};

static AuditEntry entry(
    const QString &ws, const QString &actor, const QString &action, const QString &subject, qint64 at = 0)
{
    AuditEntry e;
    e.workspaceId = ws;
    e.actor = actor;
    e.action = action;
    e.subject = subject;
    e.source = QStringLiteral("127.0.0.1");
    e.outcome = QStringLiteral("ok");
    e.at = at;
    return e;
}

bool TestAudit::open()
{
    m_audit.reset();
    m_store = std::make_unique<Store>();
    QString err;
    if (!m_store->open(m_dir->path(), &err)) {
        qWarning().noquote() << err;
        return false;
    }
    m_audit = std::make_unique<AuditService>(*m_store);
    return true;
}

void TestAudit::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(open());
}

void TestAudit::cleanup()
{
    m_audit.reset();
    m_store.reset();
    m_dir.reset();
}

bool TestAudit::recordNow(const AuditEntry &e)
{
    std::optional<bool> stored;
    m_audit->record(e, [&stored](bool ok) { stored = ok; });
    return QTest::qWaitFor([&] { return stored.has_value(); }, 5000) && *stored;
}

bool TestAudit::recordMany(const QString &workspace, int n, const QString &actor)
{
    for (int i = 0; i < n - 1; ++i)
        m_audit->record(entry(workspace, actor, QStringLiteral("job.submit"), QStringLiteral("job_%1").arg(i)));
    return recordNow(entry(workspace, actor, QStringLiteral("job.submit"), QStringLiteral("job_%1").arg(n - 1)));
}

// A second connection of its own, as someone with the database file would use.
bool TestAudit::tamper(const QString &sql, const QVariantList &binds)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
        db.setDatabaseName(m_store->dbPath());
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(sql);
            for (const QVariant &b : binds)
                q.addBindValue(b);
            ok = q.exec();
            if (!ok)
                qWarning().noquote() << q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
    return ok;
}

QList<AuditRecord> TestAudit::all(const QString &workspace)
{
    AuditFilter f;
    f.limit = QStringLiteral("1000");
    const auto page = m_audit->query(workspace, f);
    return page ? page.value().entries : QList<AuditRecord>();
}

AuditRecord TestAudit::row(qint64 seq)
{
    for (const QString &ws : {QStringLiteral("ws_a"), QStringLiteral("ws_b"), QString()})
        for (const AuditRecord &r : all(ws))
            if (r.seq == seq)
                return r;
    return {};
}

void TestAudit::recordAndReadBack()
{
    AuditEntry e = entry(QStringLiteral("ws_a"), QStringLiteral("key:k1"), QStringLiteral("job.cancel"),
        QStringLiteral("job_1"), 1700000000123);
    e.outcome = QStringLiteral("denied:403");
    e.detail = QJsonObject {{"reason", "not yours"}, {"attempt", 2}};
    QVERIFY(recordNow(e));
    QVERIFY(recordNow(entry(
        QStringLiteral("ws_a"), QStringLiteral("key:k2"), QStringLiteral("job.submit"), QStringLiteral("job_2"))));
    const auto entries = all(QStringLiteral("ws_a"));
    QCOMPARE(entries.size(), 2);
    const AuditRecord &a = entries[0];
    QCOMPARE(a.seq, 1);
    QCOMPARE(a.workspaceId, QStringLiteral("ws_a"));
    QCOMPARE(a.at, 1700000000123);
    QCOMPARE(a.actor, QStringLiteral("key:k1"));
    QCOMPARE(a.action, QStringLiteral("job.cancel"));
    QCOMPARE(a.subject, QStringLiteral("job_1"));
    QCOMPARE(a.source, QStringLiteral("127.0.0.1"));
    QCOMPARE(a.outcome, QStringLiteral("denied:403"));
    QCOMPARE(a.prevHash, AuditRecord::genesisHash());
    QCOMPARE(a.hash, a.computeHash());
    QCOMPARE(a.hash.size(), 64);
    QCOMPARE(entries[1].prevHash, a.hash);
    QVERIFY(entries[1].at >= QDateTime::currentMSecsSinceEpoch() - 60000); // 0 means now

    const QJsonObject json = a.toJson();
    QCOMPARE(json.value("at").toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
    QCOMPARE(json.value("detail").toObject(), (QJsonObject {{"reason", "not yours"}, {"attempt", 2}}));
    QCOMPARE(json.value("seq").toInteger(), 1);
    QCOMPARE(json.value("prevHash").toString(), AuditRecord::genesisHash());

    // Nothing of another workspace, and the verification of a sound chain.
    QVERIFY(all(QStringLiteral("ws_b")).isEmpty());
    const AuditVerification v = m_audit->verify(QStringLiteral("ws_a"));
    QVERIFY2(v.ok, qPrintable(v.reason));
    QCOMPARE(v.checked, 2);
    QCOMPARE(v.headSeq, 2);
    QCOMPARE(v.headHash, entries[1].hash);
    QVERIFY(!v.firstBrokenSeq);
    QVERIFY(v.toJson().value("firstBrokenSeq").isNull());
    // An empty chain verifies.
    QVERIFY(m_audit->verify(QStringLiteral("ws_none")).ok);
    QCOMPARE(m_audit->verify(QStringLiteral("ws_none")).checked, 0);
}

void TestAudit::filtersSelectEntries_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<QString>("since");
    QTest::addColumn<QString>("until");
    QTest::addColumn<QList<qint64>>("seqs");
    // seq: 1 alice submit job_1 @1000, 2 bob submit job_2 @2000, 3 alice cancel job_2 @3000,
    //      4 bob key.create key_9 @4000, 5 (ws_b) alice submit job_1 @5000
    QTest::newRow("none") << ""
                          << ""
                          << ""
                          << ""
                          << "" << QList<qint64> {1, 2, 3, 4};
    QTest::newRow("actor") << "user:alice"
                           << ""
                           << ""
                           << ""
                           << "" << QList<qint64> {1, 3};
    QTest::newRow("action") << ""
                            << "job.submit"
                            << ""
                            << ""
                            << "" << QList<qint64> {1, 2};
    QTest::newRow("subject") << ""
                             << ""
                             << "job_2"
                             << ""
                             << "" << QList<qint64> {2, 3};
    QTest::newRow("actor+action") << "user:bob"
                                  << "key.create"
                                  << ""
                                  << ""
                                  << "" << QList<qint64> {4};
    QTest::newRow("since ms") << ""
                              << ""
                              << ""
                              << "2000"
                              << "" << QList<qint64> {2, 3, 4};
    QTest::newRow("until ms") << ""
                              << ""
                              << ""
                              << ""
                              << "3000" << QList<qint64> {1, 2};
    QTest::newRow("since iso") << ""
                               << ""
                               << ""
                               << "1970-01-01T00:00:03Z"
                               << "" << QList<qint64> {3, 4};
    QTest::newRow("range iso") << ""
                               << ""
                               << ""
                               << "1970-01-01T00:00:01.500Z"
                               << "1970-01-01T00:00:03.001Z" << QList<qint64> {2, 3};
    QTest::newRow("no match") << "user:carol"
                              << ""
                              << ""
                              << ""
                              << "" << QList<qint64> {};
}

void TestAudit::filtersSelectEntries()
{
    QFETCH(QString, actor);
    QFETCH(QString, action);
    QFETCH(QString, subject);
    QFETCH(QString, since);
    QFETCH(QString, until);
    QFETCH(QList<qint64>, seqs);
    const QString ws = QStringLiteral("ws_a");
    m_audit->record(entry(ws, "user:alice", "job.submit", "job_1", 1000));
    m_audit->record(entry(ws, "user:bob", "job.submit", "job_2", 2000));
    m_audit->record(entry(ws, "user:alice", "job.cancel", "job_2", 3000));
    m_audit->record(entry(ws, "user:bob", "key.create", "key_9", 4000));
    QVERIFY(recordNow(entry(QStringLiteral("ws_b"), "user:alice", "job.submit", "job_1", 5000)));
    AuditFilter f {actor, action, subject, since, until, {}, {}};
    const auto page = m_audit->query(ws, f);
    QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error().message));
    QList<qint64> got;
    for (const AuditRecord &r : page.value().entries)
        got << r.seq;
    QCOMPARE(got, seqs);
    QVERIFY(page.value().nextCursor.isEmpty());
}

void TestAudit::pagesFollowTheCursor()
{
    QVERIFY(recordMany(QStringLiteral("ws_a"), 25));
    QVERIFY(recordMany(QStringLiteral("ws_b"), 3)); // other workspaces' seqs never show up
    QVERIFY(recordMany(QStringLiteral("ws_a"), 2));
    AuditFilter f;
    f.limit = QStringLiteral("10");
    QList<qint64> seen;
    QStringList cursors;
    for (int pages = 0; pages < 10; ++pages) {
        const auto page = m_audit->query(QStringLiteral("ws_a"), f);
        QVERIFY(page.ok());
        QVERIFY(page.value().entries.size() <= 10);
        for (const AuditRecord &r : page.value().entries) {
            QCOMPARE(r.workspaceId, QStringLiteral("ws_a"));
            seen << r.seq;
        }
        cursors << page.value().nextCursor;
        if (page.value().nextCursor.isEmpty())
            break;
        QCOMPARE(page.value().toJson().value("nextCursor").toString(), page.value().nextCursor);
        f.cursor = page.value().nextCursor;
    }
    QCOMPARE(cursors.size(), 3);
    QVERIFY(cursors.last().isEmpty());
    QCOMPARE(seen.size(), 27);
    QList<qint64> expected;
    for (qint64 s = 1; s <= 25; ++s)
        expected << s;
    expected << 29 << 30;
    QCOMPARE(seen, expected);
    // Default page size.
    QVERIFY(recordMany(QStringLiteral("ws_a"), 100));
    const auto page = m_audit->query(QStringLiteral("ws_a"), AuditFilter {});
    QCOMPARE(page.value().entries.size(), AuditService::kDefaultLimit);
    QVERIFY(!page.value().nextCursor.isEmpty());
    QVERIFY(page.value().toJson().value("entries").isArray());
}

void TestAudit::badFiltersAre400_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::newRow("limit 0") << "limit"
                             << "0";
    QTest::newRow("limit 1001") << "limit"
                                << "1001";
    QTest::newRow("limit text") << "limit"
                                << "ten";
    QTest::newRow("cursor negative") << "cursor"
                                     << "-1";
    QTest::newRow("cursor text") << "cursor"
                                 << "abc";
    QTest::newRow("since") << "since"
                           << "yesterday";
    QTest::newRow("until") << "until"
                           << "2024-13-45T99:00:00Z";
    QTest::newRow("since after until") << "since"
                                       << "9999999999999";
    QTest::newRow("actor too long") << "actor" << QString(300, QLatin1Char('a'));
}

void TestAudit::badFiltersAre400()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    AuditFilter f;
    f.until = QStringLiteral("5000000000000");
    QString *slot = field == "limit" ? &f.limit
        : field == "cursor"          ? &f.cursor
        : field == "since"           ? &f.since
        : field == "until"           ? &f.until
                                     : &f.actor;
    *slot = value;
    const auto page = m_audit->query(QStringLiteral("ws_a"), f);
    QVERIFY(!page.ok());
    QCOMPARE(page.error().code, ErrorCode::InvalidRequest);
    QCOMPARE(page.error().httpStatus(), 400);
    QVERIFY2(
        page.error().message.contains(QLatin1Char('\'') + field + QLatin1Char('\'')), qPrintable(page.error().message));
    const auto exported = m_audit->exportLog(QStringLiteral("ws_a"), f, AuditService::Format::Csv);
    if (field != "limit") { // export pages on its own; the other filters apply to it as well
        QVERIFY(!exported.ok());
        QCOMPARE(exported.error().code, ErrorCode::InvalidRequest);
    }
}

void TestAudit::jsonLinesExport()
{
    AuditEntry e = entry(QStringLiteral("ws_a"), "key:k1", "job.submit", "job_1", 1000);
    e.detail = QJsonObject {{"note", "line one\nline two"}};
    QVERIFY(recordNow(e));
    QVERIFY(recordMany(QStringLiteral("ws_a"), 2));
    QCOMPARE(AuditService::parseFormat("jsonl"), AuditService::Format::JsonLines);
    QCOMPARE(AuditService::parseFormat("csv"), AuditService::Format::Csv);
    QVERIFY(!AuditService::parseFormat("xml"));
    const auto out = m_audit->exportLog(QStringLiteral("ws_a"), {}, AuditService::Format::JsonLines);
    QVERIFY(out.ok());
    QCOMPARE(out.value().contentType, QStringLiteral("application/x-ndjson"));
    QVERIFY(out.value().nextCursor.isEmpty());
    const QList<QByteArray> lines = out.value().body.split('\n');
    QCOMPARE(lines.size(), 4); // three entries and the empty text after the last newline
    QVERIFY(lines.last().isEmpty());
    const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
    QCOMPARE(first.value("seq").toInteger(), 1);
    QCOMPARE(first.value("detail").toObject().value("note").toString(), QStringLiteral("line one\nline two"));
    QCOMPARE(first.value("hash").toString(), all(QStringLiteral("ws_a"))[0].hash);
    QCOMPARE(QJsonDocument::fromJson(lines[1]).object().value("prevHash").toString(), first.value("hash").toString());
}

void TestAudit::csvExportQuotesAndDefusesFormulas()
{
    QCOMPARE(AuditExport::csvCell("plain"), QByteArray("plain"));
    QCOMPARE(AuditExport::csvCell("a,b"), QByteArray("\"a,b\""));
    QCOMPARE(AuditExport::csvCell("say \"hi\""), QByteArray("\"say \"\"hi\"\"\""));
    QCOMPARE(AuditExport::csvCell("two\nlines"), QByteArray("\"two\nlines\""));
    QCOMPARE(AuditExport::csvCell("=1+1"), QByteArray("'=1+1"));
    QCOMPARE(AuditExport::csvCell("+1"), QByteArray("'+1"));
    QCOMPARE(AuditExport::csvCell("-2"), QByteArray("'-2"));
    QCOMPARE(AuditExport::csvCell("@SUM(A1)"), QByteArray("'@SUM(A1)"));
    QCOMPARE(AuditExport::csvCell("=HYPERLINK(\"x\",\"y\")"), QByteArray("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""));
    QCOMPARE(AuditExport::csvCell(""), QByteArray(""));

    AuditEntry e = entry(QStringLiteral("ws_a"), "=cmd|' /C calc'!A0", "job.submit", "job \"1\", second", 1000);
    e.source = QStringLiteral("@evil");
    e.detail = QJsonObject {{"note", "x"}};
    QVERIFY(recordNow(e));
    const auto out = m_audit->exportLog(QStringLiteral("ws_a"), {}, AuditService::Format::Csv);
    QVERIFY(out.ok());
    QCOMPARE(out.value().contentType, QStringLiteral("text/csv; charset=utf-8"));
    const QList<QByteArray> lines = out.value().body.split('\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QByteArray("seq,workspaceId,at,actor,action,subject,source,outcome,detail,prevHash,hash\r"));
    const AuditRecord r = all(QStringLiteral("ws_a"))[0];
    const QByteArray expected = "1,ws_a,1970-01-01T00:00:01.000Z,'=cmd|' /C calc'!A0,job.submit,"
                                "\"job \"\"1\"\", second\",'@evil,ok,\"{\"\"note\"\":\"\"x\"\"}\","
        + r.prevHash.toLatin1() + ',' + r.hash.toLatin1() + '\r';
    QCOMPARE(lines[1], expected);
    // An empty export still has its header.
    const auto empty = m_audit->exportLog(QStringLiteral("ws_none"), {}, AuditService::Format::Csv);
    QCOMPARE(empty.value().body, AuditExport::csvHeader());
}

void TestAudit::exportStopsAtMaxEntries()
{
    QVERIFY(recordMany(QStringLiteral("ws_a"), 1205));
    const auto whole = m_audit->exportLog(QStringLiteral("ws_a"), {}, AuditService::Format::JsonLines);
    QCOMPARE(whole.value().body.count('\n'), 1205); // more than one page
    QVERIFY(whole.value().nextCursor.isEmpty());
    const auto part = m_audit->exportLog(QStringLiteral("ws_a"), {}, AuditService::Format::JsonLines, 1100);
    QCOMPARE(part.value().body.count('\n'), 1100);
    QCOMPARE(part.value().nextCursor, QStringLiteral("1100"));
    AuditFilter rest;
    rest.cursor = part.value().nextCursor;
    const auto tail = m_audit->exportLog(QStringLiteral("ws_a"), rest, AuditService::Format::JsonLines);
    QCOMPARE(tail.value().body.count('\n'), 105);
}

void TestAudit::interleavedWorkspacesKeepIndependentChains()
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

void TestAudit::tamperIsReportedWhereItHappens_data()
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

void TestAudit::tamperIsReportedWhereItHappens()
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

void TestAudit::rolledBackWritesDoNotForkTheChain()
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

void TestAudit::failedInsertLeavesTheChainIntact()
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

void TestAudit::secretsNeverReachTheLog()
{
    AuditEntry e = entry(QStringLiteral("ws_a"), "user:alice", "auth.login", "alice@example.com");
    e.detail = QJsonObject {
        {"password", "hunter2-password"},
        {"newPassword", "hunter3-password"},
        {"api_key", "raw-key-value"},
        {"apiKey", "raw-key-value2"},
        {"refreshToken", "raw-refresh"},
        {"OTP", "123456"},
        {"code", "654321"},
        {"clientSecret", "raw-client-secret"},
        {"Authorization", "raw-authorization"},
        {"passwordHash", "raw-hash"},
        {"keyId", "key_01"},
        {"secretName", "DB_URL"},
        {"role", "admin"},
        {"nested", QJsonObject {{"token", "raw-nested-token"}, {"name", "ci"}}},
        {"list", QJsonArray {QJsonObject {{"otp_code", "raw-list-otp"}}, "tnv_abcdefghijklmnopqrstuvwxyz0123"}},
        {"forwarded", "Bearer eyJhbGciOi.eyJzdWIi.sig"},
        {"jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"},
    };
    QVERIFY(recordNow(e));
    const AuditRecord r = all(QStringLiteral("ws_a"))[0];
    const QJsonObject d = QJsonDocument::fromJson(r.detail).object();
    QCOMPARE(d,
        (QJsonObject {{"keyId", "key_01"}, {"secretName", "DB_URL"}, {"role", "admin"},
            {"nested", QJsonObject {{"name", "ci"}}}, {"list", QJsonArray {QJsonObject {}, "[redacted]"}},
            {"forwarded", "[redacted]"}, {"jwt", "[redacted]"}}));
    // Nothing of any secret anywhere in the database file's rows.
    QSqlQuery q(m_store->reader().db());
    QVERIFY(q.exec("SELECT group_concat(detail, '|') FROM audit_log"));
    QVERIFY(q.next());
    const QString stored = q.value(0).toString();
    for (const char *raw : {"hunter", "raw-", "123456", "654321", "tnv_abc", "eyJ"})
        QVERIFY2(!stored.contains(QLatin1String(raw)), raw);

    QVERIFY(AuditDetail::isSecretName("password"));
    QVERIFY(AuditDetail::isSecretName("PASSWORD"));
    QVERIFY(AuditDetail::isSecretName("user_password"));
    QVERIFY(AuditDetail::isSecretName("x-api-key"));
    QVERIFY(AuditDetail::isSecretName("key"));
    QVERIFY(AuditDetail::isSecretName("otpCode"));
    QVERIFY(AuditDetail::isSecretName("accessToken"));
    QVERIFY(!AuditDetail::isSecretName("keyId"));
    QVERIFY(!AuditDetail::isSecretName("tokenFamilyId"));
    QVERIFY(!AuditDetail::isSecretName("monkey")); // a word, not a substring
    QVERIFY(!AuditDetail::isSecretName("email"));
}

void TestAudit::detailIsBounded()
{
    AuditEntry e = entry(QStringLiteral("ws_a"), "user:alice", "job.submit", "job_1");
    e.detail = QJsonObject {{"command", QString(10000, QLatin1Char('x'))}, {"image", "alpine"}};
    QVERIFY(recordNow(e));
    QJsonObject deep {{"leaf", 1}};
    for (int i = 0; i < 20; ++i)
        deep = QJsonObject {{"n", deep}};
    QJsonObject many;
    for (int i = 0; i < 500; ++i)
        many.insert(QStringLiteral("field%1").arg(i), QString(40, QLatin1Char('y')));
    e.detail = deep;
    QVERIFY(recordNow(e));
    e.detail = many;
    QVERIFY(recordNow(e));
    const auto entries = all(QStringLiteral("ws_a"));
    QCOMPARE(entries.size(), 3);
    for (const AuditRecord &r : entries) {
        QVERIFY(r.detail.size() <= AuditDetail::kMaxBytes);
        QVERIFY(QJsonDocument::fromJson(r.detail).isObject());
    }
    const QJsonObject first = QJsonDocument::fromJson(entries[0].detail).object();
    QCOMPARE(first.value("image").toString(), QStringLiteral("alpine"));
    QVERIFY(first.value("command").toString().startsWith(QStringLiteral("xxx")));
    QVERIFY(entries[1].detail.contains("nested too deep"));
    QCOMPARE(QJsonDocument::fromJson(entries[2].detail).object().value("truncated").toBool(), true);
    QVERIFY(m_audit->verify(QStringLiteral("ws_a")).ok);
}

void TestAudit::chainContinuesAcrossRestart()
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

void TestAudit::verifyAsyncAgreesWithVerify()
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

void TestAudit::entriesPendingAtShutdownAreKept()
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

void TestAudit::recordThroughput()
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

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"

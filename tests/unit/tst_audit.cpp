// AuditService over a real store in a temporary directory: recording and reading back, each filter and
// pagination, JSON-Lines and CSV export, and secrets kept out of details. The chain itself (tampering,
// restarts, concurrency) is tst_auditchain.
#include "AuditFixture.h"

class TestAudit : public AuditFixture
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QVERIFY(setUp()); }
    void cleanup() { tearDown(); }
    void recordAndReadBack();
    void filtersSelectEntries_data();
    void filtersSelectEntries();
    void pagesFollowTheCursor();
    void badFiltersAre400_data();
    void badFiltersAre400();
    void jsonLinesExport();
    void csvExportQuotesAndDefusesFormulas();
    void exportStopsAtMaxEntries();
    void secretsNeverReachTheLog();
    void detailIsBounded();
};

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

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"

// The audit log over HTTP against a real server: what mutating calls record, filters and paging, the
// JSON-lines and CSV exports, no secrets in it, who may read it, and the hash chain catching an edited
// or a deleted row in the database.
#include "ApiChecks.h"
#include "TestServer.h"
#include "TestTeam.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtTest>

namespace {
using Headers = TestServer::Headers;

// Runs statements on the server's database over a connection of its own; the number of rows the last
// one changed, or -1 on an error.
int runSql(const QString &dbPath, const QStringList &statements)
{
    int changed = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
        db.setDatabaseName(dbPath);
        if (db.open()) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("PRAGMA busy_timeout=5000"));
            for (const QString &s : statements) {
                if (!q.exec(s)) {
                    qWarning() << s << q.lastError().text();
                    changed = -1;
                    break;
                }
                changed = q.numRowsAffected();
            }
        } else {
            qWarning() << db.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
    return changed;
}

// Every column of every audit row, as text (also entries outside any workspace, which no API shows).
QByteArray allAuditRows(const QString &dbPath)
{
    QByteArray out;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("dump"));
        db.setDatabaseName(dbPath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT * FROM audit_log ORDER BY seq"))) {
                while (q.next()) {
                    for (int i = 0; i < q.record().count(); ++i)
                        out += q.value(i).toString().toUtf8() + '\t';
                    out += '\n';
                }
            } else {
                qWarning() << q.lastError().text();
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("dump"));
    return out;
}

QStringList seqsOf(const QJsonArray &entries)
{
    QStringList out;
    for (const auto &e : entries)
        out << QString::number(e.toObject().value(QStringLiteral("seq")).toInteger());
    return out;
}
} // namespace

class TestAuditLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void mutatingCallsAreRecorded();
    void filtersAndPaging();
    void exportsJsonLinesAndCsv();
    void noSecretsInTheLog();
    void onlyAdminsOfTheWorkspaceReadIt();
    // last: they stop the server and edit its database
    void editedRowBreaksTheChain();
    void deletedRowBreaksTheChain();

private:
    // The workspace's entries (all pages, oldest first), as the admin key sees them.
    QJsonArray entries(const QString &query = {})
    {
        QJsonArray all;
        QString cursor;
        for (int page = 0; page < 100; ++page) {
            QString path = QStringLiteral("/v0/workspaces/%1/audit?limit=1000").arg(m_ws);
            if (!query.isEmpty())
                path += QLatin1Char('&') + query;
            if (!cursor.isEmpty())
                path += QStringLiteral("&cursor=") + cursor;
            const auto r = m_server->get(path);
            if (r.status != 200) {
                qWarning() << "audit query failed:" << r.describe();
                return {};
            }
            for (const auto &e : r.json.value(QStringLiteral("entries")).toArray())
                all.append(e);
            cursor = r.json.value(QStringLiteral("nextCursor")).toString();
            if (cursor.isEmpty())
                break;
        }
        return all;
    }
    // The first entry with this action and subject, or an empty object.
    QJsonObject find(const QString &action, const QString &subject)
    {
        for (const auto &e : entries(QStringLiteral("action=") + action)) {
            if (e.toObject().value(QStringLiteral("subject")).toString() == subject)
                return e.toObject();
        }
        return {};
    }
    QJsonObject verify()
    {
        const auto r = m_server->get(QStringLiteral("/v0/workspaces/%1/audit/verify").arg(m_ws));
        if (r.status != 200)
            qWarning() << "verify failed:" << r.describe();
        return r.json;
    }
    QString dbPath() const { return m_server->dataDir() + QStringLiteral("/tanvrit.db"); }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestTeam> m_team;
    QString m_ws;
    QString m_ownerActor; // "user:<id> via key:<id>" of the admin key
    std::optional<TestPerson> m_member;
    std::optional<TestPerson> m_admin;
    QString m_jobId;
};

void TestAuditLog::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(), m_server->output().constData());
    m_team = std::make_unique<TestTeam>(*m_server);
    m_ws = m_team->defaultWorkspace();
    QVERIFY(!m_ws.isEmpty());
    const auto me = m_server->get(QStringLiteral("/v0/auth/me"));
    QVERIFY2(me.status == 200, me.describe());
    m_ownerActor
        = QStringLiteral("user:%1 via %2")
              .arg(me.json.value("user").toObject().value("id").toString(), me.json.value("credential").toString());
    QVERIFY2(m_ownerActor.contains(QLatin1String(" via key:")), qPrintable(m_ownerActor));
    m_member = m_team->addPerson(m_ws, QStringLiteral("member"));
    m_admin = m_team->addPerson(m_ws, QStringLiteral("admin"));
    QVERIFY(m_member && m_admin);
}

void TestAuditLog::mutatingCallsAreRecorded()
{
    m_jobId = m_server->submitJob({{QStringLiteral("command"), QStringLiteral("true")}});
    QVERIFY(!m_jobId.isEmpty());
    QCOMPARE(m_server->request("POST", QStringLiteral("/v0/jobs/%1:cancel").arg(m_jobId)).status, 200);
    // refused: a member may not rename the workspace, nor revoke someone else's key
    const auto rename = m_team->as(m_member->key(), "PATCH", QStringLiteral("/v0/workspaces/") + m_ws,
        {{QStringLiteral("name"), QStringLiteral("renamed by a member")}});
    QCOMPARE(rename.status, 403);
    const auto revoke = m_team->as(m_member->key(), "DELETE", QStringLiteral("/v0/keys/") + m_admin->keyId);
    QCOMPARE(revoke.status, 403);
    // reads are not recorded
    QCOMPARE(m_server->get(QStringLiteral("/v0/jobs/") + m_jobId).status, 200);

    QJsonObject submit;
    QTRY_VERIFY_WITH_TIMEOUT(!(submit = find(QStringLiteral("job.submit"), m_jobId)).isEmpty(), 10000);
    QCOMPARE(submit.value("workspaceId").toString(), m_ws);
    QCOMPARE(submit.value("actor").toString(), m_ownerActor);
    QCOMPARE(submit.value("source").toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(submit.value("outcome").toString(), QStringLiteral("ok"));
    QVERIFY(ApiChecks::isIsoUtcMs(submit.value("at").toString()));
    QVERIFY(qAbs(ApiChecks::isoToMs(submit.value("at").toString()) - QDateTime::currentMSecsSinceEpoch()) < 60000);
    QCOMPARE(submit.value("hash").toString().size(), 64);
    QCOMPARE(submit.value("prevHash").toString().size(), 64);

    QJsonObject cancel;
    QTRY_VERIFY_WITH_TIMEOUT(!(cancel = find(QStringLiteral("job.cancel"), m_jobId)).isEmpty(), 10000);
    QCOMPARE(cancel.value("outcome").toString(), QStringLiteral("ok"));
    QVERIFY(cancel.value("seq").toInteger() > submit.value("seq").toInteger());

    const QString memberActor = QStringLiteral("user:%1 via key:%2").arg(m_member->userId, m_member->keyId);
    QJsonObject denied;
    QTRY_VERIFY_WITH_TIMEOUT(!(denied = find(QStringLiteral("workspace.update"), m_ws)).isEmpty(), 10000);
    QCOMPARE(denied.value("actor").toString(), memberActor);
    QCOMPARE(denied.value("outcome").toString(), QStringLiteral("denied:403"));
    QJsonObject deniedRevoke;
    QTRY_VERIFY_WITH_TIMEOUT(!(deniedRevoke = find(QStringLiteral("key.revoke"), m_admin->keyId)).isEmpty(), 10000);
    QCOMPARE(deniedRevoke.value("actor").toString(), memberActor);
    QCOMPARE(deniedRevoke.value("outcome").toString(), QStringLiteral("denied:403"));
    // and the refused changes did not happen
    QVERIFY(m_server->get(QStringLiteral("/v0/workspaces/") + m_ws).json.value("name").toString()
        != QStringLiteral("renamed by a member"));
    QCOMPARE(m_team->as(m_admin->key(), "GET", QStringLiteral("/v0/jobs")).status, 200);

    // the team's set-up is there too: invitations and keys
    const QJsonObject invite = find(QStringLiteral("member.invite"), m_member->email);
    QCOMPARE(invite.value("actor").toString(), m_ownerActor);
    QCOMPARE(invite.value("outcome").toString(), QStringLiteral("ok"));
    const QJsonObject key = find(QStringLiteral("key.create"), m_member->keyId);
    QVERIFY2(key.value("actor").toString().startsWith(QStringLiteral("user:%1 via session:").arg(m_member->userId)),
        qPrintable(QString::fromUtf8(QJsonDocument(key).toJson())));
    const QJsonArray all = entries();
    for (const auto &e : all)
        QVERIFY(e.toObject().value("action").toString() != QLatin1String("GET /v0/jobs/{id}"));
}

void TestAuditLog::filtersAndPaging()
{
    const QJsonArray all = entries();
    QVERIFY(all.size() >= 8);
    const QString memberActor = QStringLiteral("user:%1 via key:%2").arg(m_member->userId, m_member->keyId);

    const QJsonArray byActor
        = entries(QStringLiteral("actor=") + QString::fromLatin1(QUrl::toPercentEncoding(memberActor)));
    QCOMPARE(byActor.size(), 2);
    for (const auto &e : byActor)
        QCOMPARE(e.toObject().value("actor").toString(), memberActor);

    const QJsonArray byAction = entries(QStringLiteral("action=member.invite"));
    QCOMPARE(byAction.size(), 2);
    const QJsonArray bySubject = entries(QStringLiteral("subject=") + m_jobId);
    QCOMPARE(bySubject.size(), 2);
    QCOMPARE(bySubject.at(0).toObject().value("action").toString(), QStringLiteral("job.submit"));
    QCOMPARE(bySubject.at(1).toObject().value("action").toString(), QStringLiteral("job.cancel"));
    QCOMPARE(entries(QStringLiteral("action=job.submit&subject=") + m_jobId).size(), 1);
    QCOMPARE(entries(QStringLiteral("actor=nobody")).size(), 0);

    // since is inclusive, until exclusive; together they cover everything once
    const QString middle = all.at(all.size() / 2).toObject().value("at").toString();
    const QString middleMs = QString::number(ApiChecks::isoToMs(middle));
    const QJsonArray since = entries(QStringLiteral("since=") + QString::fromLatin1(QUrl::toPercentEncoding(middle)));
    const QJsonArray until = entries(QStringLiteral("until=") + middleMs);
    QVERIFY(!since.isEmpty() && !until.isEmpty());
    QCOMPARE(since.size() + until.size(), all.size());
    for (const auto &e : since)
        QVERIFY(ApiChecks::isoToMs(e.toObject().value("at").toString()) >= middleMs.toLongLong());
    for (const auto &e : until)
        QVERIFY(ApiChecks::isoToMs(e.toObject().value("at").toString()) < middleMs.toLongLong());
    QCOMPARE(seqsOf(until) + seqsOf(since), seqsOf(all));

    // pages of 3: the walk sees every entry once, in order
    QStringList walked;
    QString cursor;
    int pages = 0;
    do {
        const auto r
            = m_server->get(QStringLiteral("/v0/workspaces/%1/audit?limit=3%2")
                                .arg(m_ws, cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor));
        QVERIFY2(r.status == 200, r.describe());
        const QJsonArray page = r.json.value("entries").toArray();
        QVERIFY(page.size() <= 3);
        walked += seqsOf(page);
        QVERIFY(r.json.contains("nextCursor"));
        cursor = r.json.value("nextCursor").toString();
        QVERIFY(++pages < 100);
    } while (!cursor.isEmpty());
    QCOMPARE(walked, seqsOf(all));
    QCOMPARE(pages, int((all.size() + 2) / 3));

    // bad filters are 400s, never a 500 or everything
    for (const QString &bad : {QStringLiteral("since=yesterday"), QStringLiteral("limit=0"),
             QStringLiteral("limit=1001"), QStringLiteral("cursor=abc"), QStringLiteral("colour=red"),
             QStringLiteral("format=xml"), QStringLiteral("since=2030-01-01T00:00:00Z&until=2020-01-01T00:00:00Z")}) {
        const auto r = m_server->get(QStringLiteral("/v0/workspaces/%1/audit?%2").arg(m_ws, bad));
        const QString problem = ApiChecks::errorProblem(r, 400);
        QVERIFY2(problem.isEmpty(), qPrintable(bad + QStringLiteral(": ") + problem));
    }
}

void TestAuditLog::exportsJsonLinesAndCsv()
{
    const QJsonArray all = entries();
    const auto jsonl = m_server->get(QStringLiteral("/v0/workspaces/%1/audit?format=jsonl").arg(m_ws));
    QVERIFY2(jsonl.status == 200, jsonl.describe());
    QCOMPARE(jsonl.header("content-type"), QByteArray("application/x-ndjson"));
    QVERIFY(jsonl.header("content-disposition").contains("attachment"));
    QVERIFY(jsonl.body.endsWith('\n'));
    const QList<QByteArray> lines = jsonl.body.trimmed().split('\n');
    QCOMPARE(lines.size(), all.size());
    for (int i = 0; i < lines.size(); ++i) {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(lines.at(i), &err);
        QVERIFY2(err.error == QJsonParseError::NoError && doc.isObject(), lines.at(i).constData());
        QCOMPARE(doc.object(), all.at(i).toObject());
    }
    // filters apply to exports too
    const auto filtered
        = m_server->get(QStringLiteral("/v0/workspaces/%1/audit?format=jsonl&action=member.invite").arg(m_ws));
    QCOMPARE(filtered.body.trimmed().split('\n').size(), 2);

    const auto csv = m_server->get(QStringLiteral("/v0/workspaces/%1/audit?format=csv").arg(m_ws));
    QVERIFY2(csv.status == 200, csv.describe());
    QVERIFY2(csv.header("content-type").startsWith("text/csv"), csv.header("content-type").constData());
    const QList<QByteArray> rows = csv.body.split('\n');
    QCOMPARE(rows.first().trimmed(),
        QByteArray("seq,workspaceId,at,actor,action,subject,source,outcome,detail,prevHash,hash"));
    QCOMPARE(rows.last(), QByteArray()); // ends with a line break
    QCOMPARE(rows.size() - 2, all.size());
    for (int i = 0; i < all.size(); ++i) {
        const QJsonObject e = all.at(i).toObject();
        const QByteArray row = rows.at(i + 1);
        QVERIFY2(row.startsWith(QByteArray::number(e.value("seq").toInteger()) + ','), row.constData());
        QVERIFY2(row.trimmed().endsWith(e.value("hash").toString().toLatin1()), row.constData());
    }
}

void TestAuditLog::noSecretsInTheLog()
{
    // sign-in traffic with every kind of secret in it, right and wrong
    const auto dana = m_team->addPerson(m_ws, QStringLiteral("admin"));
    QVERIFY(dana);
    const QString wrongPassword = QStringLiteral("Wrong-Secret-Password-77");
    QCOMPARE(m_team
                 ->as({}, "POST", QStringLiteral("/v0/auth/login"),
                     {{QStringLiteral("email"), dana->email}, {QStringLiteral("password"), wrongPassword}})
                 .status,
        401);
    const auto login = m_team->as({}, "POST", QStringLiteral("/v0/auth/login"),
        {{QStringLiteral("email"), dana->email}, {QStringLiteral("password"), dana->password}});
    QVERIFY2(login.status == 200, login.describe());
    const QString access = login.json.value("accessToken").toString();
    const QString refresh = login.json.value("refreshToken").toString();
    const auto refreshed
        = m_team->as({}, "POST", QStringLiteral("/v0/auth/refresh"), {{QStringLiteral("refreshToken"), refresh}});
    QVERIFY2(refreshed.status == 200, refreshed.describe());
    const auto rpcKey = m_team->as(dana->bearer(), "POST", QStringLiteral("/api/compute/api-keys/create"),
        {{QStringLiteral("name"), QStringLiteral("ci")}});
    QVERIFY2(rpcKey.status == 200, rpcKey.describe());
    const QString rpcSecret = rpcKey.json.value("payload").toObject().value("key").toString();
    QVERIFY(rpcSecret.startsWith(QLatin1String("tnv_")));
    const QString bogusKey = QStringLiteral("tnv_ThisIsNotAKeyButLooksLikeOne0123456789ab");
    QCOMPARE(m_team
                 ->as(TestTeam::keyHeader(bogusKey), "POST", QStringLiteral("/v0/jobs"),
                     {{QStringLiteral("command"), QStringLiteral("true")}})
                 .status,
        401);
    const auto logout = m_team->as(dana->bearer(), "POST", QStringLiteral("/v0/auth/logout"),
        {{QStringLiteral("refreshToken"), refreshed.json.value("refreshToken").toString()}});
    QVERIFY2(logout.status == 200, logout.describe());
    const auto mark = m_server->submitJob({{QStringLiteral("command"), QStringLiteral("true")}});
    QVERIFY(!mark.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!find(QStringLiteral("job.submit"), mark).isEmpty(), 10000);

    const QStringList secrets {dana->password, wrongPassword, access, refresh,
        refreshed.json.value("accessToken").toString(), refreshed.json.value("refreshToken").toString(),
        dana->accessToken, dana->refreshToken, dana->apiKey, rpcSecret, bogusKey, m_server->adminKey(),
        m_member->apiKey, m_member->password, m_admin->apiKey};
    const QByteArray jsonl = m_server->get(QStringLiteral("/v0/workspaces/%1/audit?format=jsonl").arg(m_ws)).body;
    const QByteArray csv = m_server->get(QStringLiteral("/v0/workspaces/%1/audit?format=csv").arg(m_ws)).body;
    const QByteArray rows = allAuditRows(dbPath()); // also the entries outside any workspace (sign-ins)
    QVERIFY(jsonl.contains(dana->email.toUtf8()));
    QVERIFY2(rows.contains("auth.login"), rows.left(2000).constData());
    QVERIFY(rows.contains("auth.refresh"));
    for (const QString &s : secrets) {
        QVERIFY(s.size() >= 8);
        // the whole secret, and its distinctive middle (a truncated copy is a leak as well)
        for (const QByteArray &needle : {s.toUtf8(), s.toUtf8().mid(s.size() / 2 - 4, 12)}) {
            QVERIFY2(!jsonl.contains(needle), qPrintable(QStringLiteral("in the JSON-lines export: ") + s));
            QVERIFY2(!csv.contains(needle), qPrintable(QStringLiteral("in the CSV export: ") + s));
            QVERIFY2(!rows.contains(needle), qPrintable(QStringLiteral("in audit_log: ") + s));
        }
    }
}

void TestAuditLog::onlyAdminsOfTheWorkspaceReadIt()
{
    // someone with a workspace of their own, who is not in m_ws
    TestServer::Headers stranger;
    QString theirs;
    {
        const auto founder = m_team->addPerson(m_ws, QStringLiteral("member"));
        QVERIFY(founder);
        theirs = m_team->createWorkspace(*founder, QStringLiteral("elsewhere"));
        QVERIFY(!theirs.isEmpty());
        const auto leave = m_team->as(
            founder->bearer(m_ws), "DELETE", QStringLiteral("/v0/workspaces/%1/members/%2").arg(m_ws, founder->userId));
        QVERIFY2(leave.status == 200, leave.describe());
        stranger = founder->bearer(theirs);
        QCOMPARE(m_team->as(stranger, "GET", QStringLiteral("/v0/workspaces/%1/audit").arg(theirs)).status, 200);
    }
    for (const QString &path : {QStringLiteral("/v0/workspaces/%1/audit"),
             QStringLiteral("/v0/workspaces/%1/audit/verify"), QStringLiteral("/v0/workspaces/%1/audit?format=csv")}) {
        const QString mine = path.arg(m_ws);
        QCOMPARE(m_server->get(mine).status, 200);
        QCOMPARE(m_team->as(m_admin->key(), "GET", mine).status, 200);
        QString problem = ApiChecks::errorProblem(m_team->as(m_member->key(), "GET", mine), 403);
        QVERIFY2(problem.isEmpty(), qPrintable(mine + QStringLiteral(" as member: ") + problem));
        problem = ApiChecks::errorProblem(m_team->as(m_member->bearer(), "GET", mine), 403);
        QVERIFY2(problem.isEmpty(), qPrintable(mine + QStringLiteral(" as member token: ") + problem));
        problem = ApiChecks::errorProblem(m_team->as(stranger, "GET", mine), 404);
        QVERIFY2(problem.isEmpty(), qPrintable(mine + QStringLiteral(" as non-member: ") + problem));
        // and the other way round: m_ws's owner key does not see the stranger's workspace
        problem = ApiChecks::errorProblem(m_server->get(path.arg(theirs)), 404);
        QVERIFY2(problem.isEmpty(), qPrintable(path.arg(theirs) + QStringLiteral(" with the admin key: ") + problem));
        QCOMPARE(m_team->as({}, "GET", mine).status, 401);
    }
}

void TestAuditLog::editedRowBreaksTheChain()
{
    const QJsonObject before = verify();
    QCOMPARE(before.value("ok").toBool(), true);
    QVERIFY(before.value("firstBrokenSeq").isNull());
    const QJsonArray all = entries();
    QVERIFY(all.size() >= 5);
    QCOMPARE(before.value("checked").toInteger(), all.size());
    const QJsonObject middle = all.at(all.size() / 2).toObject();
    const qint64 seq = middle.value("seq").toInteger();

    QVERIFY(m_server->terminate());
    QCOMPARE(
        runSql(dbPath(), {QStringLiteral("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = %1").arg(seq)}),
        1);
    QVERIFY2(m_server->restart(), m_server->output().constData());
    const QJsonObject edited = verify();
    QCOMPARE(edited.value("ok").toBool(), false);
    QCOMPARE(edited.value("firstBrokenSeq").toInteger(), seq);
    QVERIFY2(edited.value("reason").toString().contains(QLatin1String("edited")),
        qPrintable(edited.value("reason").toString()));
    QCOMPARE(edited.value("checked").toInteger(), all.size() / 2);

    // put back as it was: the chain is whole again, so the check points at the edit and nothing else
    QVERIFY(m_server->terminate());
    QCOMPARE(runSql(dbPath(),
                 {QStringLiteral("UPDATE audit_log SET actor = '%1' WHERE seq = %2")
                         .arg(middle.value("actor").toString(), QString::number(seq))}),
        1);
    QVERIFY2(m_server->restart(), m_server->output().constData());
    QCOMPARE(verify().value("ok").toBool(), true);
}

void TestAuditLog::deletedRowBreaksTheChain()
{
    const QJsonArray all = entries();
    QVERIFY(all.size() >= 5);
    const int i = int(all.size() / 2);
    const qint64 seq = all.at(i).toObject().value("seq").toInteger();
    const qint64 next = all.at(i + 1).toObject().value("seq").toInteger();
    QVERIFY(m_server->terminate());
    QCOMPARE(runSql(dbPath(), {QStringLiteral("DELETE FROM audit_log WHERE seq = %1").arg(seq)}), 1);
    QVERIFY2(m_server->restart(), m_server->output().constData());
    const QJsonObject v = verify();
    QCOMPARE(v.value("ok").toBool(), false);
    QCOMPARE(v.value("firstBrokenSeq").toInteger(), next);
    QVERIFY2(v.value("reason").toString().contains(QLatin1String("deleted")), qPrintable(v.value("reason").toString()));

    // the log still reads, and new entries are still recorded after the break
    QCOMPARE(entries().size(), all.size() - 1);
    const QString id = m_server->submitJob({{QStringLiteral("command"), QStringLiteral("true")}});
    QVERIFY(!id.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!find(QStringLiteral("job.submit"), id).isEmpty(), 10000);
    QCOMPARE(verify().value("firstBrokenSeq").toInteger(), next);
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"

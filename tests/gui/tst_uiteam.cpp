// The team pages driven as a user would, against the console's embedded control plane: invite a member and
// see them listed, create a key with quotas and see its secret once, verify the audit chain and export it.
#include "AuditPage.h"
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "GuiFixture.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

class TestUiTeam : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void inviteAMemberAndSeeThemListed();
    void changeTheirRoleAndRemoveThem();
    void createAKeyAndSeeItOnce();
    void auditVerifiesAndExports();
    void auditShowsWhereTheChainBreaks();
    void aMemberSeesWhatTheyMayUse(); // last: it reconnects the console as a member

private:
    static QTreeWidgetItem *row(QTreeWidget *tree, int column, const QString &text);
    GuiFixture *m_fx = nullptr;
};

QTreeWidgetItem *TestUiTeam::row(QTreeWidget *tree, int column, const QString &text)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(column) == text)
            return tree->topLevelItem(i);
    return nullptr;
}

void TestUiTeam::initTestCase()
{
    m_fx = new GuiFixture;
    QVERIFY(m_fx->start());
}

void TestUiTeam::cleanupTestCase()
{
    delete m_fx;
}

void TestUiTeam::inviteAMemberAndSeeThemListed()
{
    QVERIFY(m_fx->showPage(QStringLiteral("membersPage")));
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("membersTable"));
    QVERIFY(table);
    QTRY_VERIFY_WITH_TIMEOUT(table->topLevelItemCount() >= 1, 10000); // the owner
    auto *email = m_fx->find<QLineEdit>(QStringLiteral("inviteEmail"));
    QTest::keyClicks(email, QStringLiteral("new.colleague@example.com"));
    m_fx->find<QComboBox>(QStringLiteral("inviteRole"))->setCurrentText(QStringLiteral("admin"));
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("inviteButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 0, QStringLiteral("new.colleague@example.com")), 10000);
    QTreeWidgetItem *item = row(table, 0, QStringLiteral("new.colleague@example.com"));
    QCOMPARE(item->text(2), QStringLiteral("admin"));
    QCOMPARE(item->text(3), QStringLiteral("invited"));
    QVERIFY(email->text().isEmpty());
}

void TestUiTeam::changeTheirRoleAndRemoveThem()
{
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("membersTable"));
    QTreeWidgetItem *item = row(table, 0, QStringLiteral("new.colleague@example.com"));
    QVERIFY(item);
    // an invitation's role is fixed: the owner may not change it from here
    table->setCurrentItem(item);
    QVERIFY(!m_fx->find<QPushButton>(QStringLiteral("setRoleButton"))->isEnabled());
    // they register: a member now, whose role the owner changes
    ApiRequest reg;
    reg.method = "POST";
    reg.path = QStringLiteral("/v0/auth/register");
    reg.anonymous = true;
    reg.body = QJsonDocument(QJsonObject {{QStringLiteral("email"), QStringLiteral("new.colleague@example.com")},
                                 {QStringLiteral("password"), QStringLiteral("a long enough passphrase 42")},
                                 {QStringLiteral("name"), QStringLiteral("New Colleague")}})
                   .toJson(QJsonDocument::Compact);
    const auto registered = awaitResult<ApiAnswer>([&](auto cb) { m_fx->client()->send(reg, cb); });
    QVERIFY2(registered, qPrintable(registered ? QString() : registered.error().describe()));
    QVERIFY(m_fx->showPage(QStringLiteral("keysPage")));
    QVERIFY(m_fx->showPage(QStringLiteral("membersPage")));
    QTRY_VERIFY_WITH_TIMEOUT(
        (item = row(table, 0, QStringLiteral("new.colleague@example.com"))) && item->text(3) == QLatin1String("active"),
        10000);
    table->setCurrentItem(item);
    QVERIFY(m_fx->find<QPushButton>(QStringLiteral("setRoleButton"))->isEnabled());
    m_fx->find<QComboBox>(QStringLiteral("memberRole"))->setCurrentText(QStringLiteral("member"));
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("setRoleButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        (item = row(table, 0, QStringLiteral("new.colleague@example.com"))) && item->text(2) == QLatin1String("member"),
        10000);
    table->setCurrentItem(item);
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("removeMemberButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!row(table, 0, QStringLiteral("new.colleague@example.com")), 10000);
}

void TestUiTeam::createAKeyAndSeeItOnce()
{
    QVERIFY(m_fx->showPage(QStringLiteral("keysPage")));
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("keysTable"));
    QTest::keyClicks(m_fx->find<QLineEdit>(QStringLiteral("keyName")), QStringLiteral("ci-runner"));
    m_fx->find<QSpinBox>(QStringLiteral("maxJobsPerHour"))->setValue(10);
    m_fx->find<QSpinBox>(QStringLiteral("maxConcurrentJobs"))->setValue(2);
    QTest::keyClicks(m_fx->find<QLineEdit>(QStringLiteral("allowedJobTypes")), QStringLiteral("COMMAND"));
    m_fx->find<QSpinBox>(QStringLiteral("expiresInDays"))->setValue(7);
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("createKeyButton")), Qt::LeftButton);

    auto *secret = m_fx->find<QLineEdit>(QStringLiteral("newKeyEdit"));
    QTRY_VERIFY_WITH_TIMEOUT(secret->text().startsWith(QLatin1String("tnv_")), 10000);
    QVERIFY(secret->isVisible());
    const QString key = secret->text();
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 0, QStringLiteral("ci-runner")), 10000);
    QTreeWidgetItem *item = row(table, 0, QStringLiteral("ci-runner"));
    QVERIFY2(item->text(3).contains(QLatin1String("10")) && item->text(3).contains(QLatin1String("2")),
        qPrintable(item->text(3)));
    QCOMPARE(item->text(4), QStringLiteral("COMMAND"));
    QVERIFY(!item->text(5).isEmpty()); // expires
    for (int c = 0; c < table->columnCount(); ++c)
        QVERIFY(!item->text(c).contains(key)); // the list never holds the secret

    // the key works, with its quota
    ClientConnection conn = m_fx->client()->connection();
    conn.apiKey = key;
    ComputeClient asKey(conn);
    const auto me = awaitResult<WhoAmI>([&](auto cb) { asKey.whoAmI(cb); });
    QVERIFY2(me, qPrintable(me ? QString() : me.error().describe()));

    // shown once: dismissed, it is gone, and a reload does not bring it back
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("dismissKeyButton")), Qt::LeftButton);
    QVERIFY(secret->text().isEmpty());
    QVERIFY(!secret->isVisible());
    QVERIFY(m_fx->showPage(QStringLiteral("membersPage")));
    QVERIFY(m_fx->showPage(QStringLiteral("keysPage")));
    QVERIFY(secret->text().isEmpty());

    // revoke it from the page: it stops working
    table->setCurrentItem(row(table, 0, QStringLiteral("ci-runner")));
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("revokeKeyButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!awaitResult<WhoAmI>([&](auto cb) { asKey.whoAmI(cb); }), 10000);
}

void TestUiTeam::auditVerifiesAndExports()
{
    QVERIFY(m_fx->showPage(QStringLiteral("auditPage")));
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("auditTable"));
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 3, QStringLiteral("key.create")), 10000);
    QVERIFY(row(table, 3, QStringLiteral("member.invite")));

    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("verifyButton")), Qt::LeftButton);
    auto *verdict = m_fx->find<QLabel>(QStringLiteral("verifyLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(verdict->text().contains(QLatin1String("intact")), 10000);

    // filtered, streamed to a file
    QTest::keyClicks(m_fx->find<QLineEdit>(QStringLiteral("auditAction")), QStringLiteral("key.create"));
    auto *page = m_fx->find<AuditPage>(QStringLiteral("auditPage"));
    QTemporaryDir dir;
    QSignalSpy done(page, &AuditPage::exportFinished);
    page->exportTo(dir.filePath(QStringLiteral("audit.jsonl")), QStringLiteral("jsonl"));
    QVERIFY(done.wait(10000) || done.count() == 1);
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QFile f(dir.filePath(QStringLiteral("audit.jsonl")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    int lines = 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        ++lines;
        QCOMPARE(QJsonDocument::fromJson(line).object().value(QStringLiteral("action")).toString(),
            QStringLiteral("key.create"));
    }
    QVERIFY(lines >= 1);

    done.clear();
    page->exportTo(dir.filePath(QStringLiteral("audit.csv")), QStringLiteral("csv"));
    QVERIFY(done.wait(10000) || done.count() == 1);
    QVERIFY(done.first().at(0).toBool());
    QFile csv(dir.filePath(QStringLiteral("audit.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = csv.readAll().trimmed().split('\n');
    QCOMPARE(rows.size(), lines + 1); // one header line, then the same entries
}

namespace {
// An edit of the embedded control plane's audit log behind its back, over a connection of our own.
int tamper(const QString &dbPath, const QString &statement)
{
    int changed = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
        db.setDatabaseName(dbPath);
        if (db.open()) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("PRAGMA busy_timeout=5000"));
            if (q.exec(statement))
                changed = q.numRowsAffected();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
    return changed;
}
}

void TestUiTeam::auditShowsWhereTheChainBreaks()
{
    QVERIFY(m_fx->showPage(QStringLiteral("auditPage")));
    auto *actionFilter = m_fx->find<QLineEdit>(QStringLiteral("auditAction"));
    actionFilter->clear();
    auto *page = m_fx->find<AuditPage>(QStringLiteral("auditPage"));
    page->reload();
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("auditTable"));
    QTRY_VERIFY_WITH_TIMEOUT(table->topLevelItemCount() >= 4, 10000);
    const QTreeWidgetItem *middle = table->topLevelItem(table->topLevelItemCount() / 2);
    const qint64 seq = middle->data(0, Qt::DisplayRole).toLongLong();
    const QString actor = middle->text(2);
    const QString db = m_fx->dataDir() + QStringLiteral("/tanvrit.db");
    QCOMPARE(tamper(db, QStringLiteral("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = %1").arg(seq)), 1);

    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("verifyButton")), Qt::LeftButton);
    auto *verdict = m_fx->find<QLabel>(QStringLiteral("verifyLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(verdict->text().contains(QStringLiteral("#%1").arg(seq)), 10000);
    QVERIFY(table->currentItem() && table->currentItem()->data(0, Qt::DisplayRole).toLongLong() == seq);

    // put back: whole again
    QCOMPARE(tamper(db, QStringLiteral("UPDATE audit_log SET actor = '%1' WHERE seq = %2").arg(actor).arg(seq)), 1);
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("verifyButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(verdict->text().contains(QLatin1String("intact")), 10000);
}

void TestUiTeam::aMemberSeesWhatTheyMayUse()
{
    const auto minted = awaitResult<KeyView>([&](auto cb) {
        m_fx->client()->createKey(
            {{QStringLiteral("name"), QStringLiteral("as-member")}, {QStringLiteral("role"), QStringLiteral("member")}},
            cb);
    });
    QVERIFY(minted);
    ClientConnection conn = m_fx->client()->connection();
    conn.apiKey = minted.value().key;
    m_fx->session()->connectTo(conn, QStringLiteral("member"));
    QTRY_VERIFY_WITH_TIMEOUT(m_fx->session()->state() == ConsoleSession::State::Connected
            && m_fx->session()->role() == QLatin1String("member"),
        15000);

    // the audit log is an admin's: its page is not offered
    QVERIFY(!m_fx->showPage(QStringLiteral("auditPage")));
    // nodes: read, but no drain, remove, rotate or add, and the reason is said
    QVERIFY(m_fx->showPage(QStringLiteral("nodesPage")));
    auto *tree = m_fx->find<QTreeWidget>(QStringLiteral("nodesTree"));
    QTRY_VERIFY_WITH_TIMEOUT(tree->topLevelItemCount() == 1, 10000);
    tree->setCurrentItem(tree->topLevelItem(0));
    for (const char *name : {"drainAction", "removeAction", "rotateKeyAction", "addNodeAction"}) {
        auto *a = m_fx->find<QAction>(QLatin1String(name));
        QVERIFY2(a && !a->isEnabled(), name);
        QVERIFY2(a->toolTip().contains(QLatin1String("admin")), qPrintable(a->toolTip()));
    }
    // members: listed, nothing to change
    QVERIFY(m_fx->showPage(QStringLiteral("membersPage")));
    QTRY_VERIFY_WITH_TIMEOUT(m_fx->find<QTreeWidget>(QStringLiteral("membersTable"))->topLevelItemCount() >= 1, 10000);
    QVERIFY(!m_fx->find<QPushButton>(QStringLiteral("inviteButton"))->isEnabled());
    QVERIFY(!m_fx->find<QPushButton>(QStringLiteral("removeMemberButton"))->isEnabled());
    // keys: a member makes their own
    QVERIFY(m_fx->showPage(QStringLiteral("keysPage")));
    QVERIFY(m_fx->find<QPushButton>(QStringLiteral("createKeyButton"))->isEnabled());
    // …and the server's refusal of a role above theirs shows at the role field
    QTest::keyClicks(m_fx->find<QLineEdit>(QStringLiteral("keyName")), QStringLiteral("too-high"));
    auto *role = m_fx->find<QComboBox>(QStringLiteral("keyRole"));
    role->setCurrentText(QStringLiteral("owner"));
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("createKeyButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(role->property("fieldError").toString().contains(QLatin1String("at most")), 10000);
    QVERIFY(m_fx->find<QLineEdit>(QStringLiteral("keyName"))->property("fieldError").toString().isEmpty());
    QVERIFY(m_fx->find<QLineEdit>(QStringLiteral("newKeyEdit"))->text().isEmpty());
    // the dashboard reads as for anyone
    QVERIFY(m_fx->showPage(QStringLiteral("dashboardPage")));
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_fx->find<QLabel>(QStringLiteral("count_QUEUED"))->property("value").toString().isEmpty(), 10000);
    QVERIFY(!m_fx->find<QLabel>(QStringLiteral("dashboardStatus"))->text().contains(QLatin1String("Could not")));
}

QTEST_MAIN(TestUiTeam)
#include "tst_uiteam.moc"

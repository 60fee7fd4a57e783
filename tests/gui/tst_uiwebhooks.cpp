// The Webhooks page driven as a user would (part 3), against the console's embedded control plane and a
// real local receiver: create a hook (its secret shown once), send a test, see the delivery in the log,
// resend it, and delete the hook.
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "GuiFixture.h"
#include "WebhookReceiver.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>

class TestUiWebhooks : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void createTestAndResendFromThePage();
    void aMemberSeesTheControlsDisabledWithTheReason(); // last: it reconnects the console as a member

private:
    static QTreeWidgetItem *row(QTreeWidget *tree, int column, const QString &text);
    GuiFixture *m_fx = nullptr;
};

QTreeWidgetItem *TestUiWebhooks::row(QTreeWidget *tree, int column, const QString &text)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(column) == text)
            return tree->topLevelItem(i);
    return nullptr;
}

void TestUiWebhooks::initTestCase()
{
    m_fx = new GuiFixture;
    QVERIFY(m_fx->start(0));
}

void TestUiWebhooks::cleanupTestCase()
{
    delete m_fx;
}

void TestUiWebhooks::createTestAndResendFromThePage()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    QVERIFY(m_fx->showPage(QStringLiteral("webhooksPage")));
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("webhooksTable"));
    auto *url = m_fx->find<QLineEdit>(QStringLiteral("webhookUrl"));
    auto *events = m_fx->find<QLineEdit>(QStringLiteral("webhookEvents"));
    QVERIFY(table && url && events);
    QTest::keyClicks(url, receiver.url().toString());
    events->clear();
    QTest::keyClicks(events, QStringLiteral("ping, job.terminal"));
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("createWebhookButton")), Qt::LeftButton);

    auto *secret = m_fx->find<QLineEdit>(QStringLiteral("webhookSecretEdit"));
    QTRY_VERIFY_WITH_TIMEOUT(secret->text().startsWith(QLatin1String("whsec_")), 10000);
    QVERIFY(secret->isVisible());
    const QString signingSecret = secret->text();
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 0, receiver.url().toString()), 10000);
    QTreeWidgetItem *item = row(table, 0, receiver.url().toString());
    QCOMPARE(item->text(1), QStringLiteral("ping, job.terminal"));
    for (int c = 0; c < table->columnCount(); ++c)
        QVERIFY(!item->text(c).contains(signingSecret));
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("dismissSecretButton")), Qt::LeftButton);
    QVERIFY(secret->text().isEmpty());

    table->setCurrentItem(item);
    auto *test = m_fx->find<QPushButton>(QStringLiteral("testWebhookButton"));
    QTRY_VERIFY(test->isEnabled());
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 1, 10000);
    QVERIFY(WebhookReceiver::verify(receiver.requests().first().header("tanvrit-signature"),
        receiver.requests().first().body, signingSecret.toUtf8()));

    // the delivery log shows it: state, HTTP status, response time, attempt
    auto *log = m_fx->find<QTreeWidget>(QStringLiteral("deliveriesTable"));
    QTRY_VERIFY_WITH_TIMEOUT(log->topLevelItemCount() == 1 && log->topLevelItem(0)->text(2) == "delivered", 15000);
    QCOMPARE(log->topLevelItem(0)->text(1), QStringLiteral("ping"));
    QCOMPARE(log->topLevelItem(0)->text(3), QStringLiteral("200"));
    QVERIFY(log->topLevelItem(0)->text(4).toInt() >= 0);
    QCOMPARE(log->topLevelItem(0)->text(5), QStringLiteral("1"));
    QTRY_VERIFY_WITH_TIMEOUT(row(table, 0, receiver.url().toString())->text(3).contains("delivered"), 10000);

    // resend the selected delivery
    log->setCurrentItem(log->topLevelItem(0));
    auto *resend = m_fx->find<QPushButton>(QStringLiteral("resendDeliveryButton"));
    QTRY_VERIFY(resend->isEnabled());
    QTest::mouseClick(resend, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 2, 10000);
    QCOMPARE(
        receiver.requests().at(1).header("tanvrit-event-id"), receiver.requests().at(0).header("tanvrit-event-id"));
    QTRY_VERIFY_WITH_TIMEOUT(log->topLevelItemCount() == 2, 10000);

    // delete it
    table->setCurrentItem(row(table, 0, receiver.url().toString()));
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("deleteWebhookButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!row(table, 0, receiver.url().toString()), 10000);
}

void TestUiWebhooks::aMemberSeesTheControlsDisabledWithTheReason()
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
    QVERIFY(m_fx->showPage(QStringLiteral("webhooksPage")));
    auto *note = m_fx->find<QLabel>(QStringLiteral("webhooksRoleNote"));
    QTRY_VERIFY(note->isVisible());
    QVERIFY(note->text().contains(QLatin1String("admins")));
    auto *create = m_fx->find<QPushButton>(QStringLiteral("createWebhookButton"));
    QVERIFY(!create->isEnabled());
    QVERIFY(create->toolTip().contains(QLatin1String("admins")));
    for (const char *name : {"testWebhookButton", "rotateWebhookSecretButton", "deleteWebhookButton", "resendDeliveryButton"})
        QVERIFY2(!m_fx->find<QPushButton>(QLatin1String(name))->isEnabled(), name);
    QVERIFY(!m_fx->find<QLabel>(QStringLiteral("webhooksStatus"))->text().contains("Could not")); // no 403 shown
}

QTEST_MAIN(TestUiWebhooks)
#include "tst_uiwebhooks.moc"

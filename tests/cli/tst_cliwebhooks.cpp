// `tanvrit-compute webhooks …` (part 3) against a real server and a real local receiver: create prints the
// secret once, list/get/-o json, test and the delivery log, resend, rotate-secret, delete, exit codes.
#include "CliSupport.h"
#include "WebhookReceiver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

class TestCliWebhooks : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void createListTestDeliveriesResendDelete();
    void usageAndNotFound();

private:
    CliFixture m_fx;
    CliRunner *m_cli = nullptr;
};

void TestCliWebhooks::initTestCase()
{
    QVERIFY2(m_fx.start({}, 0), m_fx.diag().constData());
    m_cli = &m_fx.cli();
}

void TestCliWebhooks::cleanup()
{
    const QStringList violations = m_fx.takeViolations();
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
}

void TestCliWebhooks::createListTestDeliveriesResendDelete()
{
    WebhookReceiver receiver;
    QVERIFY(receiver.listen());
    const CliResult created = m_cli->run(
        {"webhooks", "create", receiver.url().toString(), "--event", "ping,job.created", "--description", "cli"});
    QVERIFY2(created.exitCode == 0, created.describe());
    const QString secret = QString::fromUtf8(created.out).trimmed();
    QVERIFY2(secret.startsWith("whsec_"), created.describe());
    QVERIFY(created.err.contains("shown once"));

    const CliResult json = m_cli->run({"webhooks", "list", "-o", "json"});
    QVERIFY2(json.exitCode == 0, json.describe());
    const QJsonArray hooks = json.json().object().value("webhooks").toArray();
    QCOMPARE(hooks.size(), 1);
    const QString id = hooks.first().toObject().value("id").toString();
    QCOMPARE(hooks.first().toObject().value("events").toArray().size(), 2);
    QVERIFY(!json.out.contains(secret.toUtf8()));

    const CliResult table = m_cli->run({"webhooks", "list"});
    QVERIFY2(table.exitCode == 0, table.describe());
    QVERIFY(table.outLines().value(0).startsWith("ID"));
    QVERIFY(table.out.contains(id.toUtf8()) && table.out.contains("active"));

    const CliResult tested = m_cli->run({"webhooks", "test", id});
    QVERIFY2(tested.exitCode == 0, tested.describe());
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 1, 10000);
    QVERIFY(WebhookReceiver::verify(
        receiver.requests().first().header("tanvrit-signature"), receiver.requests().first().body, secret.toUtf8()));

    QJsonObject delivery;
    QTRY_VERIFY_WITH_TIMEOUT((delivery = m_cli->run({"webhooks", "deliveries", id, "-o", "json"})
                                             .json()
                                             .object()
                                             .value("deliveries")
                                             .toArray()
                                             .first()
                                             .toObject())
                                 .value("state")
            == "delivered",
        10000);
    QCOMPARE(delivery.value("httpStatus").toInt(), 200);
    const CliResult log = m_cli->run({"webhooks", "deliveries", id});
    QVERIFY2(log.exitCode == 0, log.describe());
    QVERIFY(log.out.contains("delivered") && log.out.contains("ping"));

    const CliResult resent = m_cli->run({"webhooks", "resend", id, delivery.value("id").toString()});
    QVERIFY2(resent.exitCode == 0, resent.describe());
    QTRY_COMPARE_WITH_TIMEOUT(receiver.requests().size(), 2, 10000);

    const CliResult rotated = m_cli->run({"webhooks", "rotate-secret", id});
    QVERIFY2(rotated.exitCode == 0, rotated.describe());
    const QString fresh = QString::fromUtf8(rotated.out).trimmed();
    QVERIFY(fresh.startsWith("whsec_") && fresh != secret);

    const CliResult got = m_cli->run({"webhooks", "get", id});
    QVERIFY2(got.exitCode == 0, got.describe());
    QVERIFY(got.out.contains(receiver.url().toString().toUtf8()));
    QVERIFY(!got.out.contains(fresh.toUtf8()));

    const CliResult deleted = m_cli->run({"webhooks", "delete", id});
    QVERIFY2(deleted.exitCode == 0, deleted.describe());
    QCOMPARE(m_cli->run({"webhooks", "get", id}).exitCode, 66);
}

void TestCliWebhooks::usageAndNotFound()
{
    QCOMPARE(m_cli->run({"webhooks", "create", "http://127.0.0.1:9/h"}).exitCode, 64); // no --event
    QCOMPARE(m_cli->run({"webhooks", "get"}).exitCode, 64);
    QCOMPARE(m_cli->run({"webhooks", "resend", "wh_x"}).exitCode, 64);
    QCOMPARE(m_cli->run({"webhooks", "test", "wh_nope"}).exitCode, 66);
    const CliResult refused = m_cli->run({"webhooks", "create", "http://169.254.169.254/", "--event", "ping"});
    QCOMPARE(refused.exitCode, 65);
    QVERIFY(refused.err.contains("metadata"));
}

QTEST_MAIN(TestCliWebhooks)
#include "tst_cliwebhooks.moc"

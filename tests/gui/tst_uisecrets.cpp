// Part 2 (secret vaults): the Secrets page driven as a user would, against the console's embedded control
// plane: create a vault, set a secret through the "Set secret" dialog (a password field, cleared once sent),
// see it listed on the page and by the server, rotate it; the value never appears in any widget after saving.
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "GuiFixture.h"
#include "SecretsPage.h"

#include <QDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>
#include <QTreeWidget>

class TestUiSecrets : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void setASecretThroughThePage();

private:
    QStringList visibleTexts() const;
    void setValue(SecretsPage *page, QPushButton *opener, const QString &name, const QString &value);
    GuiFixture *m_fx = nullptr;
};

void TestUiSecrets::initTestCase()
{
    m_fx = new GuiFixture;
    QVERIFY(m_fx->start(1));
}

void TestUiSecrets::cleanupTestCase()
{
    delete m_fx;
}

QStringList TestUiSecrets::visibleTexts() const
{
    QStringList out;
    for (const QLineEdit *e : m_fx->window()->findChildren<QLineEdit *>())
        out << e->text() << e->displayText();
    for (const QLabel *l : m_fx->window()->findChildren<QLabel *>())
        out << l->text();
    for (const QTreeWidget *t : m_fx->window()->findChildren<QTreeWidget *>())
        for (int i = 0; i < t->topLevelItemCount(); ++i)
            for (int c = 0; c < t->columnCount(); ++c)
                out << t->topLevelItem(i)->text(c) << t->topLevelItem(i)->toolTip(c);
    return out;
}

void TestUiSecrets::setValue(SecretsPage *page, QPushButton *opener, const QString &name, const QString &value)
{
    QTest::mouseClick(opener, Qt::LeftButton);
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = page->findChild<QDialog *>(QStringLiteral("setSecretDialog"))) != nullptr);
    auto *nameField = dialog->findChild<QLineEdit *>(QStringLiteral("secretName"));
    auto *valueField = dialog->findChild<QLineEdit *>(QStringLiteral("secretValue"));
    QVERIFY(nameField && valueField);
    QCOMPARE(valueField->echoMode(), QLineEdit::Password);
    if (!nameField->isReadOnly())
        nameField->setText(name);
    QCOMPARE(nameField->text(), name);
    QTest::keyClicks(valueField, value);
    QVERIFY(!valueField->displayText().contains(value));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("secretSave")), Qt::LeftButton);
    QVERIFY(valueField->text().isEmpty()); // cleared as it is sent
    QTRY_VERIFY_WITH_TIMEOUT(page->findChild<QDialog *>(QStringLiteral("setSecretDialog")) == nullptr, 15000);
}

void TestUiSecrets::setASecretThroughThePage()
{
    QVERIFY(m_fx->showPage(QStringLiteral("secretsPage")));
    auto *page = m_fx->find<SecretsPage>(QStringLiteral("secretsPage"));
    QVERIFY(page);
    QVERIFY(!m_fx->find<QLabel>(QStringLiteral("secretsDenied"))->isVisible()); // the console's owner may
    m_fx->find<QLineEdit>(QStringLiteral("newVaultName"))->setText(QStringLiteral("gui"));
    QTest::mouseClick(m_fx->find<QPushButton>(QStringLiteral("createVaultButton")), Qt::LeftButton);
    auto *vaults = m_fx->find<QListWidget>(QStringLiteral("secretVaults"));
    QTRY_COMPARE_WITH_TIMEOUT(vaults->count(), 1, 15000);
    QTRY_VERIFY(!page->currentVault().isEmpty());

    const QString value = QStringLiteral("gui-secret-V4lue-93");
    setValue(page, m_fx->find<QPushButton>(QStringLiteral("setSecretButton")), QStringLiteral("GUI_TOKEN"), value);
    auto *table = m_fx->find<QTreeWidget>(QStringLiteral("secretsTable"));
    QTRY_COMPARE_WITH_TIMEOUT(table->topLevelItemCount(), 1, 15000);
    QCOMPARE(table->topLevelItem(0)->text(0), QStringLiteral("GUI_TOKEN"));
    QCOMPARE(table->topLevelItem(0)->text(1), QStringLiteral("1"));

    // the server lists it, without its value
    const auto listed
        = awaitResult<SecretList>([&](ClientCallback<SecretList> cb) { m_fx->client()->secrets("gui", cb); });
    QVERIFY2(listed, qPrintable(listed ? QString() : listed.error().describe()));
    QCOMPARE(listed.value().secrets.size(), 1);
    QCOMPARE(listed.value().secrets.first().name, QStringLiteral("GUI_TOKEN"));
    QVERIFY(!QJsonDocument(listed.value().json).toJson().contains(value.toUtf8()));

    // rotate: the name is fixed, a new value makes version 2
    table->setCurrentItem(table->topLevelItem(0));
    const QString rotated = QStringLiteral("gui-rotated-V4lue-17");
    setValue(page, page->findChild<QPushButton *>(QStringLiteral("rotateSecretButton")), QStringLiteral("GUI_TOKEN"), rotated);
    QTRY_COMPARE_WITH_TIMEOUT(
        table->topLevelItem(0) ? table->topLevelItem(0)->text(1) : QString(), QStringLiteral("2"), 15000);

    for (const QString &t : visibleTexts())
        QVERIFY2(!t.contains(value) && !t.contains(rotated), qPrintable(t));
}

QTEST_MAIN(TestUiSecrets)
#include "tst_uisecrets.moc"

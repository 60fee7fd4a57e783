// Connection profiles through the Settings page: a remote deployment with an API key and back to the
// embedded one; a lost connection shows the banner and comes back by itself; an email/password profile
// signs in (tokens kept, never the password); secrets land in a 0600 file when no keychain answers.
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "GuiFixture.h"
#include "SignInDialog.h"
#include "TestServer.h"
#include "TestTeam.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

namespace {
quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
}

class TestUiProfiles : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void remoteProfileAndBack();
    void lostConnectionShowsBannerAndReconnects();
    void passwordProfileSignsIn();
    void badProfileIsRefusedInline();

private:
    void fillProfile(const QString &name, const QString &url, int auth, const QString &secretOrEmail);
    std::unique_ptr<GuiFixture> m_fx;
};

void TestUiProfiles::init()
{
    m_fx = std::make_unique<GuiFixture>();
    QVERIFY(m_fx->start(1));
    QVERIFY(m_fx->showPage("settingsPage"));
}

void TestUiProfiles::cleanup()
{
    m_fx.reset();
}

void TestUiProfiles::fillProfile(const QString &name, const QString &url, int auth, const QString &secretOrEmail)
{
    QTest::mouseClick(m_fx->find<QPushButton>("profileNew"), Qt::LeftButton);
    m_fx->find<QLineEdit>("profileName")->setText(name);
    m_fx->find<QLineEdit>("profileUrl")->setText(url);
    m_fx->find<QComboBox>("profileAuth")->setCurrentIndex(auth);
    if (auth == 0)
        m_fx->find<QLineEdit>("profileApiKey")->setText(secretOrEmail);
    else
        m_fx->find<QLineEdit>("profileEmail")->setText(secretOrEmail);
}

void TestUiProfiles::remoteProfileAndBack()
{
    TestServer remote;
    QVERIFY(remote.start());
    const QString embeddedUrl = m_fx->url();
    QSignalSpy resets(m_fx->session(), &ConsoleSession::reset);
    fillProfile("Remote", remote.url().toString(QUrl::StripTrailingSlash), 0, remote.adminKey());
    QTest::mouseClick(m_fx->find<QPushButton>("profileConnect"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->session()->profileName(), QStringLiteral("Remote"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->session()->state(), ConsoleSession::State::Connected, 20000);
    QCOMPARE(m_fx->session()->serverUrl(), remote.url().toString(QUrl::StripTrailingSlash));
    QVERIFY(resets.size() >= 1); // every page reloads
    QVERIFY(m_fx->find<QLabel>("statusConnection")->text().contains("Remote"));
    // the page's API calls now reach the remote server: a job submitted there is seen through the session
    const auto submitted = remote.post("/v0/jobs", QJsonObject {{"command", "true"}});
    QCOMPARE(submitted.status, 201);
    const auto seen = awaitResult<JobView>(
        [&](auto cb) { m_fx->session()->client()->job(submitted.json.value("id").toString(), cb); });
    QVERIFY2(seen, qPrintable(seen ? QString() : seen.error().describe()));

    // the key is not in the settings file; it is in the 0600 fallback file (no keychain here)
    QSettings settings;
    settings.sync();
    QFile ini(settings.fileName());
    QVERIFY(ini.open(QIODevice::ReadOnly));
    QVERIFY(!ini.readAll().contains(remote.adminKey().toUtf8()));
    const QString secrets = m_fx->app()->profiles()->fallbackFile();
    QFile secretFile(secrets);
    QVERIFY(secretFile.open(QIODevice::ReadOnly));
    QVERIFY(secretFile.readAll().contains(remote.adminKey().toUtf8()));
    QCOMPARE(QFileInfo(secrets).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFileDevice::Permissions());
    QVERIFY(m_fx->find<QLabel>("settingsMessage")->text().contains("keychain"));

    // and back to the embedded control plane
    auto *list = m_fx->find<QListWidget>("profileList");
    list->setCurrentItem(list->findItems("Embedded", Qt::MatchExactly).first());
    QTest::mouseClick(m_fx->find<QPushButton>("profileConnect"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->session()->serverUrl(), embeddedUrl, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->session()->state(), ConsoleSession::State::Connected, 20000);
    QCOMPARE(m_fx->session()->role(), QStringLiteral("owner"));
}

void TestUiProfiles::lostConnectionShowsBannerAndReconnects()
{
    TestServer remote({"--listen", QStringLiteral("127.0.0.1:%1").arg(freePort())});
    QVERIFY(remote.start());
    fillProfile("Flaky", remote.url().toString(QUrl::StripTrailingSlash), 0, remote.adminKey());
    QTest::mouseClick(m_fx->find<QPushButton>("profileConnect"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->session()->profileName(), QStringLiteral("Flaky"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->session()->state(), ConsoleSession::State::Connected, 20000);
    auto *banner = m_fx->find<QWidget>("connectionBanner");
    QVERIFY(!banner->isVisible());

    remote.kill9();
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 20000);
    QVERIFY(m_fx->find<QLabel>("connectionBannerText")->text().contains("lost"));
    QCOMPARE(m_fx->session()->state(), ConsoleSession::State::Reconnecting);

    QVERIFY(remote.restart()); // same port: the console finds it again by itself
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 40000);
    QCOMPARE(m_fx->session()->state(), ConsoleSession::State::Connected);
}

void TestUiProfiles::passwordProfileSignsIn()
{
    TestServer remote;
    QVERIFY(remote.start());
    TestTeam team(remote);
    const auto person = team.addPerson(team.defaultWorkspace(), "member");
    QVERIFY(person);
    fillProfile("Me", remote.url().toString(QUrl::StripTrailingSlash), 1, person->email);
    QTest::mouseClick(m_fx->find<QPushButton>("profileConnect"), Qt::LeftButton);
    SignInDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = m_fx->window()->findChild<SignInDialog *>()) && dialog->isVisible(), 10000);
    auto *password = dialog->findChild<QLineEdit *>("signInPassword");
    password->setText("not-the-password");
    QTest::keyClick(password, Qt::Key_Return);
    auto *error = dialog->findChild<QLabel *>("signInError");
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 10000);
    QVERIFY(!error->text().isEmpty());
    password->setText(person->password);
    QTest::keyClick(password, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->session()->state(), ConsoleSession::State::Connected, 20000);
    QCOMPARE(m_fx->session()->me().email, person->email);
    QCOMPARE(m_fx->session()->role(), QStringLiteral("member"));
    // the refresh token is kept, never the password
    QFile secrets(m_fx->app()->profiles()->fallbackFile());
    QVERIFY(secrets.open(QIODevice::ReadOnly));
    const QByteArray stored = secrets.readAll();
    QVERIFY(!stored.contains(person->password.toUtf8()));
    QVERIFY(stored.contains("\"Me\""));
}

void TestUiProfiles::badProfileIsRefusedInline()
{
    fillProfile("Broken", "ftp://example.com", 0, "tnv_x");
    QTest::mouseClick(m_fx->find<QPushButton>("profileConnect"), Qt::LeftButton);
    QVERIFY(m_fx->find<QLabel>("settingsMessage")->text().contains("URL"));
    QCOMPARE(m_fx->session()->profileName(), QStringLiteral("Embedded"));
    QVERIFY(!m_fx->app()->profiles()->contains("Broken"));
}

QTEST_MAIN(TestUiProfiles)
#include "tst_uiprofiles.moc"

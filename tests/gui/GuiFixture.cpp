#include "GuiFixture.h"
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "JobState.h"
#include "Page.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

GuiFixture::GuiFixture(const QString &configDir)
    : m_configPath(configDir.isEmpty() ? m_config.path() : configDir)
{
    // settings and keychain fallback of this fixture only, never the user's
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_configPath);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_configPath);
    qputenv("XDG_CONFIG_HOME", m_configPath.toUtf8());
    qputenv("TANVRIT_CONSOLE_NO_KEYCHAIN", "1"); // no keychain daemon on a CI machine: the 0600 file path
}

GuiFixture::~GuiFixture()
{
    stop();
}

bool GuiFixture::start(int agentSlots, qint64 logMaxBytes)
{
    ConsoleOptions o;
    o.embedded.dataDir = m_data.path();
    o.embedded.port = 0;
    o.embedded.agentSlots = agentSlots;
    o.embedded.agentTimeoutSeconds = 30;
    if (logMaxBytes > 0)
        o.embedded.logMaxBytes = logMaxBytes;
    m_app = std::make_unique<ConsoleApp>(o);
    m_app->start();
    QDeadlineTimer deadline(60000);
    while (session()->state() != ConsoleSession::State::Connected && !deadline.hasExpired())
        QTest::qWait(20);
    if (session()->state() != ConsoleSession::State::Connected)
        return false;
    QFile key(m_data.path() + QStringLiteral("/admin.key"));
    if (!key.open(QIODevice::ReadOnly))
        return false;
    m_ownerKey = QString::fromUtf8(key.readAll()).trimmed();
    ClientConnection c;
    c.server = url();
    c.apiKey = m_ownerKey;
    m_setup = std::make_unique<ComputeClient>(c);
    return true;
}

void GuiFixture::stop()
{
    m_setup.reset();
    m_app.reset();
}

ComputeClient *GuiFixture::client() const
{
    return m_setup.get();
}

QString GuiFixture::url() const
{
    return m_app->backend()->url().toString(QUrl::StripTrailingSlash);
}

bool GuiFixture::showPage(const QString &objectName)
{
    window()->showPage(objectName);
    return window()->findChild<QWidget *>(QStringLiteral("pages")) && window()->page(objectName)
        && window()->page(objectName)->isVisible();
}

QString GuiFixture::submit(const QJsonObject &body)
{
    const auto r = awaitResult<SubmittedJob>([&](auto cb) { m_setup->submitJob(body, QString(), cb); });
    return r ? r.value().id : QString();
}

JobView GuiFixture::job(const QString &id)
{
    const auto r = awaitResult<JobView>([&](auto cb) { m_setup->job(id, cb); });
    return r ? r.value() : JobView {};
}

bool GuiFixture::waitForState(const QString &id, const QString &state, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (JobStates::name(job(id).job.state) == state)
            return true;
        QTest::qWait(50);
    }
    return false;
}

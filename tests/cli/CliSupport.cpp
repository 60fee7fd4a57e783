// The CLI suites' fixture (see CliSupport.h). PrismProxy comes from another branch; until it is in
// the tree (CMake defines TANVRIT_HAVE_PRISM) the suites run straight at the server and say so once.
#include "CliSupport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

#include <sys/stat.h>

#ifdef TANVRIT_HAVE_PRISM
#include "PrismProxy.h"
#endif

class PrismProxyHandle
{
public:
#ifdef TANVRIT_HAVE_PRISM
    bool start(const QUrl &upstream, QString *error)
    {
        return m_proxy.start(upstream, error);
    }
    QUrl url() const
    {
        return m_proxy.url();
    }
    QStringList violations() const
    {
        return m_proxy.violations();
    }
    QByteArray output() const
    {
        return m_proxy.output();
    }
    static bool available()
    {
        return !PrismProxy::executable().isEmpty();
    }

private:
    PrismProxy m_proxy;
#else
    bool start(const QUrl &, QString *error)
    {
        *error = QStringLiteral("tests/common/PrismProxy.h is not in this tree");
        return false;
    }
    QUrl url() const
    {
        return {};
    }
    QStringList violations() const
    {
        return {};
    }
    QByteArray output() const
    {
        return {};
    }
    static bool available()
    {
        return false;
    }
#endif
};

CliFixture::CliFixture() = default;
CliFixture::~CliFixture() = default;

bool CliFixture::start(const QStringList &serverArgs, int agentSlots, Route route)
{
    m_server = std::make_unique<TestServer>(serverArgs);
    if (!m_server->start())
        return false;
    if (agentSlots > 0) {
        m_agent = std::make_unique<TestAgent>(m_server->url(), m_server->adminKey(), QStringLiteral("cli-agent"),
            QStringList {QStringLiteral("--slots"), QString::number(agentSlots)});
        if (!m_agent->start())
            return false;
    }
    QString why;
    if (route == Direct) {
        // nothing to check: every command of the test talks to the server directly
    } else if (PrismProxyHandle::available()) {
        m_proxy = std::make_unique<PrismProxyHandle>();
        if (!m_proxy->start(m_server->url(), &why)) {
            qWarning().noquote() << "CLI suite: Prism proxy did not start, running directly:" << why;
            m_proxy.reset();
        }
    } else {
        static bool said = false;
        if (!said)
            qInfo() << "CLI suite: no Prism proxy here; commands go straight to the server";
        said = true;
    }
    m_cli.setEnv(QStringLiteral("TANVRIT_SERVER"), apiUrl().toString());
    m_cli.setEnv(QStringLiteral("TANVRIT_API_KEY"), m_server->adminKey());
    return true;
}

QByteArray CliFixture::diag() const
{
    QByteArray s;
    if (m_server)
        s += "--- server\n" + m_server->output().right(3000);
    if (m_agent)
        s += "\n--- agent\n" + m_agent->output().right(2000);
    if (m_proxy)
        s += "\n--- prism\n" + m_proxy->output().right(2000);
    return s;
}

QUrl CliFixture::apiUrl() const
{
    return m_proxy ? m_proxy->url() : m_server->url();
}

bool CliFixture::throughPrism() const
{
    return m_proxy != nullptr;
}

QStringList CliFixture::takeViolations()
{
    if (!m_proxy)
        return {};
    // the proxy keeps every violation; report each once
    const QStringList all = m_proxy->violations();
    const QStringList fresh = all.mid(m_violationsSeen);
    m_violationsSeen = all.size();
    return fresh;
}

CliOptions CliFixture::direct(CliOptions opts) const
{
    opts.env.insert(QStringLiteral("TANVRIT_SERVER"), m_server->url().toString());
    return opts;
}

QJsonObject CliFixture::job(const QString &id)
{
    const TestServer::Reply r = m_server->get(QStringLiteral("/v0/jobs/") + id);
    return r.status == 200 ? r.json : QJsonObject {};
}

QString CliFixture::state(const QString &id)
{
    return job(id).value(QStringLiteral("state")).toString();
}

bool CliFixture::waitForState(const QString &id, const QString &wanted, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (state(id) == wanted)
            return true;
        QTest::qWait(50);
    }
    return state(id) == wanted;
}

bool CliFixture::waitForTerminal(const QString &id, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (isTerminal(state(id)))
            return true;
        QTest::qWait(50);
    }
    return isTerminal(state(id));
}

bool CliFixture::isTerminal(const QString &s)
{
    return s == QLatin1String("SUCCEEDED") || s == QLatin1String("FAILED") || s == QLatin1String("TIMED_OUT")
        || s == QLatin1String("CANCELLED");
}

bool CliFixture::looksLikeJobId(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^job_[0-9a-hjkmnp-tv-z]{26}$"));
    return re.match(text).hasMatch();
}

int CliFixture::fileMode(const QString &path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

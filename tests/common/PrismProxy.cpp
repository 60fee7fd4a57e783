// Prism is an npm tool (tools/npm, installed under the build dir by scripts/npm-tools.sh). With --errors it
// answers a request or response that breaks the document itself (422 for a request, 500 for a response) and
// logs an error line, which violations() picks out.
#include "PrismProxy.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>

namespace {
constexpr int kStartTimeoutMs = 60000;

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}
}

PrismProxy::PrismProxy() = default;

PrismProxy::~PrismProxy()
{
    stop();
}

QString PrismProxy::executable()
{
    const QString fromEnv = qEnvironmentVariable("TANVRIT_PRISM");
    const QString path = !fromEnv.isEmpty()
        ? fromEnv
        : QStringLiteral(TANVRIT_BUILD_DIR) + QStringLiteral("/npm-tools/node_modules/.bin/prism");
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
}

bool PrismProxy::start(const QUrl &upstream, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        stop();
        return false;
    };
    const QString prism = executable();
    if (prism.isEmpty())
        return fail(QStringLiteral("prism is not installed: run scripts/npm-tools.sh (it installs tools/npm into "
                                   "<build>/npm-tools), or set TANVRIT_PRISM"));
    stop();
    m_output.clear();
    m_port = freePort();
    if (m_port == 0)
        return fail(QStringLiteral("no free port for prism"));
    m_proc = std::make_unique<QProcess>();
    m_proc->setProcessChannelMode(QProcess::MergedChannels);
    m_proc->setProgram(prism);
    const QString document = QStringLiteral(TANVRIT_SOURCE_DIR) + QStringLiteral("/docs/openapi.yaml");
    m_proc->setArguments(
        {QStringLiteral("proxy"), document, upstream.toString(QUrl::StripTrailingSlash), QStringLiteral("--errors"),
            QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--host"), QStringLiteral("127.0.0.1")});
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    m_proc->setProcessEnvironment(env);
    m_proc->start();
    if (!m_proc->waitForStarted(10000))
        return fail(QStringLiteral("prism did not start: %1").arg(m_proc->errorString()));

    // Up when it says so and its port takes a connection; node needs a few seconds to load the document.
    const QDeadlineTimer deadline(kStartTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_proc->state() != QProcess::Running)
            return fail(QStringLiteral("prism exited (%1): %2")
                            .arg(m_proc->exitCode())
                            .arg(QString::fromUtf8(output().right(2000))));
        if (output().contains("is listening on")) {
            QTcpSocket probe;
            probe.connectToHost(QHostAddress::LocalHost, m_port);
            if (probe.waitForConnected(1000))
                return true;
        }
        m_proc->waitForReadyRead(200);
    }
    return fail(QStringLiteral("prism did not come up within %1 s: %2")
                    .arg(kStartTimeoutMs / 1000)
                    .arg(QString::fromUtf8(output().right(2000))));
}

QUrl PrismProxy::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QByteArray PrismProxy::output() const
{
    if (m_proc)
        m_output += m_proc->readAll();
    return m_output;
}

QStringList PrismProxy::violations() const
{
    // Prism marks a failed validation with ✖ (error) or ⚠ (warning), names it "Violation" in its validator's
    // lines, and links its own error type (https://stoplight.io/prism/errors#…) when it answered in the
    // server's place.
    QStringList out;
    for (const QByteArray &line : output().split('\n')) {
        const QString l = QString::fromUtf8(line).trimmed();
        if (l.contains(QStringLiteral("✖")) || l.contains(QStringLiteral("⚠"))
            || l.contains(QLatin1String("Violation"), Qt::CaseInsensitive)
            || l.contains(QLatin1String("stoplight.io/prism/errors#")))
            out << l;
    }
    return out;
}

void PrismProxy::stop()
{
    if (!m_proc)
        return;
    if (m_proc->state() != QProcess::NotRunning) {
        m_proc->terminate();
        if (!m_proc->waitForFinished(5000)) {
            m_proc->kill();
            m_proc->waitForFinished(5000);
        }
    }
    output();
    m_proc.reset();
}

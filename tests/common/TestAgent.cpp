// The shared helper for suites that need real agents: `tanvrit-compute agent` as a child process
// (temporary work dir, 1 s heartbeats) whose output is kept for failure messages.
#include "TestAgent.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

#include <csignal>
#include <unistd.h>

TestAgent::TestAgent(QUrl server, QString registrationKey, QString name, QStringList extraArgs)
    : m_server(std::move(server)), m_key(std::move(registrationKey)), m_name(std::move(name)),
      m_extraArgs(std::move(extraArgs))
{
}

TestAgent::~TestAgent()
{
    if (isRunning()) {
        m_proc->kill();
        m_proc->waitForFinished(10000);
    }
    killJobGroups();
}

QString TestAgent::binary() const
{
    const QString fromEnv = qEnvironmentVariable("TANVRIT_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/tanvrit-compute"));
}

qint64 TestAgent::pid() const
{
    return m_proc ? m_proc->processId() : 0;
}

bool TestAgent::isRunning() const
{
    return m_proc && m_proc->state() != QProcess::NotRunning;
}

void TestAgent::parseOutput()
{
    static const QRegularExpression nodeRe(QStringLiteral("registered node=(\\S+)"));
    static const QRegularExpression pidRe(QStringLiteral("job started job=\\S+ attempt=\\d+ pid=(\\d+)"));
    const QString text = QString::fromUtf8(m_output);
    QRegularExpressionMatchIterator it = nodeRe.globalMatch(text);
    while (it.hasNext())
        m_nodeId = it.next().captured(1);
    it = pidRe.globalMatch(text);
    while (it.hasNext()) {
        const qint64 p = it.next().captured(1).toLongLong();
        if (p > 1 && !m_jobPids.contains(p))
            m_jobPids.append(p);
    }
}

bool TestAgent::start(int timeoutMs)
{
    if (!m_workDir.isValid()) {
        m_output += "TestAgent: could not create a temporary work dir\n";
        return false;
    }
    if (isRunning())
        kill9();
    m_proc = std::make_unique<QProcess>();
    QProcess *proc = m_proc.get();
    proc->setProgram(binary());
    proc->setArguments(QStringList{QStringLiteral("agent"), QStringLiteral("--server"), m_server.toString(),
                                   QStringLiteral("--key"), m_key, QStringLiteral("--name"), m_name,
                                   QStringLiteral("--work-dir"), m_workDir.path(),
                                   QStringLiteral("--heartbeat-interval"), QStringLiteral("1")}
                       + m_extraArgs);
    proc->setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(proc, &QProcess::readyReadStandardOutput, proc, [this, proc] {
        m_output += proc->readAllStandardOutput();
    });
    const qsizetype from = m_output.size();
    m_output += "---- TestAgent " + m_name.toUtf8() + ": starting " + binary().toUtf8() + ' '
                + proc->arguments().join(' ').toUtf8() + '\n';
    proc->start();
    if (!proc->waitForStarted(timeoutMs)) {
        m_output += "TestAgent: failed to start: " + proc->errorString().toUtf8() + '\n';
        return false;
    }
    if (!waitForOutput("registered node=", timeoutMs, from)) {
        m_output += "TestAgent: no 'registered node=' line within the start timeout\n";
        return false;
    }
    return !m_nodeId.isEmpty();
}

bool TestAgent::waitForOutput(const QByteArray &needle, int timeoutMs, qsizetype from)
{
    if (!m_proc)
        return false;
    auto found = [&] {
        parseOutput();
        return m_output.indexOf(needle, from) >= 0;
    };
    if (found())
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(m_proc.get(), &QProcess::finished, &loop, &QEventLoop::quit);
    // queued after the member handler above, which appends the data first
    QObject::connect(m_proc.get(), &QProcess::readyReadStandardOutput, &loop, [&] {
        if (found())
            loop.quit();
    }, Qt::QueuedConnection);
    timer.start(timeoutMs);
    loop.exec();
    return found();
}

void TestAgent::kill9()
{
    if (!isRunning())
        return;
    m_proc->kill();
    m_proc->waitForFinished(10000);
    m_output += m_proc->readAllStandardOutput();
    parseOutput();
    m_output += "---- TestAgent " + m_name.toUtf8() + ": killed with SIGKILL\n";
}

bool TestAgent::terminate(int ms)
{
    if (!isRunning())
        return false;
    m_proc->terminate();
    if (!m_proc->waitForFinished(ms)) {
        kill9();
        return false;
    }
    m_output += m_proc->readAllStandardOutput();
    parseOutput();
    return m_proc->exitStatus() == QProcess::NormalExit && m_proc->exitCode() == 0;
}

void TestAgent::killJobGroups()
{
    // Only groups that still have their leader as group id: a recycled pid is left alone.
    for (const qint64 p : std::as_const(m_jobPids)) {
        if (::getpgid(pid_t(p)) == pid_t(p))
            ::kill(-pid_t(p), SIGKILL);
    }
    m_jobPids.clear();
}

// The CLI suites' runner (see CliRunner.h). Waits run an event loop, so a proxy or server child
// process of the same test keeps being read while a command runs.
#include "CliRunner.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTimer>

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

namespace {
QStringList splitLines(const QByteArray &data)
{
    QString text = QString::fromUtf8(data);
    text.remove(QLatin1Char('\r'));
    QStringList lines = text.split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

// Runs the event loop until done() or the deadline; true when done() held.
template <typename Done> bool waitUntil(QProcess *proc, int timeoutMs, Done done)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    auto check = [&] {
        if (done())
            loop.quit();
    };
    QObject::connect(proc, &QProcess::readyReadStandardOutput, &loop, check);
    QObject::connect(proc, &QProcess::readyReadStandardError, &loop, check);
    QObject::connect(proc, &QProcess::finished, &loop, check);
    timer.start(timeoutMs);
    loop.exec();
    return done();
}
} // namespace

QStringList CliResult::outLines() const
{
    return splitLines(out);
}

QStringList CliResult::errLines() const
{
    return splitLines(err);
}

QJsonDocument CliResult::json() const
{
    return QJsonDocument::fromJson(out);
}

QByteArray CliResult::describe() const
{
    QByteArray s = "exit " + QByteArray::number(exitCode);
    if (crashed)
        s += " (crashed)";
    if (timedOut)
        s += " (timed out, killed)";
    s += "\n--- stdout\n" + out.right(3000) + "\n--- stderr\n" + err.right(3000);
    return s;
}

CliProcess::CliProcess(std::unique_ptr<QProcess> proc)
    : m_proc(std::move(proc))
{
}

CliProcess::~CliProcess()
{
    if (isRunning()) {
        m_proc->kill();
        m_proc->waitForFinished(5000);
    }
}

void CliProcess::drain() const
{
    m_out += m_proc->readAllStandardOutput();
    m_err += m_proc->readAllStandardError();
}

QByteArray CliProcess::out() const
{
    drain();
    return m_out;
}

QByteArray CliProcess::err() const
{
    drain();
    return m_err;
}

bool CliProcess::waitForOut(const QByteArray &needle, int timeoutMs)
{
    return waitUntil(m_proc.get(), timeoutMs, [&] { return out().contains(needle); });
}

bool CliProcess::waitForErr(const QByteArray &needle, int timeoutMs)
{
    return waitUntil(m_proc.get(), timeoutMs, [&] { return err().contains(needle); });
}

bool CliProcess::waitForFinished(int timeoutMs)
{
    const bool done = waitUntil(m_proc.get(), timeoutMs, [&] { return !isRunning(); });
    drain();
    return done;
}

bool CliProcess::isRunning() const
{
    return m_proc->state() != QProcess::NotRunning;
}

void CliProcess::interrupt()
{
    if (isRunning())
        ::kill(pid_t(m_proc->processId()), SIGINT);
}

void CliProcess::write(const QByteArray &data)
{
    m_proc->write(data);
}

void CliProcess::closeStdin()
{
    m_proc->closeWriteChannel();
}

bool CliProcess::childTerminalEchoes(bool *known) const
{
    // the command runs as `script`'s child with the pty slave as its stdin; its termios is the terminal's
    *known = false;
    QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(pid()));
    if (!isRunning() || !children.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &child : children.readAll().split(' ')) {
        if (child.trimmed().isEmpty())
            continue;
        const QByteArray tty = QByteArray("/proc/") + child.trimmed() + "/fd/0";
        const int fd = ::open(tty.constData(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        termios t {};
        const bool got = ::tcgetattr(fd, &t) == 0;
        ::close(fd);
        if (got) {
            *known = true;
            return t.c_lflag & ECHO;
        }
    }
    return false;
}

bool CliProcess::catchesInterrupt() const
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid()));
    if (!isRunning() || !status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("SigCgt:"))
            return (line.mid(7).trimmed().toULongLong(nullptr, 16) >> (SIGINT - 1)) & 1;
    }
    return false;
}

qint64 CliProcess::pid() const
{
    return m_proc->processId();
}

CliResult CliProcess::result() const
{
    CliResult r;
    r.out = out();
    r.err = err();
    if (isRunning())
        return r;
    r.crashed = m_proc->exitStatus() == QProcess::CrashExit;
    r.exitCode = r.crashed ? -1 : m_proc->exitCode();
    return r;
}

CliRunner::CliRunner()
{
    // a config dir of our own under HOME, as a fresh user has
    QDir(m_home.path()).mkpath(QStringLiteral(".config"));
}

QString CliRunner::binary()
{
    const QString fromEnv = qEnvironmentVariable("TANVRIT_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/tanvrit-compute"));
}

QString CliRunner::configPath() const
{
    return m_home.filePath(QStringLiteral("tanvrit-config.json"));
}

QProcessEnvironment CliRunner::environment(const CliOptions &opts) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : env.keys()) {
        if (name.startsWith(QLatin1String("TANVRIT_")))
            env.remove(name);
    }
    // colour and table width are decided by each test
    env.remove(QStringLiteral("NO_COLOR"));
    env.remove(QStringLiteral("COLUMNS"));
    env.remove(QStringLiteral("LINES"));
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral(".config")));
    env.insert(QStringLiteral("TANVRIT_CONFIG"), configPath());
    for (auto it = m_env.cbegin(); it != m_env.cend(); ++it)
        env.insert(it.key(), it.value());
    for (auto it = opts.env.cbegin(); it != opts.env.cend(); ++it)
        env.insert(it.key(), it.value());
    for (const QString &name : opts.unset)
        env.remove(name);
    return env;
}

std::unique_ptr<CliProcess> CliRunner::start(const QStringList &args, const CliOptions &opts) const
{
    auto proc = std::make_unique<QProcess>();
    proc->setProgram(binary());
    proc->setArguments(args);
    proc->setProcessEnvironment(environment(opts));
    proc->setWorkingDirectory(m_home.path());
    proc->start();
    proc->waitForStarted(10000);
    if (!opts.stdinData.isEmpty())
        proc->write(opts.stdinData);
    if (!opts.keepStdinOpen)
        proc->closeWriteChannel();
    return std::make_unique<CliProcess>(std::move(proc));
}

CliResult CliRunner::run(const QStringList &args, const CliOptions &opts) const
{
    const std::unique_ptr<CliProcess> p = start(args, opts);
    const bool finished = p->waitForFinished(opts.timeoutMs);
    if (!finished) {
        CliResult r = p->result();
        r.timedOut = true;
        return r;
    }
    return p->result();
}

QString CliRunner::shellQuote(const QString &arg)
{
    QString quoted = arg;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

std::unique_ptr<CliProcess> CliRunner::startOnTty(const QStringList &args, const CliOptions &opts) const
{
    QStringList words {shellQuote(binary())};
    for (const QString &a : args)
        words << shellQuote(a);
    CliOptions ttyOpts = opts;
    if (!ttyOpts.env.contains(QStringLiteral("TERM")))
        ttyOpts.env.insert(QStringLiteral("TERM"), QStringLiteral("xterm-256color"));
    auto proc = std::make_unique<QProcess>();
    proc->setProgram(QStringLiteral("script"));
    proc->setArguments({QStringLiteral("-qfec"), words.join(QLatin1Char(' ')), QStringLiteral("/dev/null")});
    proc->setProcessEnvironment(environment(ttyOpts));
    proc->setWorkingDirectory(m_home.path());
    proc->start();
    proc->waitForStarted(10000);
    if (!opts.stdinData.isEmpty())
        proc->write(opts.stdinData);
    auto p = std::make_unique<CliProcess>(std::move(proc));
    if (!opts.keepStdinOpen)
        p->closeStdin();
    return p;
}

CliResult CliRunner::runOnTty(const QStringList &args, const CliOptions &opts) const
{
    CliOptions closed = opts;
    closed.keepStdinOpen = false;
    const std::unique_ptr<CliProcess> p = startOnTty(args, closed);
    const bool finished = p->waitForFinished(opts.timeoutMs);
    CliResult r = p->result();
    r.timedOut = !finished;
    return r;
}

// Runs the real `tanvrit-compute` client commands for the CLI suites, isolated from the user's own
// environment and config: synchronously (exit code, stdout, stderr), on a pseudo-terminal, or as a
// running process a test reads as it prints and interrupts with SIGINT.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QProcess;

struct CliResult
{
    int exitCode = -1;
    bool crashed = false; // killed by a signal
    bool timedOut = false; // the runner's own deadline passed (the process was killed)
    QByteArray out;
    QByteArray err;

    QStringList outLines() const; // stdout split on '\n', no trailing empty line, '\r' removed
    QStringList errLines() const;
    QJsonDocument json() const; // stdout parsed (null when it is not JSON)
    // "exit 66\n--- stdout\n…\n--- stderr\n…" for QVERIFY2 messages.
    QByteArray describe() const;
};

struct CliOptions
{
    QMap<QString, QString> env; // set for this run (over the runner's defaults)
    QStringList unset; // removed for this run
    QByteArray stdinData; // written, then stdin is closed
    int timeoutMs = 60000;
    bool keepStdinOpen = false; // start()/startOnTty(): the test writes more, then calls closeStdin()
};

// A CLI started asynchronously (follow tests): output accumulates as it arrives.
class CliProcess
{
public:
    explicit CliProcess(std::unique_ptr<QProcess> proc);
    ~CliProcess(); // SIGKILLs it if still running
    CliProcess(const CliProcess &) = delete;
    CliProcess &operator=(const CliProcess &) = delete;

    QByteArray out() const;
    QByteArray err() const;
    // Waits (event loop) until stdout (or stderr) contains needle.
    bool waitForOut(const QByteArray &needle, int timeoutMs);
    bool waitForErr(const QByteArray &needle, int timeoutMs);
    bool waitForFinished(int timeoutMs);
    bool isRunning() const;
    void write(const QByteArray &data); // to its stdin (on a tty: typed at the terminal)
    void closeStdin();
    // startOnTty(): whether the terminal of the command under `script` echoes what is typed (its termios,
    // read through the command's stdin); *known is false while the command has not started.
    bool childTerminalEchoes(bool *known) const;
    void interrupt(); // SIGINT, as Ctrl-C
    // True once the process handles SIGINT itself (SigCgt in /proc/<pid>/status): a Ctrl-C sent before that
    // would just kill it.
    bool catchesInterrupt() const;
    qint64 pid() const;
    // Exit code once finished (-1 while running or after a crash).
    CliResult result() const;

private:
    void drain() const;

    std::unique_ptr<QProcess> m_proc;
    mutable QByteArray m_out;
    mutable QByteArray m_err;
};

class CliRunner
{
public:
    CliRunner();
    CliRunner(const CliRunner &) = delete;
    CliRunner &operator=(const CliRunner &) = delete;

    static QString binary();
    QString home() const { return m_home.path(); }
    QString configPath() const; // TANVRIT_CONFIG of every run (a file in home)

    // Defaults for every run of this runner (TANVRIT_SERVER, TANVRIT_API_KEY, …).
    void setEnv(const QString &name, const QString &value) { m_env.insert(name, value); }
    void unsetEnv(const QString &name) { m_env.remove(name); }
    QString env(const QString &name) const { return m_env.value(name); }
    QProcessEnvironment environment(const CliOptions &opts = {}) const;

    CliResult run(const QStringList &args, const CliOptions &opts = {}) const;
    // The same on a pseudo-terminal (`script -qfec`): stdout and stderr arrive together in out.
    CliResult runOnTty(const QStringList &args, const CliOptions &opts = {}) const;
    std::unique_ptr<CliProcess> start(const QStringList &args, const CliOptions &opts = {}) const;
    std::unique_ptr<CliProcess> startOnTty(const QStringList &args, const CliOptions &opts = {}) const;

    static QString shellQuote(const QString &arg);

private:
    QTemporaryDir m_home;
    QMap<QString, QString> m_env;
};

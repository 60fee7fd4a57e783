// The shared helper for suites that need real agents: runs `tanvrit-compute agent` as a child process
// with its own temporary work dir, waits for it to register, and can SIGKILL it to simulate a crash.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

class QProcess;

class TestAgent
{
public:
    // extraArgs are appended after --server/--key/--name/--work-dir/--heartbeat-interval 1
    // (a later flag wins, so a suite can override any of them).
    TestAgent(QUrl server, QString registrationKey, QString name, QStringList extraArgs = {});
    ~TestAgent();   // SIGKILLs the agent if running and the process groups of the jobs it started
    TestAgent(const TestAgent &) = delete;
    TestAgent &operator=(const TestAgent &) = delete;

    // Starts the agent and waits (event loop) until it says it is registered; false on failure.
    bool start(int timeoutMs = 20000);
    // Waits (event loop) until the agent's output contains `needle` after byte offset `from`.
    bool waitForOutput(const QByteArray &needle, int timeoutMs, qsizetype from = 0);
    void kill9();                     // SIGKILL the agent only: its jobs keep running, as after a crash
    bool terminate(int ms = 15000);   // SIGTERM; true when it exited 0 within ms
    bool isRunning() const;

    qint64 pid() const;
    QString name() const { return m_name; }
    QString nodeId() const { return m_nodeId; }   // from "registered node=…" or "stored identity node=…"
    QString workDir() const { return m_workDir.path(); }
    QByteArray output() const { return m_output; }   // stdout and stderr, with start/kill markers
    QString binary() const;

private:
    void parseOutput();
    void killJobGroups();

    QUrl m_server;
    QString m_key;
    QString m_name;
    QStringList m_extraArgs;
    QTemporaryDir m_workDir;
    std::unique_ptr<QProcess> m_proc;
    QByteArray m_output;
    QString m_nodeId;
    QList<qint64> m_jobPids;   // leaders of the process groups the agent started ("job started … pid=N")
};

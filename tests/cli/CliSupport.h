// What every CLI suite sets up: a real server with a real agent, the CLI runner pointed at it
// (through Prism's validating proxy when the helper and Prism are present), and job helpers.
#pragma once

#include "CliRunner.h"
#include "TestAgent.h"
#include "TestServer.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class PrismProxyHandle;

class CliFixture
{
public:
    CliFixture();
    ~CliFixture();

    // Starts the server (serverArgs appended to TestServer's), an agent with `agentSlots` slots when above 0,
    // and the proxy (unless Direct: a test that only streams); the runner gets TANVRIT_SERVER (the proxy's URL
    // when running) and TANVRIT_API_KEY.
    enum Route { ThroughPrism, Direct };
    bool start(const QStringList &serverArgs = {}, int agentSlots = 8, Route route = ThroughPrism);
    QByteArray diag() const; // server, agent and proxy output tails

    TestServer &server() { return *m_server; }
    TestAgent *agent() { return m_agent.get(); }
    CliRunner &cli() { return m_cli; }

    // Where non-streaming commands go: the proxy when it runs, else the server.
    QUrl apiUrl() const;
    bool throughPrism() const;
    // Problems Prism reported since the last call (empty without a proxy).
    QStringList takeViolations();
    // Streaming commands talk to the server directly: options with TANVRIT_SERVER set to it.
    CliOptions direct(CliOptions opts = {}) const;

    // Through the server's API (not the CLI): the job, its state, waiting for a state.
    QJsonObject job(const QString &id);
    QString state(const QString &id);
    bool waitForState(const QString &id, const QString &state, int timeoutMs = 30000);
    bool waitForTerminal(const QString &id, int timeoutMs = 30000);

    static bool isTerminal(const QString &state);
    // The permission bits of a file or directory (0600…), -1 when it does not exist.
    static int fileMode(const QString &path);
    static bool looksLikeJobId(const QString &text);

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestAgent> m_agent;
    std::unique_ptr<PrismProxyHandle> m_proxy;
    qsizetype m_violationsSeen = 0;
    CliRunner m_cli;
};

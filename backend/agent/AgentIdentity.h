// The agent's identity with one control plane (node id, node key, name), kept in <work-dir>/agent.json
// so a restarted agent is the same node.
#pragma once

#include <QString>
#include <QUrl>

#include <optional>

struct AgentIdentity
{
    QUrl serverUrl;
    QString nodeId;
    QString nodeKey;
    QString name; // the name it registered under (empty in files written before names were stored)

    bool isValid() const { return !nodeId.isEmpty() && !nodeKey.isEmpty(); }
};

class AgentIdentityStore
{
public:
    explicit AgentIdentityStore(QString workDir);

    QString path() const;
    // The stored identity for `server`, or nothing (no file, unreadable, another server); *why says which
    // when a file was there but not used.
    std::optional<AgentIdentity> load(const QUrl &server, QString *why = nullptr) const;
    bool save(const AgentIdentity &identity, QString *error = nullptr) const;

    // A stored identity is reused for the same server; a loopback server may have changed port
    // (serve --listen 127.0.0.1:0 with --with-agent).
    static bool sameServer(const QUrl &a, const QUrl &b);

private:
    QString m_workDir;
};

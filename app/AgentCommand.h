// `tanvrit-compute agent`: runs an agent against a control plane; also the local agent of `serve --with-agent`.
#pragma once

#include <QStringList>
#include <QUrl>

class AgentRuntime;
class QObject;

int runAgent(const QStringList &args);

// A started agent for `serve --with-agent`: work dir <dataDir>/agent, name "local", no labels,
// registered with `key` (the owner key from admin.key) on first start.
AgentRuntime *startLocalAgent(const QUrl &server, const QString &key, const QString &dataDir, QObject *parent);

// The values the client returns: typed fields for code that decides on them, and the answer's JSON as the
// server sent it (`json`) for code that shows or forwards it unchanged (`-o json` prints exactly the API's).
#pragma once

#include "Agent.h"
#include "Job.h"
#include "LogLine.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

// Where a client connects and as whom. An API key wins over a session's access token.
struct ClientConnection
{
    QString server = QStringLiteral("http://127.0.0.1:8080");
    QString apiKey;
    QString accessToken;
    QString refreshToken;
    qint64 accessExpiresAtMs = 0; // when accessToken stops working (0: unknown)
    QString workspace; // X-Workspace-Id for a session (a key acts in its own workspace)
    QString caFile; // PEM: trusted for https besides the system's CAs
    int requestTimeoutMs = 30000;
    int maxRetries = 3; // for calls safe to repeat (GET, DELETE, submit with an idempotency key)
};

struct Session
{
    QString userId;
    QString email;
    QString accessToken;
    QString refreshToken;
    qint64 accessExpiresAtMs = 0;
    QJsonObject json;
    static Session fromJson(const QJsonObject &o, qint64 nowMs);
};

struct WhoAmI
{
    QString kind; // session, apiKey, node
    QString email;
    QString userId;
    QString workspaceId;
    QString role;
    QJsonObject json;
};

struct JobView
{
    Job job;
    QString pendingReason;
    QJsonObject json;
    static JobView fromJson(const QJsonObject &o);
};

struct JobFilter
{
    QString state;
    QStringList labels; // "k:v"
    QString since; // ISO 8601 or epoch ms
    QString until;
    QString idPrefix;
    int limit = 50;
    QString cursor;
};

struct JobPage
{
    QList<JobView> jobs;
    QString nextCursor;
    QJsonObject json;
};

struct SubmittedJob
{
    QString id;
    QString state;
    QString createdAt;
    QJsonObject json;
};

struct LogRequest
{
    int attempt = 0; // 0: the latest
    qint64 since = -1; // lines after this seq
    int tail = -1;
    QString stream; // stdout, stderr or empty for both
    int limit = 10000;
};

struct LogPage
{
    QList<LogLine> lines;
    qint64 nextSeq = 1;
    int attempt = 1;
    bool finished = false;
    QString state;
    qint64 dropped = 0;
    QJsonObject json;
};

struct AgentView
{
    Agent agent;
    QJsonObject json;
};

struct AgentList
{
    QList<AgentView> agents;
    QJsonObject json;
};

struct WorkspaceView
{
    QString id;
    QString name;
    QString role;
    QString plan;
    QString createdAt;
    QJsonObject json;
    static WorkspaceView fromJson(const QJsonObject &o);
};

struct WorkspaceList
{
    QList<WorkspaceView> workspaces;
    QJsonObject json;
};

struct MemberList
{
    QJsonArray members; // {userId, email, name, role, status, createdAt}
    QJsonArray invitations; // {email, role, status, invitedBy, createdAt}
    QJsonObject json;
};

struct KeyView
{
    QString id;
    QString key; // only in the answer to create
    QString name;
    QString role;
    QString prefix;
    QJsonObject json;
    static KeyView fromJson(const QJsonObject &o);
};

struct JoinCommand
{
    QString command; // tanvrit-compute agent --server URL --key KEY
    KeyView key; // the key minted for it (shown once)
};

struct KeyList
{
    QList<KeyView> keys;
    QJsonObject json;
};

struct AuditFilter
{
    QString actor;
    QString action;
    QString subject;
    QString since;
    QString until;
};

struct AuditChunk
{
    QByteArray body; // jsonl or csv as sent
    QString nextCursor; // empty: the last chunk
};

struct AuditVerdict
{
    bool ok = false;
    qint64 checked = 0;
    qint64 firstBrokenSeq = 0;
    QString reason;
    qint64 headSeq = 0;
    QString headHash;
    QJsonObject json;
};

// GET /v0/stats: one workspace's figures for a dashboard.
struct FleetStats
{
    struct Minute
    {
        QString minute; // ISO 8601, the minute's start
        qint64 succeeded = 0;
        qint64 failed = 0; // FAILED and TIMED_OUT
        qint64 cancelled = 0;
    };
    struct Failure
    {
        QString id;
        QString state;
        QString error;
        std::optional<int> exitCode;
        QString finishedAt;
        QString command;
    };
    QHash<QString, qint64> jobsByState; // every state name, 0 included
    qint64 queueDepth = 0;
    QList<Minute> finishedPerMinute; // oldest first, the current minute last
    double failureRate = 0; // of the last hour's finished jobs, cancelled ones left out
    int agentsOnline = 0;
    int agentsDraining = 0;
    int agentsLost = 0;
    int gpusTotal = 0;
    int gpusBusy = 0;
    double gpuUtilizationPercent = 0;
    QList<Failure> recentFailures; // newest first
    QJsonObject json;
    static FleetStats fromJson(const QJsonObject &o);
};

// An event of /v0/events.
struct ClientEvent
{
    qint64 seq = 0;
    QString type;
    QString at;
    QString workspaceId;
    QJsonObject data;
};

// The job: what was submitted (JobSpec) and what became of it (state, attempt, history, outcome).
#pragma once

#include "ApiError.h"
#include "JobState.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

struct JobResources
{
    double cpu = 0;
    double memGib = 0;
    int gpus = 0;
};

struct JobSpec
{
    QString type = QStringLiteral("COMMAND");
    QString command;              // run through /bin/sh -c
    QStringList argv;             // run directly, no shell
    QMap<QString, QString> env;
    QStringList secrets;          // names of secrets injected as env (values never stored here)
    JobResources resources;
    int priority = 0;
    int maxRetries = 0;
    int timeoutSeconds = 0;       // 0: no timeout
    QString workingDir;
    QStringList artifacts;        // globs to collect
    QString image;                // CONTAINER jobs
    QStringList cmd;              // CONTAINER jobs
    QMap<QString, QString> labels;

    // Parses and validates a submit body; 422 with per-field messages on bad values.
    static Result<JobSpec> fromJson(const QJsonObject &body);
    void writeJson(QJsonObject &out) const;   // adds the spec's fields to out
    static JobSpec readJson(const QJsonObject &in);   // trusted input (the store)
    // Values that must never appear in logs: env entries named in `secrets` (3+ characters).
    QStringList secretValues() const;
    // schedules (part 4): labels under "tanvrit/" are set by the system (a schedule's runs carry
    // tanvrit/schedule); they describe a job, never constrain its placement, and submit bodies may not set them.
    static bool isSystemLabel(const QString &key) { return key.startsWith(QLatin1String("tanvrit/")); }
};

struct JobTransition
{
    JobState state = JobState::Queued;
    qint64 atMs = 0;
    QString actor;
    QString reason;
    int attempt = 1;
};

struct Job
{
    QString id;
    QString workspaceId;
    QString submittedBy;          // who: "user:<id>" (in person or through one of their keys) or "key:<id>"
    QString apiKeyId;             // the API key it came through, if any (its quotas count it)
    JobSpec spec;
    JobState state = JobState::Queued;
    qint64 createdAt = 0;         // ms since epoch
    qint64 updatedAt = 0;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    int attempt = 1;
    std::optional<int> exitCode;
    qint64 runtimeMs = -1;
    double cpuSeconds = -1;
    qint64 peakMemoryBytes = -1;  // the attempt's peak memory (its cgroup's), -1 unknown
    QString agentId;
    QString error;                // reason of the last failure, e.g. "agent_lost"
    int lostCount = 0;            // requeues because the agent was lost
    int retryCount = 0;           // automatic retries after the job's own failure
    QList<JobTransition> history;

    QJsonObject toJson() const;                  // the API representation
    static Job fromJson(const QJsonObject &o);   // the store's own copy
    // What an API answer shows of a job (toJson()'s object or its stored bytes): the env values a plain
    // `secrets` entry (a name, not vault/NAME) marks secret become "***". The stored copy keeps them: the
    // agent needs them at dispatch. Bytes without a "secrets" key come back untouched, unparsed.
    static void hideSecretEnv(QJsonObject &job);
    static QByteArray hideSecretEnv(const QByteArray &json);
};

QString isoTime(qint64 ms);
std::optional<qint64> parseTime(const QString &isoOrMs);   // ISO 8601 or epoch milliseconds

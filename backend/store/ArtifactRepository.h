// SQL for the artifacts table (Part 1, artifacts); prepared statements only.
#pragma once

#include "Artifact.h"

#include <QList>
#include <QStringList>
#include <optional>

class SqlSession;

namespace ArtifactRepository {
bool insert(SqlSession &s, const Artifact &a);
bool markComplete(SqlSession &s, const QString &id);
bool remove(SqlSession &s, const QString &id);
bool removeJob(SqlSession &s, const QString &jobId);
std::optional<Artifact> find(SqlSession &s, const QString &jobId, const QString &id);
std::optional<Artifact> byName(SqlSession &s, const QString &jobId, int attempt, const QString &name);
// Complete artifacts of a job, oldest first (at most `limit`).
QList<Artifact> list(SqlSession &s, const QString &jobId, int limit);
// Bytes and rows a job holds (complete or still arriving).
qint64 jobBytes(SqlSession &s, const QString &jobId, int *count = nullptr);
// Jobs with an artifact created before cutoffMs (at most `limit`); incomplete ones older than
// staleMs are returned by `stale`.
QStringList jobsOlderThan(SqlSession &s, qint64 cutoffMs, int limit);
QList<Artifact> staleIncomplete(SqlSession &s, qint64 beforeMs, int limit);
}

// A job list query (GET /v0/jobs): the filters and the page, as the API layer parsed them.
#pragma once

#include "JobState.h"

#include <QList>
#include <QPair>
#include <QString>
#include <optional>

struct JobQuery
{
    QString workspaceId;
    std::optional<JobState> state;
    QList<QPair<QString, QString>> labels; // all must match
    std::optional<qint64> since; // createdAt >= since
    std::optional<qint64> until; // createdAt < until
    int limit = 50;
    QString afterId; // cursor: ids strictly older than this
    QString idPrefix; // ids starting with this ("job_01JD…"), for clients resolving a short id
};

// Assertions shared by the API suites: the documented error shape, id and time formats, and a
// page walker for GET /v0/jobs. Each check returns an empty string when fine, else what was wrong.
#pragma once

#include "TestServer.h"

#include <QStringList>
#include <functional>

namespace ApiChecks {

// The error code DESIGN.md §6.1 pairs with an HTTP status ("not_found" for 404…).
QString codeFor(int status);

// Checks status, the X-Compute-API-Version header and the body {"error":c,"code":c,"message":…};
// 405 also needs an Allow header; 422 needs `fields` naming expectedField (alternatives split by '|';
// a key "labels.x" or "labels[3]" counts as naming "labels").
QString errorProblem(const TestServer::Reply &r, int expectedStatus, const QString &expectedField = {});

bool isJobId(const QString &id);          // job_ + 26 lowercase Crockford base32 characters
bool isIsoUtcMs(const QString &time);     // 2024-05-01T12:00:00.123Z
qint64 isoToMs(const QString &time);      // -1 if not parseable
QString msToIso(qint64 ms);

QStringList idsOf(const QJsonArray &jobs);

struct Walk
{
    QStringList ids;          // in the order the pages returned them
    QList<int> pageSizes;
    QString problem;          // empty when every page was a well-formed 200
};
// Follows nextCursor from `query` (e.g. "state=QUEUED&limit=25") until it is null;
// betweenPages runs after each page (to change the data while the walk is under way).
Walk walkJobs(TestServer &server, const QString &query, const std::function<void()> &betweenPages = {});

} // namespace ApiChecks

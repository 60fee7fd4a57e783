// Assertions shared by the API suites: error shape, id and time formats, and the job-list page walker.
#include "ApiChecks.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>

namespace ApiChecks {

QString codeFor(int status)
{
    switch (status) {
    case 400: return QStringLiteral("invalid_request");
    case 401: return QStringLiteral("unauthorized");
    case 402: return QStringLiteral("payment_required");
    case 403: return QStringLiteral("forbidden");
    case 404: return QStringLiteral("not_found");
    case 405: return QStringLiteral("method_not_allowed");
    case 409: return QStringLiteral("conflict");
    case 413: return QStringLiteral("payload_too_large");
    case 422: return QStringLiteral("validation_failed");
    case 429: return QStringLiteral("rate_limited");
    case 431: return QStringLiteral("invalid_request"); // head too large, refused before Qt parses it
    case 500: return QStringLiteral("internal_error");
    case 503: return QStringLiteral("unavailable");
    }
    return {};
}

QString errorProblem(const TestServer::Reply &r, int expectedStatus, const QString &expectedField)
{
    const QString got = QString::fromUtf8(r.describe());
    if (r.status != expectedStatus)
        return QStringLiteral("expected HTTP %1, got %2").arg(expectedStatus).arg(got);
    if (r.header("x-compute-api-version") != "v0")
        return QStringLiteral("missing X-Compute-API-Version: v0 on %1").arg(got);
    const QString code = codeFor(expectedStatus);
    if (r.json.value(QStringLiteral("error")).toString() != code)
        return QStringLiteral("expected \"error\":\"%1\", got %2").arg(code, got);
    if (r.json.value(QStringLiteral("code")).toString() != code)
        return QStringLiteral("expected \"code\":\"%1\", got %2").arg(code, got);
    if (!r.json.value(QStringLiteral("message")).isString()
        || r.json.value(QStringLiteral("message")).toString().isEmpty())
        return QStringLiteral("expected a non-empty \"message\", got %1").arg(got);
    if (expectedStatus == 405 && r.header("allow").isEmpty())
        return QStringLiteral("405 without an Allow header: %1").arg(got);
    if (expectedStatus == 422) {
        const QJsonValue fields = r.json.value(QStringLiteral("fields"));
        if (!fields.isObject() || fields.toObject().isEmpty())
            return QStringLiteral("422 without a non-empty \"fields\" object: %1").arg(got);
        if (!expectedField.isEmpty()) {
            const QStringList wanted = expectedField.split(QLatin1Char('|'));
            const QStringList keys = fields.toObject().keys();
            for (const QString &k : keys) {
                for (const QString &w : wanted) {
                    if (k == w || k.startsWith(w + QLatin1Char('.')) || k.startsWith(w + QLatin1Char('[')))
                        return {};
                }
            }
            return QStringLiteral("422 \"fields\" does not name %1: %2").arg(expectedField, got);
        }
    }
    return {};
}

bool isJobId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^job_[0-7][0-9a-hjkmnp-tv-z]{25}$"));
    return re.match(id).hasMatch();
}

bool isIsoUtcMs(const QString &time)
{
    static const QRegularExpression re(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"));
    return re.match(time).hasMatch() && isoToMs(time) >= 0;
}

qint64 isoToMs(const QString &time)
{
    const QDateTime dt = QDateTime::fromString(time, Qt::ISODateWithMs);
    return dt.isValid() ? dt.toMSecsSinceEpoch() : -1;
}

QString msToIso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QStringList idsOf(const QJsonArray &jobs)
{
    QStringList ids;
    for (const auto &j : jobs)
        ids << j.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

Walk walkJobs(TestServer &server, const QString &query, const std::function<void()> &betweenPages)
{
    Walk walk;
    QString cursor;
    for (int page = 0; page < 10000; ++page) {
        QString q = QStringLiteral("/v0/jobs?") + query;
        if (!cursor.isEmpty())
            q += QStringLiteral("&cursor=") + QString::fromUtf8(QUrl::toPercentEncoding(cursor));
        const TestServer::Reply r = server.get(q);
        if (r.status != 200 || !r.json.value(QStringLiteral("jobs")).isArray()) {
            walk.problem = QStringLiteral("page %1 (%2): %3").arg(page).arg(q, QString::fromUtf8(r.describe()));
            return walk;
        }
        if (!r.json.contains(QStringLiteral("nextCursor"))) {
            walk.problem = QStringLiteral("page %1 has no nextCursor member").arg(page);
            return walk;
        }
        const QJsonArray jobs = r.json.value(QStringLiteral("jobs")).toArray();
        walk.ids << idsOf(jobs);
        walk.pageSizes << int(jobs.size());
        const QJsonValue next = r.json.value(QStringLiteral("nextCursor"));
        if (next.isNull())
            return walk;
        if (!next.isString() || next.toString().isEmpty()) {
            walk.problem = QStringLiteral("page %1: nextCursor is neither null nor a string").arg(page);
            return walk;
        }
        cursor = next.toString();
        if (betweenPages)
            betweenPages();
    }
    walk.problem = QStringLiteral("more than 10000 pages: the cursor does not advance");
    return walk;
}

} // namespace ApiChecks

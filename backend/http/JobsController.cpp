// Job endpoints. Query validation is strict: an unknown state, a malformed label, time or cursor is a 400.
#include "JobsController.h"
#include "SecretService.h"
#include "JobService.h"
#include "NodeBodies.h"
#include "Ulid.h"
#include "Wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

namespace {
QHash<QString, QStringList> fromUrlQuery(const HttpExchange &ex)
{
    QHash<QString, QStringList> out;
    for (const auto &[k, v] : ex.query().queryItems(QUrl::FullyDecoded))
        out[k].append(v);
    return out;
}

// A path id that is not a job id names no job: answered here, before it reaches a map or a query.
bool isJobId(const ExchangePtr &ex, const QString &id)
{
    if (Wire::isId(id, QLatin1StringView("job")))
        return true;
    ex->replyError(ApiError::notFound(QStringLiteral("no job '%1': not a job id").arg(id.left(64))));
    return false;
}

// RPC bodies name their job as jobId (or id); false once a 422 was answered.
bool checkJobReference(const ExchangePtr &ex, const QJsonObject &body)
{
    const Status st = NodeBodies::jobReference(body);
    if (!st)
        ex->replyError(st.error());
    return bool(st);
}

QString jobIdFrom(const QJsonObject &body)
{
    const QString id = body.value(QStringLiteral("jobId")).toString();
    return id.isEmpty() ? body.value(QStringLiteral("id")).toString() : id;
}
}

JobsController::JobsController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    RouteOptions submitting {Surface::V0, true, Permission::SubmitJobs};
    submitting.action = "job.submit";
    RouteOptions cancelling {Surface::V0, true, Permission::SubmitJobs};
    cancelling.action = "job.cancel";
    RouteOptions retrying {Surface::V0, true, Permission::SubmitJobs};
    retrying.action = "job.retry";
    r.add("POST", QStringLiteral("/v0/jobs"), submitting, [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (ex->jsonBody(body))
            submit(ex, body);
    });
    r.add("GET", QStringLiteral("/v0/jobs"), {}, [this](const ExchangePtr &ex) { list(ex, fromUrlQuery(*ex)); });
    r.add("POST", QStringLiteral("/v0/jobs/{id}:cancel"), cancelling, [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (!isJobId(ex, ex->param(QStringLiteral("id"))))
            return;
        if (!ex->body().trimmed().isEmpty() && !ex->jsonBody(body))
            return;
        cancel(ex, ex->param(QStringLiteral("id")), body.value(QStringLiteral("reason")).toString().left(500));
    });
    r.add("POST", QStringLiteral("/v0/jobs/{id}:retry"), retrying, [this](const ExchangePtr &ex) {
        if (isJobId(ex, ex->param(QStringLiteral("id"))))
            retry(ex, ex->param(QStringLiteral("id")));
    });
    r.add("GET", QStringLiteral("/v0/jobs/{id}"), {}, [this](const ExchangePtr &ex) {
        if (isJobId(ex, ex->param(QStringLiteral("id"))))
            get(ex, ex->param(QStringLiteral("id")));
    });

    const RouteOptions rpc {Surface::Rpc, true};
    r.add("POST", QStringLiteral("/api/compute/jobs/submit"), submitting.onRpc(), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (ex->jsonBody(body))
            submit(ex, body);
    });
    r.add("POST", QStringLiteral("/api/compute/jobs/retrieve"), rpc, [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (ex->jsonBody(body) && checkJobReference(ex, body))
            get(ex, jobIdFrom(body));
    });
    r.add("POST", QStringLiteral("/api/compute/jobs/list"), rpc, [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (ex->body().trimmed().isEmpty() || ex->jsonBody(body)) {
            QHash<QString, QStringList> params;
            for (auto it = body.begin(); it != body.end(); ++it) {
                if (it.key() == QLatin1String("labels") && it.value().isObject()) {
                    const QJsonObject l = it.value().toObject();
                    for (auto li = l.begin(); li != l.end(); ++li)
                        params[QStringLiteral("label")] << li.key() + QLatin1Char(':') + li.value().toString();
                } else if (it.value().isDouble()) {
                    // epoch milliseconds stay digits (a double's text would be "1.7e+12")
                    const double d = it.value().toDouble();
                    params[it.key()] << (d == std::floor(d) && std::abs(d) < 9e15 ? QString::number(qint64(d))
                                                                                  : QString::number(d));
                } else {
                    params[it.key()] << it.value().toVariant().toString();
                }
            }
            list(ex, params);
        }
    });
    r.add("POST", QStringLiteral("/api/compute/jobs/cancel"), cancelling.onRpc(), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (ex->jsonBody(body) && checkJobReference(ex, body))
            cancel(ex, jobIdFrom(body), body.value(QStringLiteral("reason")).toString().left(500));
    });
    r.add("POST", QStringLiteral("/api/compute/jobs/retry"), retrying.onRpc(), [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (ex->jsonBody(body) && checkJobReference(ex, body))
            retry(ex, jobIdFrom(body));
    });
}

void JobsController::submit(const ExchangePtr &ex, const QJsonObject &body)
{
    auto spec = JobSpec::fromJson(body);
    if (!spec)
        return ex->replyError(spec.error());
    // part 2: each "vault/NAME" must exist in the caller's workspace (submitting needs no vault rights)
    if (m_s.secrets)
        if (const Status st = m_s.secrets->checkJobSecrets(ex->principal().workspaceId, spec.value().secrets); !st)
            return ex->replyError(st.error());
    SubmitOptions opts;
    opts.idempotencyKey = QString::fromUtf8(ex->header("idempotency-key"));
    if (opts.idempotencyKey.isEmpty())
        opts.idempotencyKey = QString::fromUtf8(ex->header("x-request-id"));
    if (opts.idempotencyKey.size() > 255)
        return ex->replyError(ApiError::invalid(QStringLiteral("Idempotency-Key is longer than 255 characters")));
    for (const QChar c : std::as_const(opts.idempotencyKey))
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return ex->replyError(
                ApiError::invalid(QStringLiteral("Idempotency-Key takes visible ASCII characters only")));
    m_s.jobs->submit(ex->principal(), std::move(spec.value()), opts, [ex](Result<JobPtr> r) {
        if (!r)
            return ex->replyError(r.error());
        const Job &j = *r.value();
        ex->setAuditSubject(j.id);
        QJsonObject o {{QStringLiteral("id"), j.id}, {QStringLiteral("state"), JobStates::name(j.state)},
            {QStringLiteral("createdAt"), isoTime(j.createdAt)}};
        if (ex->surface() == Surface::Rpc) {
            o.insert(QStringLiteral("jobId"), j.id);
            return ex->replyRpc(o, QStringLiteral("job submitted"));
        }
        ex->reply(201, QJsonDocument(o).toJson(QJsonDocument::Compact));
    });
}

void JobsController::replyJob(const ExchangePtr &ex, int status, const QString &id)
{
    const auto json = m_s.jobs->jobJson(ex->principal(), id);
    if (!json)
        return ex->replyError(json.error());
    if (ex->surface() == Surface::Rpc)
        return ex->replyRpc(QJsonDocument::fromJson(json.value()).object());
    ex->reply(status, json.value());
}

void JobsController::get(const ExchangePtr &ex, const QString &id)
{
    replyJob(ex, 200, id);
}

Result<JobQuery> JobsController::parseQuery(const QHash<QString, QStringList> &params)
{
    static const QRegularExpression labelKey(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.\\-/]{0,62}$"));
    static const QStringList known = {QStringLiteral("state"), QStringLiteral("label"), QStringLiteral("since"),
        QStringLiteral("until"), QStringLiteral("limit"), QStringLiteral("cursor"), QStringLiteral("idPrefix")};
    static const QRegularExpression idPrefix(QStringLiteral("^(job_)?[0-9A-Za-z]{1,26}$"));
    JobQuery q;
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (!known.contains(it.key()))
            return ApiError::invalid(QStringLiteral("unknown query parameter '%1'").arg(it.key().left(64)));
        if (it.key() != QLatin1String("label") && it.value().size() > 1)
            return ApiError::invalid(QStringLiteral("'%1' may be given once").arg(it.key()));
    }
    if (params.contains(QStringLiteral("state"))) {
        const QString s = params.value(QStringLiteral("state")).first();
        const auto st = JobStates::parse(s.toUpper());
        if (!st)
            return ApiError::invalid(QStringLiteral("unknown state '%1'; one of QUEUED, ASSIGNED, RUNNING, CANCELLING, "
                                                    "SUCCEEDED, FAILED, TIMED_OUT, CANCELLED")
                                         .arg(s.left(32)));
        q.state = st;
    }
    const QStringList labels = params.value(QStringLiteral("label"));
    if (labels.size() > 16)
        return ApiError::invalid(QStringLiteral("at most 16 label filters"));
    for (const QString &l : labels) {
        const int colon = l.indexOf(QLatin1Char(':'));
        const QString key = l.left(colon);
        if (colon <= 0 || !labelKey.match(key).hasMatch() || l.size() > 400)
            return ApiError::invalid(QStringLiteral("label filters look like key:value, got '%1'").arg(l.left(64)));
        q.labels.append({key, l.mid(colon + 1)});
    }
    for (const char *name : {"since", "until"}) {
        const QString key = QString::fromLatin1(name);
        if (!params.contains(key))
            continue;
        const auto t = parseTime(params.value(key).first());
        if (!t)
            return ApiError::invalid(QStringLiteral("'%1' must be an ISO-8601 time or epoch milliseconds").arg(key));
        (key == QLatin1String("since") ? q.since : q.until) = *t;
    }
    if (params.contains(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = params.value(QStringLiteral("limit")).first().toInt(&ok);
        if (!ok || limit < 1 || limit > 1000)
            return ApiError::invalid(QStringLiteral("'limit' must be an integer from 1 to 1000"));
        q.limit = limit;
    }
    if (params.contains(QStringLiteral("idPrefix"))) {
        // "01JD3", "job_01jd3": ids are lower-case Crockford base32, so the prefix is compared lower-cased
        QString p = params.value(QStringLiteral("idPrefix")).first();
        if (!idPrefix.match(p).hasMatch())
            return ApiError::invalid(
                QStringLiteral("'idPrefix' is the start of a job id: up to 26 letters and digits, 'job_' optional"));
        if (p.startsWith(QLatin1String("job_")))
            p = p.mid(4);
        q.idPrefix = QStringLiteral("job_") + p.toLower();
    }
    if (params.contains(QStringLiteral("cursor"))) {
        const QByteArray raw = params.value(QStringLiteral("cursor")).first().toLatin1();
        const auto decoded = QByteArray::fromBase64Encoding(
            raw, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        const QString id = QString::fromLatin1(decoded.decoded);
        if (!decoded || !Ulid::isValid(id, QStringLiteral("job")))
            return ApiError::invalid(QStringLiteral("'cursor' is not a cursor this server issued"));
        q.afterId = id;
    }
    return q;
}

void JobsController::list(const ExchangePtr &ex, const QHash<QString, QStringList> &params)
{
    const auto q = parseQuery(params);
    if (!q)
        return ex->replyError(q.error());
    const auto json = m_s.jobs->listJson(ex->principal(), q.value());
    if (!json)
        return ex->replyError(json.error());
    if (ex->surface() == Surface::Rpc)
        return ex->replyRpc(QJsonDocument::fromJson(json.value()).object());
    ex->reply(200, json.value());
}

void JobsController::cancel(const ExchangePtr &ex, const QString &id, const QString &reason)
{
    m_s.jobs->cancel(ex->principal(), id, reason, [this, ex](Result<JobPtr> r) {
        if (!r)
            return ex->replyError(r.error());
        QJsonObject job = r.value()->toJson();
        Job::hideSecretEnv(job);
        if (ex->surface() == Surface::Rpc)
            return ex->replyRpc(job, QStringLiteral("cancelled"));
        ex->reply(200, QJsonDocument(job).toJson(QJsonDocument::Compact));
    });
}

void JobsController::retry(const ExchangePtr &ex, const QString &id)
{
    m_s.jobs->retry(ex->principal(), id, [ex](Result<JobPtr> r) {
        if (!r)
            return ex->replyError(r.error());
        QJsonObject job = r.value()->toJson();
        Job::hideSecretEnv(job);
        if (ex->surface() == Surface::Rpc)
            return ex->replyRpc(job, QStringLiteral("requeued"));
        ex->reply(200, QJsonDocument(job).toJson(QJsonDocument::Compact));
    });
}

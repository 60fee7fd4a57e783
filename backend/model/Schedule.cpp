// Validation and JSON mapping of schedules; the job template goes through JobSpec::fromJson, the one parser
// of submit bodies, so a schedule can never hold a job that POST /v0/jobs would refuse.
#include "Schedule.h"
#include "CronExpression.h"
#include "Job.h"

namespace {
std::optional<ConcurrencyPolicy> parseConcurrency(const QString &s)
{
    if (s == QLatin1String("allow"))
        return ConcurrencyPolicy::Allow;
    if (s == QLatin1String("forbid"))
        return ConcurrencyPolicy::Forbid;
    if (s == QLatin1String("replace"))
        return ConcurrencyPolicy::Replace;
    return std::nullopt;
}
std::optional<CatchUpPolicy> parseCatchUp(const QString &s)
{
    if (s == QLatin1String("once"))
        return CatchUpPolicy::Once;
    if (s == QLatin1String("skip"))
        return CatchUpPolicy::Skip;
    return std::nullopt;
}
} // namespace

QString Schedule::policyName(ConcurrencyPolicy p)
{
    switch (p) {
    case ConcurrencyPolicy::Forbid:
        return QStringLiteral("forbid");
    case ConcurrencyPolicy::Replace:
        return QStringLiteral("replace");
    case ConcurrencyPolicy::Allow:
        break;
    }
    return QStringLiteral("allow");
}

QString Schedule::policyName(CatchUpPolicy p)
{
    return p == CatchUpPolicy::Skip ? QStringLiteral("skip") : QStringLiteral("once");
}

Status Schedule::apply(const QJsonObject &body, bool create, Schedule &s)
{
    static const QStringList known
        = {QStringLiteral("name"), QStringLiteral("cron"), QStringLiteral("timeZone"), QStringLiteral("jobTemplate"),
            QStringLiteral("concurrencyPolicy"), QStringLiteral("catchUp"), QStringLiteral("paused")};
    QJsonObject f;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!known.contains(it.key()))
            f.insert(it.key().left(64), QStringLiteral("unknown field"));
    Schedule n = s;
    auto stringField = [&](const QString &k, QString &out) {
        const QJsonValue v = body.value(k);
        if (v.isUndefined() || v.isNull()) {
            if (create && k != QLatin1String("timeZone"))
                f.insert(k, QStringLiteral("is required"));
            return false;
        }
        if (!v.isString()) {
            f.insert(k, QStringLiteral("must be a string"));
            return false;
        }
        out = v.toString();
        return true;
    };
    if (stringField(QStringLiteral("name"), n.name)) {
        n.name = n.name.trimmed();
        if (n.name.isEmpty() || n.name.size() > kMaxName)
            f.insert(QStringLiteral("name"), QStringLiteral("must be 1 to %1 characters").arg(kMaxName));
    }
    if (stringField(QStringLiteral("cron"), n.cron)) {
        QString why;
        const auto c = CronExpression::parse(n.cron, &why);
        if (!c)
            f.insert(QStringLiteral("cron"), why);
        else if (!c->next(0, QTimeZone::utc()) && !c->next(4102444800000LL, QTimeZone::utc()))
            f.insert(QStringLiteral("cron"), QStringLiteral("never matches a date (e.g. 30 February)"));
        else
            n.cron = c->text();
    }
    if (stringField(QStringLiteral("timeZone"), n.timeZone) && !CronExpression::zone(n.timeZone))
        f.insert(QStringLiteral("timeZone"),
            QStringLiteral("'%1' is not a known IANA time zone (e.g. Europe/Berlin, UTC)").arg(n.timeZone.left(64)));
    const QJsonValue tpl = body.value(QStringLiteral("jobTemplate"));
    if (tpl.isUndefined() || tpl.isNull()) {
        if (create)
            f.insert(QStringLiteral("jobTemplate"), QStringLiteral("is required"));
    } else if (!tpl.isObject()) {
        f.insert(QStringLiteral("jobTemplate"), QStringLiteral("must be a job submit body (an object)"));
    } else {
        const QJsonObject t = tpl.toObject();
        const auto spec = JobSpec::fromJson(t);
        if (!spec) {
            const QJsonObject inner = spec.error().detail.value(QStringLiteral("fields")).toObject();
            for (auto it = inner.begin(); it != inner.end(); ++it)
                f.insert(QStringLiteral("jobTemplate.") + it.key(), it.value());
        } else if (spec.value().labels.size() > 254) {
            f.insert(
                QStringLiteral("jobTemplate.labels"), QStringLiteral("at most 254 labels (the schedule adds two)"));
        }
        n.jobTemplate = t;
    }
    if (const QJsonValue v = body.value(QStringLiteral("concurrencyPolicy")); !v.isUndefined() && !v.isNull()) {
        const auto p = parseConcurrency(v.toString());
        if (!p)
            f.insert(QStringLiteral("concurrencyPolicy"), QStringLiteral("must be allow, forbid or replace"));
        else
            n.concurrency = *p;
    }
    if (const QJsonValue v = body.value(QStringLiteral("catchUp")); !v.isUndefined() && !v.isNull()) {
        const auto p = parseCatchUp(v.toString());
        if (!p)
            f.insert(QStringLiteral("catchUp"), QStringLiteral("must be once or skip"));
        else
            n.catchUp = *p;
    }
    if (const QJsonValue v = body.value(QStringLiteral("paused")); !v.isUndefined() && !v.isNull()) {
        if (!v.isBool())
            f.insert(QStringLiteral("paused"), QStringLiteral("must be true or false"));
        else
            n.paused = v.toBool();
    }
    if (!f.isEmpty())
        return ApiError::validation(f);
    s = n;
    return Ok {};
}

QJsonObject Schedule::definitionJson() const
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("cron"), cron}, {QStringLiteral("timeZone"), timeZone},
        {QStringLiteral("jobTemplate"), jobTemplate}, {QStringLiteral("concurrencyPolicy"), policyName(concurrency)},
        {QStringLiteral("catchUp"), policyName(catchUp)}, {QStringLiteral("paused"), paused},
        {QStringLiteral("createdBy"), createdBy}, {QStringLiteral("createdAt"), createdAt},
        {QStringLiteral("updatedAt"), updatedAt}, {QStringLiteral("anchorAt"), anchorAt}};
}

Schedule Schedule::fromDefinition(const QJsonObject &o)
{
    Schedule s;
    s.name = o.value(QStringLiteral("name")).toString();
    s.cron = o.value(QStringLiteral("cron")).toString();
    s.timeZone = o.value(QStringLiteral("timeZone")).toString(QStringLiteral("UTC"));
    s.jobTemplate = o.value(QStringLiteral("jobTemplate")).toObject();
    s.concurrency
        = parseConcurrency(o.value(QStringLiteral("concurrencyPolicy")).toString()).value_or(ConcurrencyPolicy::Allow);
    s.catchUp = parseCatchUp(o.value(QStringLiteral("catchUp")).toString()).value_or(CatchUpPolicy::Once);
    s.paused = o.value(QStringLiteral("paused")).toBool();
    s.createdBy = o.value(QStringLiteral("createdBy")).toString();
    s.createdAt = qint64(o.value(QStringLiteral("createdAt")).toDouble());
    s.updatedAt = qint64(o.value(QStringLiteral("updatedAt")).toDouble());
    s.anchorAt = qint64(o.value(QStringLiteral("anchorAt")).toDouble());
    return s;
}

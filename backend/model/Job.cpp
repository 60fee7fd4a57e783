// JSON mapping and validation of jobs. The limits here are the documented bounds of docs/api.md.
#include "Job.h"

#include <QJsonDocument>
#include "SecretRef.h"
#include "Wire.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

namespace {
constexpr int kMaxCommand = 64 * 1024;
constexpr int kMaxListItems = 1024;
constexpr int kMaxMapItems = 256;
constexpr int kMaxString = 4096;
constexpr int kMaxTimeout = 7 * 24 * 3600;

const QRegularExpression &labelKeyRe()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.\\-/]{0,62}$"));
    return re;
}
const QRegularExpression &typeRe()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z][A-Za-z0-9_\\-]{0,63}$"));
    return re;
}
const QRegularExpression &envKeyRe()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,127}$"));
    return re;
}

// Small collector of per-field errors.
struct Fields
{
    QJsonObject errors;
    void add(const QString &f, const QString &m) { errors.insert(f, m); }
};

bool readString(const QJsonObject &o, const QString &k, QString &out, Fields &f, int max = kMaxString)
{
    if (!o.contains(k) || o.value(k).isNull())
        return false;
    if (!o.value(k).isString()) {
        f.add(k, QStringLiteral("must be a string"));
        return false;
    }
    out = o.value(k).toString();
    if (out.size() > max) {
        f.add(k, QStringLiteral("longer than %1 characters").arg(max));
        return false;
    }
    return true;
}

void readStringList(const QJsonObject &o, const QString &k, QStringList &out, Fields &f)
{
    if (!o.contains(k) || o.value(k).isNull())
        return;
    if (!o.value(k).isArray()) {
        f.add(k, QStringLiteral("must be an array of strings"));
        return;
    }
    const QJsonArray a = o.value(k).toArray();
    if (a.size() > kMaxListItems) {
        f.add(k, QStringLiteral("more than %1 items").arg(kMaxListItems));
        return;
    }
    for (const auto &v : a) {
        if (!v.isString() || v.toString().size() > kMaxString) {
            f.add(k, QStringLiteral("must be an array of strings (each at most %1 characters)").arg(kMaxString));
            out.clear();
            return;
        }
        out << v.toString();
    }
}

void readStringMap(const QJsonObject &o, const QString &k, QMap<QString, QString> &out, Fields &f,
    const QRegularExpression &keyRe, int maxValue)
{
    if (!o.contains(k) || o.value(k).isNull())
        return;
    if (!o.value(k).isObject()) {
        f.add(k, QStringLiteral("must be an object of string values"));
        return;
    }
    const QJsonObject m = o.value(k).toObject();
    if (m.size() > kMaxMapItems) {
        f.add(k, QStringLiteral("more than %1 entries").arg(kMaxMapItems));
        return;
    }
    for (auto it = m.begin(); it != m.end(); ++it) {
        if (!keyRe.match(it.key()).hasMatch()) {
            f.add(k + QLatin1Char('.') + it.key(), QStringLiteral("invalid key"));
            continue;
        }
        if (!it.value().isString() || it.value().toString().size() > maxValue) {
            f.add(k + QLatin1Char('.') + it.key(),
                QStringLiteral("must be a string of at most %1 characters").arg(maxValue));
            continue;
        }
        out.insert(it.key(), it.value().toString());
    }
}

// Integers arrive as JSON numbers; refuse fractions, NaN and out-of-range values.
bool readInt(const QJsonObject &o, const QString &k, int &out, int lo, int hi, Fields &f)
{
    if (!o.contains(k) || o.value(k).isNull())
        return false;
    const QJsonValue v = o.value(k);
    if (!v.isDouble()) {
        f.add(k, QStringLiteral("must be an integer"));
        return false;
    }
    // Range first, on the double: converting 1e300 to an integer would be undefined behaviour.
    const double d = v.toDouble();
    if (!(d >= lo && d <= hi)) {
        f.add(k, QStringLiteral("must be between %1 and %2").arg(lo).arg(hi));
        return false;
    }
    const auto i = Wire::toInteger(v, lo, hi);
    if (!i) {
        f.add(k, QStringLiteral("must be an integer"));
        return false;
    }
    out = int(*i);
    return true;
}

bool readNumber(
    const QJsonObject &o, const QString &k, double &out, double lo, double hi, Fields &f, const QString &name)
{
    if (!o.contains(k) || o.value(k).isNull())
        return false;
    if (!o.value(k).isDouble()) {
        f.add(name, QStringLiteral("must be a number"));
        return false;
    }
    const double d = o.value(k).toDouble();
    if (!(d >= lo && d <= hi)) {
        f.add(name, QStringLiteral("must be between %1 and %2").arg(lo).arg(hi));
        return false;
    }
    out = d;
    return true;
}

QJsonArray toArray(const QStringList &l)
{
    return QJsonArray::fromStringList(l);
}
QJsonObject toObject(const QMap<QString, QString> &m)
{
    QJsonObject o;
    for (auto it = m.begin(); it != m.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}
QMap<QString, QString> toMap(const QJsonObject &o)
{
    QMap<QString, QString> m;
    for (auto it = o.begin(); it != o.end(); ++it)
        m.insert(it.key(), it.value().toString());
    return m;
}
QStringList toList(const QJsonValue &v)
{
    QStringList l;
    for (const auto &x : v.toArray())
        l << x.toString();
    return l;
}
} // namespace

Result<JobSpec> JobSpec::fromJson(const QJsonObject &body)
{
    static const QStringList known = {QStringLiteral("type"), QStringLiteral("command"), QStringLiteral("argv"),
        QStringLiteral("env"), QStringLiteral("secrets"), QStringLiteral("resources"), QStringLiteral("priority"),
        QStringLiteral("maxRetries"), QStringLiteral("timeoutSeconds"), QStringLiteral("workingDir"),
        QStringLiteral("artifacts"), QStringLiteral("image"), QStringLiteral("cmd"), QStringLiteral("labels"),
        QStringLiteral("name")};
    Fields f;
    JobSpec s;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (!known.contains(it.key()))
            f.add(it.key(), QStringLiteral("unknown field"));

    if (readString(body, QStringLiteral("type"), s.type, f, 64) && !typeRe().match(s.type).hasMatch())
        f.add(QStringLiteral("type"), QStringLiteral("must be COMMAND, CONTAINER or a job type name"));
    const bool hasCommand = readString(body, QStringLiteral("command"), s.command, f, kMaxCommand);
    readStringList(body, QStringLiteral("argv"), s.argv, f);
    readStringMap(body, QStringLiteral("env"), s.env, f, envKeyRe(), 32 * 1024);
    readStringList(body, QStringLiteral("secrets"), s.secrets, f);
    // part 2: "vault/NAME[=ENVVAR]" names a vault's secret (resolved at dispatch); other entries are env names
    if (s.secrets.size() > SecretRefs::kMaxPerJob)
        f.add(QStringLiteral("secrets"), QStringLiteral("at most %1 entries").arg(SecretRefs::kMaxPerJob));
    for (const QString &entry : std::as_const(s.secrets))
        if (SecretRefs::isVaultRef(entry) && !SecretRefs::parse(entry))
            f.add(QStringLiteral("secrets"),
                QStringLiteral("'%1' is not vault/NAME or vault/NAME=ENVVAR").arg(entry.left(200)));
    readStringMap(body, QStringLiteral("labels"), s.labels, f, labelKeyRe(), 256);
    for (auto it = s.labels.begin(); it != s.labels.end(); ++it) // schedules (part 4)
        if (isSystemLabel(it.key()))
            f.add(QStringLiteral("labels.") + it.key(), QStringLiteral("the tanvrit/ prefix is reserved for the system"));
    readInt(body, QStringLiteral("priority"), s.priority, -1000, 1000, f);
    readInt(body, QStringLiteral("maxRetries"), s.maxRetries, 0, 10, f);
    readInt(body, QStringLiteral("timeoutSeconds"), s.timeoutSeconds, 1, kMaxTimeout, f);
    readString(body, QStringLiteral("workingDir"), s.workingDir, f);
    readStringList(body, QStringLiteral("artifacts"), s.artifacts, f);
    readString(body, QStringLiteral("image"), s.image, f, 512);
    readStringList(body, QStringLiteral("cmd"), s.cmd, f);

    if (body.contains(QStringLiteral("resources")) && !body.value(QStringLiteral("resources")).isNull()) {
        const QJsonValue rv = body.value(QStringLiteral("resources"));
        if (!rv.isObject()) {
            f.add(QStringLiteral("resources"), QStringLiteral("must be an object {cpu, memGib, gpus}"));
        } else {
            const QJsonObject r = rv.toObject();
            for (auto it = r.begin(); it != r.end(); ++it)
                if (it.key() != QLatin1String("cpu") && it.key() != QLatin1String("memGib")
                    && it.key() != QLatin1String("gpus"))
                    f.add(QStringLiteral("resources.") + it.key(), QStringLiteral("unknown field"));
            readNumber(r, QStringLiteral("cpu"), s.resources.cpu, 0, 1024, f, QStringLiteral("resources.cpu"));
            readNumber(
                r, QStringLiteral("memGib"), s.resources.memGib, 0, 16384, f, QStringLiteral("resources.memGib"));
            Fields gf;
            readInt(r, QStringLiteral("gpus"), s.resources.gpus, 0, 64, gf);
            for (auto it = gf.errors.begin(); it != gf.errors.end(); ++it)
                f.add(QStringLiteral("resources.gpus"), it.value().toString());
        }
    }

    if (s.type == QLatin1String("CONTAINER")) {
        static const QRegularExpression imageRe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._/:@+\\-]*$"));
        if (s.image.isEmpty())
            f.add(QStringLiteral("image"), QStringLiteral("required for CONTAINER jobs"));
        else if (!imageRe.match(s.image).hasMatch()) // "-…" would be read as an option by the engine
            f.add(QStringLiteral("image"),
                QStringLiteral("must be an image reference (letters, digits and ._/:@+-, not starting with '-')"));
    } else if (s.type == QLatin1String("COMMAND")) {
        if (!hasCommand && s.argv.isEmpty())
            f.add(QStringLiteral("command"), QStringLiteral("command or argv is required"));
        else if (hasCommand && !s.argv.isEmpty())
            f.add(QStringLiteral("argv"), QStringLiteral("give command or argv, not both"));
        else if (hasCommand && s.command.trimmed().isEmpty())
            f.add(QStringLiteral("command"), QStringLiteral("must not be empty"));
    }
    if (!f.errors.isEmpty())
        return ApiError::validation(f.errors);
    return s;
}

void JobSpec::writeJson(QJsonObject &o) const
{
    o.insert(QStringLiteral("type"), type);
    if (!command.isEmpty())
        o.insert(QStringLiteral("command"), command);
    if (!argv.isEmpty())
        o.insert(QStringLiteral("argv"), toArray(argv));
    if (!env.isEmpty())
        o.insert(QStringLiteral("env"), toObject(env));
    if (!secrets.isEmpty())
        o.insert(QStringLiteral("secrets"), toArray(secrets));
    o.insert(QStringLiteral("resources"),
        QJsonObject {{QStringLiteral("cpu"), resources.cpu}, {QStringLiteral("memGib"), resources.memGib},
            {QStringLiteral("gpus"), resources.gpus}});
    o.insert(QStringLiteral("priority"), priority);
    o.insert(QStringLiteral("maxRetries"), maxRetries);
    if (timeoutSeconds > 0)
        o.insert(QStringLiteral("timeoutSeconds"), timeoutSeconds);
    if (!workingDir.isEmpty())
        o.insert(QStringLiteral("workingDir"), workingDir);
    if (!artifacts.isEmpty())
        o.insert(QStringLiteral("artifacts"), toArray(artifacts));
    if (!image.isEmpty())
        o.insert(QStringLiteral("image"), image);
    if (!cmd.isEmpty())
        o.insert(QStringLiteral("cmd"), toArray(cmd));
    o.insert(QStringLiteral("labels"), toObject(labels));
}

JobSpec JobSpec::readJson(const QJsonObject &o)
{
    JobSpec s;
    s.type = o.value(QStringLiteral("type")).toString(QStringLiteral("COMMAND"));
    s.command = o.value(QStringLiteral("command")).toString();
    s.argv = toList(o.value(QStringLiteral("argv")));
    s.env = toMap(o.value(QStringLiteral("env")).toObject());
    s.secrets = toList(o.value(QStringLiteral("secrets")));
    const QJsonObject r = o.value(QStringLiteral("resources")).toObject();
    s.resources.cpu = r.value(QStringLiteral("cpu")).toDouble();
    s.resources.memGib = r.value(QStringLiteral("memGib")).toDouble();
    s.resources.gpus = r.value(QStringLiteral("gpus")).toInt();
    s.priority = o.value(QStringLiteral("priority")).toInt();
    s.maxRetries = o.value(QStringLiteral("maxRetries")).toInt();
    s.timeoutSeconds = o.value(QStringLiteral("timeoutSeconds")).toInt();
    s.workingDir = o.value(QStringLiteral("workingDir")).toString();
    s.artifacts = toList(o.value(QStringLiteral("artifacts")));
    s.image = o.value(QStringLiteral("image")).toString();
    s.cmd = toList(o.value(QStringLiteral("cmd")));
    s.labels = toMap(o.value(QStringLiteral("labels")).toObject());
    return s;
}

QStringList JobSpec::secretValues() const
{
    QStringList out;
    for (const QString &name : secrets)
        if (const QString v = env.value(name); v.size() >= 3)
            out << v;
    return out;
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

std::optional<qint64> parseTime(const QString &s)
{
    bool isNum = false;
    const qint64 ms = s.toLongLong(&isNum);
    if (isNum)
        return ms;
    QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(s, Qt::ISODate);
    if (!dt.isValid())
        return std::nullopt;
    return dt.toMSecsSinceEpoch();
}

QJsonObject Job::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("workspaceId"), workspaceId);
    o.insert(QStringLiteral("state"), JobStates::name(state));
    spec.writeJson(o);
    o.insert(QStringLiteral("attempt"), attempt);
    o.insert(QStringLiteral("createdAt"), isoTime(createdAt));
    o.insert(QStringLiteral("updatedAt"), isoTime(updatedAt));
    if (startedAt > 0)
        o.insert(QStringLiteral("startedAt"), isoTime(startedAt));
    if (finishedAt > 0)
        o.insert(QStringLiteral("finishedAt"), isoTime(finishedAt));
    o.insert(QStringLiteral("exitCode"), exitCode ? QJsonValue(*exitCode) : QJsonValue());
    o.insert(QStringLiteral("runtimeMs"), runtimeMs >= 0 ? QJsonValue(runtimeMs) : QJsonValue());
    if (cpuSeconds >= 0)
        o.insert(QStringLiteral("cpuSeconds"), cpuSeconds);
    if (peakMemoryBytes >= 0)
        o.insert(QStringLiteral("peakMemoryBytes"), peakMemoryBytes);
    o.insert(QStringLiteral("agentId"), agentId.isEmpty() ? QJsonValue() : QJsonValue(agentId));
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    if (!submittedBy.isEmpty())
        o.insert(QStringLiteral("submittedBy"), submittedBy);
    if (!apiKeyId.isEmpty())
        o.insert(QStringLiteral("apiKeyId"), apiKeyId);
    o.insert(QStringLiteral("lostCount"), lostCount);
    o.insert(QStringLiteral("retryCount"), retryCount);
    QJsonArray h;
    for (const auto &t : history)
        h.append(QJsonObject {{QStringLiteral("state"), JobStates::name(t.state)},
            {QStringLiteral("at"), isoTime(t.atMs)}, {QStringLiteral("actor"), t.actor},
            {QStringLiteral("reason"), t.reason}, {QStringLiteral("attempt"), t.attempt}});
    o.insert(QStringLiteral("history"), h);
    return o;
}

Job Job::fromJson(const QJsonObject &o)
{
    Job j;
    j.id = o.value(QStringLiteral("id")).toString();
    j.workspaceId = o.value(QStringLiteral("workspaceId")).toString();
    j.state = JobStates::parse(o.value(QStringLiteral("state")).toString()).value_or(JobState::Queued);
    j.spec = JobSpec::readJson(o);
    j.attempt = o.value(QStringLiteral("attempt")).toInt(1);
    j.createdAt = parseTime(o.value(QStringLiteral("createdAt")).toString()).value_or(0);
    j.updatedAt = parseTime(o.value(QStringLiteral("updatedAt")).toString()).value_or(0);
    j.startedAt = parseTime(o.value(QStringLiteral("startedAt")).toString()).value_or(0);
    j.finishedAt = parseTime(o.value(QStringLiteral("finishedAt")).toString()).value_or(0);
    if (o.value(QStringLiteral("exitCode")).isDouble())
        j.exitCode = o.value(QStringLiteral("exitCode")).toInt();
    j.runtimeMs = Wire::toInteger(o.value(QStringLiteral("runtimeMs")), -1, Wire::kMaxExactInteger).value_or(-1);
    j.cpuSeconds = o.value(QStringLiteral("cpuSeconds")).toDouble(-1);
    j.peakMemoryBytes = o.value(QStringLiteral("peakMemoryBytes")).isDouble()
        ? qint64(o.value(QStringLiteral("peakMemoryBytes")).toDouble()) : -1;
    j.agentId = o.value(QStringLiteral("agentId")).toString();
    j.error = o.value(QStringLiteral("error")).toString();
    j.submittedBy = o.value(QStringLiteral("submittedBy")).toString();
    j.apiKeyId = o.value(QStringLiteral("apiKeyId")).toString();
    j.lostCount = o.value(QStringLiteral("lostCount")).toInt();
    j.retryCount = o.value(QStringLiteral("retryCount")).toInt();
    for (const auto &v : o.value(QStringLiteral("history")).toArray()) {
        const QJsonObject t = v.toObject();
        j.history.append({JobStates::parse(t.value(QStringLiteral("state")).toString()).value_or(JobState::Queued),
            parseTime(t.value(QStringLiteral("at")).toString()).value_or(0),
            t.value(QStringLiteral("actor")).toString(), t.value(QStringLiteral("reason")).toString(),
            t.value(QStringLiteral("attempt")).toInt(1)});
    }
    return j;
}

void Job::hideSecretEnv(QJsonObject &job)
{
    const QJsonArray secrets = job.value(QLatin1String("secrets")).toArray();
    if (secrets.isEmpty() || !job.contains(QLatin1String("env")))
        return;
    QJsonObject env = job.value(QLatin1String("env")).toObject();
    bool changed = false;
    for (const QJsonValue &s : secrets) {
        const QString name = s.toString();
        if (!name.contains(QLatin1Char('/')) && env.contains(name)) {
            env.insert(name, QStringLiteral("***"));
            changed = true;
        }
    }
    if (changed)
        job.insert(QLatin1String("env"), env);
}

QByteArray Job::hideSecretEnv(const QByteArray &json)
{
    if (!json.contains("\"secrets\":") || !json.contains("\"env\":"))
        return json;
    QJsonObject o = QJsonDocument::fromJson(json).object();
    if (o.isEmpty())
        return json;
    hideSecretEnv(o);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

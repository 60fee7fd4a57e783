// Parsing and range checks of the identity options; the defaults are the product's (15-minute access
// tokens, 1,000 requests/min and 30,000/h per person, registration by invitation).
#include "ServeIdentityOptions.h"
#include "ControlPlane.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QUrl>

QList<QCommandLineOption> identityOptions()
{
    return {
        {QStringLiteral("access-token-ttl"), QStringLiteral("Seconds an access token (JWT) stays valid."),
            QStringLiteral("SECONDS"), QStringLiteral("900")},
        {QStringLiteral("refresh-token-ttl"), QStringLiteral("Days a refresh token stays valid (rotated on each use)."),
            QStringLiteral("DAYS"), QStringLiteral("30")},
        {QStringLiteral("registration"),
            QStringLiteral("Who may register: invite (emails invited to a workspace), open (anyone; they get a "
                           "workspace of their own) or closed."),
            QStringLiteral("POLICY"), QStringLiteral("invite")},
        {QStringLiteral("smtp-url"),
            QStringLiteral("Send one-time login codes through this server: smtp://[user:pass@]host[:port] (STARTTLS "
                           "when offered) or smtps://… . Without it the codes go to the server log."),
            QStringLiteral("URL")},
        {QStringLiteral("smtp-from"), QStringLiteral("From address of login-code mails."), QStringLiteral("ADDRESS"),
            QStringLiteral("tanvrit-compute@localhost")},
        {QStringLiteral("rate-limit-per-minute"),
            QStringLiteral("Requests per minute per person (their API keys count as them); 0: no limit."),
            QStringLiteral("N"), QStringLiteral("1000")},
        {QStringLiteral("rate-limit-per-hour"), QStringLiteral("Requests per hour per person; 0: no limit."),
            QStringLiteral("N"), QStringLiteral("30000")},
        {QStringLiteral("node-rate-limit-per-minute"),
            QStringLiteral("Agent-plane requests per minute per agent; 0: no limit."), QStringLiteral("N"),
            QStringLiteral("600000")},
        {QStringLiteral("plan-rate"),
            QStringLiteral("A plan's requests per second and burst per workspace, PLAN=RPS/BURST (repeatable; "
                           "defaults payg=100/200, team=1000/2000; hobby and enterprise unlimited)."),
            QStringLiteral("PLAN=RPS/BURST")},
        {QStringLiteral("reset-admin-key"),
            QStringLiteral("Write a fresh owner key to <data-dir>/admin.key at start (older keys stay valid until "
                           "revoked).")},
    };
}


bool readIdentityOptions(const QCommandLineParser &p, IdentityConfig &out, QString *error)
{
    bool ok = false;
    out.accessTokenTtlSeconds = p.value(QStringLiteral("access-token-ttl")).toInt(&ok);
    if (!ok || out.accessTokenTtlSeconds < 10 || out.accessTokenTtlSeconds > 7 * 24 * 3600) {
        *error = QStringLiteral("--access-token-ttl must be between 10 and 604800 seconds");
        return false;
    }
    const int refreshDays = p.value(QStringLiteral("refresh-token-ttl")).toInt(&ok);
    if (!ok || refreshDays < 1 || refreshDays > 3650) {
        *error = QStringLiteral("--refresh-token-ttl must be between 1 and 3650 days");
        return false;
    }
    out.account.refreshTtlMs = qint64(refreshDays) * 24 * 3600 * 1000;
    const QString policy = p.value(QStringLiteral("registration"));
    if (policy == QLatin1String("open"))
        out.account.registration = AccountConfig::Registration::Open;
    else if (policy == QLatin1String("invite"))
        out.account.registration = AccountConfig::Registration::Invite;
    else if (policy == QLatin1String("closed"))
        out.account.registration = AccountConfig::Registration::Closed;
    else {
        *error = QStringLiteral("--registration must be open, invite or closed");
        return false;
    }
    if (p.isSet(QStringLiteral("smtp-url"))) {
        const QUrl url(p.value(QStringLiteral("smtp-url")), QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("smtp") && url.scheme() != QLatin1String("smtps"))
            || url.host().isEmpty()) {
            *error = QStringLiteral("--smtp-url must look like smtp://[user:pass@]host[:port] or smtps://…");
            return false;
        }
        out.smtpUrl = p.value(QStringLiteral("smtp-url"));
    }
    out.smtpFrom = p.value(QStringLiteral("smtp-from"));
    struct Rate
    {
        const char *name;
        double *target;
    };
    for (const Rate &r : {Rate {"rate-limit-per-minute", &out.limits.userPerMinute},
             Rate {"rate-limit-per-hour", &out.limits.userPerHour},
             Rate {"node-rate-limit-per-minute", &out.limits.nodePerMinute}}) {
        const double v = p.value(QLatin1String(r.name)).toDouble(&ok);
        if (!ok || v < 0 || v > 1e9) {
            *error = QStringLiteral("--%1 must be a number from 0 (no limit) to 1000000000").arg(QLatin1String(r.name));
            return false;
        }
        *r.target = v;
    }
    for (const QString &spec : p.values(QStringLiteral("plan-rate"))) {
        if (!out.limits.setPlan(spec)) {
            *error = QStringLiteral("--plan-rate must look like PLAN=RPS/BURST, e.g. team=1000/2000");
            return false;
        }
    }
    out.resetAdminKey = p.isSet(QStringLiteral("reset-admin-key"));
    return true;
}

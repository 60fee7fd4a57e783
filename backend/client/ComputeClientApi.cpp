// The typed calls of ComputeClient: one per endpoint, each a path, a body and the parse of the answer.
#include "ComputeClient.h"

#include <QDate>
#include <QDateTime>
#include <QJsonDocument>

namespace {
QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString encoded(const QString &id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

// An empty body is sent as none (Content-Length: 0): the custom-method calls (:retry, :drain) take no body.
ApiRequest post(const QString &path, const QJsonObject &body = {})
{
    ApiRequest r;
    r.method = "POST";
    r.path = path;
    if (!body.isEmpty())
        r.body = compact(body);
    return r;
}

ApiRequest get(const QString &path, const QUrlQuery &query = {})
{
    ApiRequest r;
    r.path = path;
    r.query = query;
    return r;
}

// Runs `parse` on a JSON answer; errors pass through.
template <typename T, typename Parse>
std::function<void(ClientResult<QJsonObject>)> parsed(ClientCallback<T> done, Parse parse)
{
    return [done = std::move(done), parse](ClientResult<QJsonObject> r) {
        if (!r)
            return done(r.error());
        done(parse(r.value()));
    };
}
// A word the shell reads back as itself (URLs and keys are plain; anything else is single-quoted).
QString shellWord(const QString &s)
{
    static const QString plain
        = QStringLiteral("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,");
    bool safe = !s.isEmpty();
    for (const QChar c : s)
        safe = safe && plain.contains(c);
    if (safe)
        return s;
    QString q = s;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}
} // namespace

// --- sign-in

void ComputeClient::login(const QString &email, const QString &password, ClientCallback<Session> done)
{
    ApiRequest r = post(QStringLiteral("/v0/auth/login"),
        QJsonObject {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    r.anonymous = true;
    call(r, parsed<Session>(std::move(done), [](const QJsonObject &o) {
        return Session::fromJson(o, QDateTime::currentMSecsSinceEpoch());
    }));
}

void ComputeClient::refreshSession(ClientCallback<Session> done)
{
    if (m_conn.refreshToken.isEmpty())
        return done(ClientError::fromAnswer(401,
            R"j({"code":"unauthorized","message":"no refresh token: sign in again (tanvrit-compute auth login)"})j",
            -1));
    ApiRequest r
        = post(QStringLiteral("/v0/auth/refresh"), QJsonObject {{QStringLiteral("refreshToken"), m_conn.refreshToken}});
    r.anonymous = true;
    r.retrySafe = false; // a refresh token is good once; a repeat would revoke the family
    call(r, [this, done = std::move(done)](ClientResult<QJsonObject> res) {
        if (!res)
            return done(res.error());
        const Session s = Session::fromJson(res.value(), QDateTime::currentMSecsSinceEpoch());
        m_conn.accessToken = s.accessToken;
        m_conn.refreshToken = s.refreshToken;
        m_conn.accessExpiresAtMs = s.accessExpiresAtMs;
        emit sessionRefreshed(s);
        done(s);
    });
}

void ComputeClient::logout(ClientCallback<bool> done)
{
    QJsonObject body;
    if (!m_conn.refreshToken.isEmpty())
        body.insert(QStringLiteral("refreshToken"), m_conn.refreshToken);
    call(post(QStringLiteral("/v0/auth/logout"), body),
        parsed<bool>(std::move(done), [](const QJsonObject &) { return true; }));
}

void ComputeClient::whoAmI(ClientCallback<WhoAmI> done)
{
    call(get(QStringLiteral("/v0/auth/me")), parsed<WhoAmI>(std::move(done), [](const QJsonObject &o) {
        WhoAmI w;
        w.kind = o.value(QStringLiteral("kind")).toString();
        const QJsonObject user = o.value(QStringLiteral("user")).toObject();
        w.email = user.value(QStringLiteral("email")).toString();
        w.userId = user.value(QStringLiteral("id")).toString();
        w.workspaceId = o.value(QStringLiteral("workspaceId")).toString();
        w.role = o.value(QStringLiteral("role")).toString();
        w.json = o;
        return w;
    }));
}

// --- jobs

void ComputeClient::submitJob(const QJsonObject &body, const QString &idempotencyKey, ClientCallback<SubmittedJob> done)
{
    ApiRequest r = post(QStringLiteral("/v0/jobs"), body);
    if (!idempotencyKey.isEmpty()) {
        r.headers.append({"Idempotency-Key", idempotencyKey.toUtf8()});
        r.retrySafe = true; // the server answers a repeat with the first job
    }
    call(r, parsed<SubmittedJob>(std::move(done), [](const QJsonObject &o) {
        return SubmittedJob {o.value(QStringLiteral("id")).toString(), o.value(QStringLiteral("state")).toString(),
            o.value(QStringLiteral("createdAt")).toString(), o};
    }));
}

void ComputeClient::job(const QString &id, ClientCallback<JobView> done)
{
    call(get(QStringLiteral("/v0/jobs/") + encoded(id)), parsed<JobView>(std::move(done), &JobView::fromJson));
}

void ComputeClient::jobs(const JobFilter &f, ClientCallback<JobPage> done)
{
    QUrlQuery q;
    if (!f.state.isEmpty())
        q.addQueryItem(QStringLiteral("state"), f.state);
    for (const QString &l : f.labels)
        q.addQueryItem(QStringLiteral("label"), QString::fromLatin1(QUrl::toPercentEncoding(l)));
    if (!f.since.isEmpty())
        q.addQueryItem(QStringLiteral("since"), QString::fromLatin1(QUrl::toPercentEncoding(f.since)));
    if (!f.until.isEmpty())
        q.addQueryItem(QStringLiteral("until"), QString::fromLatin1(QUrl::toPercentEncoding(f.until)));
    if (!f.idPrefix.isEmpty())
        q.addQueryItem(QStringLiteral("idPrefix"), f.idPrefix);
    q.addQueryItem(QStringLiteral("limit"), QString::number(f.limit));
    if (!f.cursor.isEmpty())
        q.addQueryItem(QStringLiteral("cursor"), f.cursor);
    call(get(QStringLiteral("/v0/jobs"), q), parsed<JobPage>(std::move(done), [](const QJsonObject &o) {
        JobPage p;
        for (const auto &v : o.value(QStringLiteral("jobs")).toArray())
            p.jobs.append(JobView::fromJson(v.toObject()));
        p.nextCursor = o.value(QStringLiteral("nextCursor")).toString();
        p.json = o;
        return p;
    }));
}

void ComputeClient::cancelJob(const QString &id, const QString &reason, ClientCallback<JobView> done)
{
    QJsonObject body;
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    ApiRequest r = post(QStringLiteral("/v0/jobs/") + encoded(id) + QStringLiteral(":cancel"), body);
    r.retrySafe = true; // cancelling twice is the same as once
    call(r, parsed<JobView>(std::move(done), &JobView::fromJson));
}

void ComputeClient::retryJob(const QString &id, ClientCallback<JobView> done)
{
    call(post(QStringLiteral("/v0/jobs/") + encoded(id) + QStringLiteral(":retry")),
        parsed<JobView>(std::move(done), &JobView::fromJson));
}

void ComputeClient::logs(const QString &jobId, const LogRequest &lr, ClientCallback<LogPage> done)
{
    QUrlQuery q;
    if (lr.attempt > 0)
        q.addQueryItem(QStringLiteral("attempt"), QString::number(lr.attempt));
    if (lr.since >= 0)
        q.addQueryItem(QStringLiteral("since"), QString::number(lr.since));
    if (lr.tail >= 0)
        q.addQueryItem(QStringLiteral("tail"), QString::number(lr.tail));
    if (!lr.stream.isEmpty())
        q.addQueryItem(QStringLiteral("stream"), lr.stream);
    q.addQueryItem(QStringLiteral("limit"), QString::number(lr.limit));
    call(get(QStringLiteral("/v0/jobs/") + encoded(jobId) + QStringLiteral("/logs"), q),
        parsed<LogPage>(std::move(done), [](const QJsonObject &o) {
            LogPage p;
            const QJsonArray lines = o.value(QStringLiteral("lines")).toArray();
            p.lines.reserve(lines.size());
            for (const auto &v : lines) {
                const QJsonObject l = v.toObject();
                LogLine line;
                line.seq = qint64(l.value(QStringLiteral("seq")).toDouble());
                line.tsMs = qint64(l.value(QStringLiteral("ts")).toDouble());
                line.stderrStream = l.value(QStringLiteral("stream")).toString() == QLatin1String("stderr");
                line.text = l.value(QStringLiteral("text")).toString();
                p.lines.append(std::move(line));
            }
            p.nextSeq = qint64(o.value(QStringLiteral("nextSeq")).toDouble(1));
            p.attempt = o.value(QStringLiteral("attempt")).toInt(1);
            p.finished = o.value(QStringLiteral("finished")).toBool();
            p.state = o.value(QStringLiteral("state")).toString();
            p.dropped = qint64(o.value(QStringLiteral("dropped")).toDouble());
            p.json = o;
            return p;
        }));
}

// --- agents

void ComputeClient::agents(ClientCallback<AgentList> done)
{
    call(get(QStringLiteral("/v0/agents")), parsed<AgentList>(std::move(done), [](const QJsonObject &o) {
        AgentList l;
        for (const auto &v : o.value(QStringLiteral("agents")).toArray())
            l.agents.append({Agent::fromJson(v.toObject()), v.toObject()});
        l.json = o;
        return l;
    }));
}

void ComputeClient::agent(const QString &id, ClientCallback<AgentView> done)
{
    call(get(QStringLiteral("/v0/agents/") + encoded(id)), parsed<AgentView>(std::move(done), [](const QJsonObject &o) {
        return AgentView {Agent::fromJson(o), o};
    }));
}

void ComputeClient::drainAgent(const QString &id, ClientCallback<AgentView> done)
{
    ApiRequest r = post(QStringLiteral("/v0/agents/") + encoded(id) + QStringLiteral(":drain"));
    r.retrySafe = true;
    call(r, parsed<AgentView>(std::move(done), [](const QJsonObject &o) { return AgentView {Agent::fromJson(o), o}; }));
}

void ComputeClient::drainAgent(const QString &id, int deadlineSeconds, ClientCallback<AgentView> done)
{
    ApiRequest r = post(QStringLiteral("/v0/agents/") + encoded(id) + QStringLiteral(":drain"),
        QJsonObject {{QStringLiteral("deadlineSeconds"), deadlineSeconds}});
    r.retrySafe = true;
    call(r, parsed<AgentView>(std::move(done), [](const QJsonObject &o) { return AgentView {Agent::fromJson(o), o}; }));
}

void ComputeClient::rotateAgentKey(const QString &id, ClientCallback<AgentView> done)
{
    ApiRequest r = post(QStringLiteral("/v0/agents/") + encoded(id) + QStringLiteral(":rotate-key"));
    r.retrySafe = true;
    call(r, parsed<AgentView>(std::move(done), [](const QJsonObject &o) { return AgentView {Agent::fromJson(o), o}; }));
}

void ComputeClient::joinCommand(int days, ClientCallback<JoinCommand> done)
{
    const QJsonObject body {
        {QStringLiteral("name"),
            QStringLiteral("agent-join-") + QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd"))},
        {QStringLiteral("role"), QStringLiteral("admin")}, {QStringLiteral("expiresInDays"), days}};
    const QString server = m_conn.server;
    createKey(body, [server, done = std::move(done)](ClientResult<KeyView> k) {
        if (!k)
            return done(k.error());
        done(JoinCommand {QStringLiteral("tanvrit-compute agent --server %1 --key %2")
                              .arg(shellWord(server), shellWord(k.value().key)),
            k.value()});
    });
}

void ComputeClient::stats(ClientCallback<FleetStats> done)
{
    call(get(QStringLiteral("/v0/stats")), parsed<FleetStats>(std::move(done), &FleetStats::fromJson));
}

void ComputeClient::removeAgent(const QString &id, ClientCallback<bool> done)
{
    ApiRequest r;
    r.method = "DELETE";
    r.path = QStringLiteral("/v0/agents/") + encoded(id);
    send(r, [done = std::move(done)](ClientResult<ApiAnswer> a) {
        if (!a)
            return done(a.error());
        done(true);
    });
}

// --- workspaces and members

void ComputeClient::workspaces(ClientCallback<WorkspaceList> done)
{
    call(get(QStringLiteral("/v0/workspaces")), parsed<WorkspaceList>(std::move(done), [](const QJsonObject &o) {
        WorkspaceList l;
        for (const auto &v : o.value(QStringLiteral("workspaces")).toArray())
            l.workspaces.append(WorkspaceView::fromJson(v.toObject()));
        l.json = o;
        return l;
    }));
}

void ComputeClient::createWorkspace(const QString &name, ClientCallback<WorkspaceView> done)
{
    call(post(QStringLiteral("/v0/workspaces"), QJsonObject {{QStringLiteral("name"), name}}),
        parsed<WorkspaceView>(std::move(done), &WorkspaceView::fromJson));
}

void ComputeClient::members(const QString &workspaceId, ClientCallback<MemberList> done)
{
    call(get(QStringLiteral("/v0/workspaces/") + encoded(workspaceId) + QStringLiteral("/members")),
        parsed<MemberList>(std::move(done), [](const QJsonObject &o) {
            return MemberList {
                o.value(QStringLiteral("members")).toArray(), o.value(QStringLiteral("invitations")).toArray(), o};
        }));
}

void ComputeClient::invite(
    const QString &workspaceId, const QString &email, const QString &role, ClientCallback<QJsonObject> done)
{
    call(post(QStringLiteral("/v0/workspaces/") + encoded(workspaceId) + QStringLiteral("/members"),
             QJsonObject {{QStringLiteral("email"), email}, {QStringLiteral("role"), role}}),
        std::move(done));
}

void ComputeClient::setMemberRole(
    const QString &workspaceId, const QString &member, const QString &role, ClientCallback<QJsonObject> done)
{
    ApiRequest r;
    r.method = "PATCH";
    r.path = QStringLiteral("/v0/workspaces/") + encoded(workspaceId) + QStringLiteral("/members/") + encoded(member);
    r.body = compact(QJsonObject {{QStringLiteral("role"), role}});
    r.retrySafe = true; // setting a role twice is setting it once
    call(r, std::move(done));
}

void ComputeClient::removeMember(const QString &workspaceId, const QString &member, ClientCallback<bool> done)
{
    ApiRequest r;
    r.method = "DELETE";
    r.path = QStringLiteral("/v0/workspaces/") + encoded(workspaceId) + QStringLiteral("/members/") + encoded(member);
    send(r, [done = std::move(done)](ClientResult<ApiAnswer> a) {
        if (!a)
            return done(a.error());
        done(true);
    });
}

// --- API keys

void ComputeClient::createKey(const QJsonObject &body, ClientCallback<KeyView> done)
{
    call(post(QStringLiteral("/v0/keys"), body), parsed<KeyView>(std::move(done), &KeyView::fromJson));
}

void ComputeClient::keys(bool includeRevoked, ClientCallback<KeyList> done)
{
    QUrlQuery q;
    if (includeRevoked)
        q.addQueryItem(QStringLiteral("includeRevoked"), QStringLiteral("true"));
    call(get(QStringLiteral("/v0/keys"), q), parsed<KeyList>(std::move(done), [](const QJsonObject &o) {
        KeyList l;
        for (const auto &v : o.value(QStringLiteral("keys")).toArray())
            l.keys.append(KeyView::fromJson(v.toObject()));
        l.json = o;
        return l;
    }));
}

void ComputeClient::revokeKey(const QString &id, ClientCallback<KeyView> done)
{
    ApiRequest r;
    r.method = "DELETE";
    r.path = QStringLiteral("/v0/keys/") + encoded(id);
    call(r, parsed<KeyView>(std::move(done), &KeyView::fromJson));
}

// --- audit

void ComputeClient::auditExport(const QString &workspaceId, const AuditFilter &f, const QString &format,
    const QString &cursor, ClientCallback<AuditChunk> done)
{
    QUrlQuery q;
    const QList<QPair<QString, QString>> items = {{QStringLiteral("actor"), f.actor},
        {QStringLiteral("action"), f.action}, {QStringLiteral("subject"), f.subject},
        {QStringLiteral("since"), f.since}, {QStringLiteral("until"), f.until}, {QStringLiteral("cursor"), cursor}};
    for (const auto &it : items)
        if (!it.second.isEmpty())
            q.addQueryItem(it.first, QString::fromLatin1(QUrl::toPercentEncoding(it.second)));
    q.addQueryItem(QStringLiteral("format"), format);
    send(get(QStringLiteral("/v0/workspaces/") + encoded(workspaceId) + QStringLiteral("/audit"), q),
        [done = std::move(done)](ClientResult<ApiAnswer> a) {
            if (!a)
                return done(a.error());
            done(AuditChunk {a.value().body, QString::fromLatin1(a.value().headers.value("x-next-cursor"))});
        });
}

void ComputeClient::auditVerify(const QString &workspaceId, ClientCallback<AuditVerdict> done)
{
    call(get(QStringLiteral("/v0/workspaces/") + encoded(workspaceId) + QStringLiteral("/audit/verify")),
        parsed<AuditVerdict>(std::move(done), [](const QJsonObject &o) {
            AuditVerdict v;
            v.ok = o.value(QStringLiteral("ok")).toBool();
            v.checked = qint64(o.value(QStringLiteral("checked")).toDouble());
            v.firstBrokenSeq = qint64(o.value(QStringLiteral("firstBrokenSeq")).toDouble());
            v.reason = o.value(QStringLiteral("reason")).toString();
            v.headSeq = qint64(o.value(QStringLiteral("headSeq")).toDouble());
            v.headHash = o.value(QStringLiteral("headHash")).toString();
            v.json = o;
            return v;
        }));
}

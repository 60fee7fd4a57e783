// Reading parameters: attempt, since (lines after that seq), tail, stream, format=text, limit,
// follow=true (SSE; Last-Event-ID resumes after that seq).
#include "LogsController.h"
#include "Access.h"
#include "AuthService.h"
#include "EventFollower.h"
#include "LogFollower.h"
#include "NodeBodies.h"
#include "Wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QWebSocket>

namespace {
bool parseInt(const QString &s, qint64 lo, qint64 hi, qint64 &out)
{
    bool ok = false;
    const qint64 v = s.toLongLong(&ok);
    if (!ok || v < lo || v > hi)
        return false;
    out = v;
    return true;
}

struct LogParams
{
    int attempt = 0;
    qint64 since = 0; // exclusive
    qint64 tail = -1;
    qint64 limit = 10000;
    LogFollower::StreamFilter filter = LogFollower::StreamFilter::Both;
    bool text = false;
    bool follow = false;
};

Result<LogParams> parseLogParams(const QUrlQuery &q, const QByteArray &lastEventId, bool followByDefault)
{
    LogParams p;
    p.follow = followByDefault;
    qint64 v = 0;
    for (const auto &[k, val] : q.queryItems(QUrl::FullyDecoded)) {
        if (k == QLatin1String("attempt")) {
            if (!parseInt(val, 1, 1000000, v))
                return ApiError::invalid(QStringLiteral("'attempt' must be a positive integer"));
            p.attempt = int(v);
        } else if (k == QLatin1String("since")) {
            if (!parseInt(val, 0, std::numeric_limits<qint64>::max(), p.since))
                return ApiError::invalid(QStringLiteral("'since' must be a sequence number"));
        } else if (k == QLatin1String("tail")) {
            if (!parseInt(val, 0, 1000000, p.tail))
                return ApiError::invalid(QStringLiteral("'tail' must be an integer from 0 to 1000000"));
        } else if (k == QLatin1String("limit")) {
            if (!parseInt(val, 1, 100000, p.limit))
                return ApiError::invalid(QStringLiteral("'limit' must be an integer from 1 to 100000"));
        } else if (k == QLatin1String("stream")) {
            if (val == QLatin1String("stdout"))
                p.filter = LogFollower::StreamFilter::Stdout;
            else if (val == QLatin1String("stderr"))
                p.filter = LogFollower::StreamFilter::Stderr;
            else
                return ApiError::invalid(QStringLiteral("'stream' must be stdout or stderr"));
        } else if (k == QLatin1String("format")) {
            if (val != QLatin1String("text") && val != QLatin1String("json"))
                return ApiError::invalid(QStringLiteral("'format' must be json or text"));
            p.text = val == QLatin1String("text");
        } else if (k == QLatin1String("follow")) {
            if (val != QLatin1String("true") && val != QLatin1String("false") && val != QLatin1String("1")
                && val != QLatin1String("0"))
                return ApiError::invalid(QStringLiteral("'follow' must be true or false"));
            p.follow = val == QLatin1String("true") || val == QLatin1String("1");
        } else {
            return ApiError::invalid(QStringLiteral("unknown query parameter '%1'").arg(k.left(64)));
        }
    }
    if (!lastEventId.isEmpty()) {
        if (!parseInt(QString::fromLatin1(lastEventId), 0, std::numeric_limits<qint64>::max(), p.since))
            return ApiError::invalid(QStringLiteral("Last-Event-ID must be a sequence number"));
    }
    return p;
}
}

ApiError LogsController::tooManyFollowers()
{
    return ApiError::make(ErrorCode::RateLimited,
        QStringLiteral("this key already follows %1 streams (logs and events), the limit; close one first")
            .arg(FollowerQuota::limitPerKey()));
}

void LogsController::replyTooManyFollowers(const ExchangePtr &ex)
{
    ex->replyError(tooManyFollowers(), {{"Retry-After", "5"}});
}

LogsController::LogsController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    RouteOptions logPush {Surface::Rpc, true, Permission::AgentPlane};
    logPush.audit = false;
    r.add("POST", QStringLiteral("/api/compute/nodes/logs"), logPush,
        [this](const ExchangePtr &ex) {
            QJsonObject body;
            if (!ex->jsonBody(body))
                return;
            if (const Status st = NodeBodies::logs(body); !st)
                return ex->replyError(st.error());
            const auto req = LogAppendRequest::fromJson(body);
            if (!req)
                return ex->replyError(req.error());
            const auto next = m_s.logs->append(ex->principal(), req.value());
            next ? ex->replyRpc(QJsonObject {{QStringLiteral("nextSeq"), next.value()}}, QStringLiteral("stored"))
                 : ex->replyError(next.error());
        });
    r.add("GET", QStringLiteral("/v0/jobs/{id}/logs"), {},
        [this](const ExchangePtr &ex) { logs(ex, ex->param(QStringLiteral("id")), false); });
    r.add("GET", QStringLiteral("/api/compute/jobs/{id}/logs"), {Surface::Rpc, true},
        [this](const ExchangePtr &ex) { logs(ex, ex->param(QStringLiteral("id")), true); });
    r.add("GET", QStringLiteral("/v0/events"), {}, [this](const ExchangePtr &ex) { events(ex); });
}

void LogsController::logs(const ExchangePtr &ex, const QString &jobId, bool followByDefault)
{
    if (!Wire::isId(jobId, QLatin1StringView("job")))
        return ex->replyError(ApiError::notFound(QStringLiteral("no job '%1': not a job id").arg(jobId.left(64))));
    const auto params = parseLogParams(ex->query(), ex->header("last-event-id"), followByDefault);
    if (!params)
        return ex->replyError(params.error());
    const LogParams &p = params.value();
    const auto target = m_s.logs->target(ex->principal(), jobId, p.attempt);
    if (!target)
        return ex->replyError(target.error());
    qint64 from = p.since + 1;
    if (p.tail >= 0)
        from = std::max<qint64>(from, m_s.logs->nextSeq(target.value()) - p.tail);

    if (p.follow) {
        FollowerQuota::Ticket ticket = FollowerQuota::acquire(ex->principal().credential());
        if (!ticket.isValid())
            return replyTooManyFollowers(ex);
        QTcpSocket *socket = ex->beginStream("text/event-stream");
        if (!socket)
            return;
        auto *f = new LogFollower(*m_s.logs, ex->principal(), target.value(), from, p.filter, socket, nullptr);
        f->holdTicket(std::move(ticket));
        f->setParent(socket);
        f->start();
        return;
    }
    LogCursor cursor;
    cursor.nextSeq = std::max<qint64>(1, from);
    QByteArray out;
    qint64 count = 0;
    qint64 dropped = 0;
    const bool text = p.text;
    if (!text)
        out = "{\"lines\":[";
    while (count < p.limit) {
        const LogReadResult r = m_s.logs->read(target.value(), cursor, int(std::min<qint64>(p.limit - count, 5000)));
        dropped += r.droppedBefore;
        if (r.lines.isEmpty())
            break;
        for (const LogLine &l : r.lines) {
            if ((p.filter == LogFollower::StreamFilter::Stdout && l.stderrStream)
                || (p.filter == LogFollower::StreamFilter::Stderr && !l.stderrStream))
                continue;
            if (text) {
                out += l.text.toUtf8() + '\n';
            } else {
                if (count)
                    out += ',';
                out += logLineJson(l);
            }
            ++count;
        }
    }
    if (text) {
        if (dropped > 0)
            out.prepend("[" + QByteArray::number(dropped) + " older lines dropped: log size cap]\n");
        return ex->reply(200, out, "text/plain; charset=utf-8");
    }
    out += "],\"nextSeq\":" + QByteArray::number(cursor.nextSeq) + ",\"attempt\":"
        + QByteArray::number(target.value().attempt) + ",\"finished\":" + (target.value().finished ? "true" : "false")
        + ",\"state\":\"" + target.value().state.toUtf8() + "\",\"dropped\":" + QByteArray::number(dropped) + '}';
    if (ex->surface() == Surface::Rpc)
        return ex->replyRpc(QJsonDocument::fromJson(out).object());
    ex->reply(200, out);
}

void LogsController::events(const ExchangePtr &ex)
{
    qint64 after = m_s.events->lastSeq();
    const QByteArray lastId = ex->header("last-event-id");
    const QString sinceParam = ex->queryValue(QStringLiteral("since"));
    const QString resumeFrom = !lastId.isEmpty() ? QString::fromLatin1(lastId) : sinceParam;
    if (!resumeFrom.isEmpty()) {
        bool ok = false;
        after = resumeFrom.toLongLong(&ok);
        if (!ok || after < 0)
            return ex->replyError(
                ApiError::invalid(QStringLiteral("Last-Event-ID / since must be an event sequence number")));
    }
    QStringList types;
    for (const QString &t : ex->queryValues(QStringLiteral("type")))
        types << t.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (types.size() > 64 || std::any_of(types.begin(), types.end(), [](const QString &t) { return t.size() > 64; }))
        return ex->replyError(
            ApiError::invalid(QStringLiteral("'type' takes at most 64 event types of 64 characters")));
    FollowerQuota::Ticket ticket = FollowerQuota::acquire(ex->principal().credential());
    if (!ticket.isValid())
        return replyTooManyFollowers(ex);
    QTcpSocket *socket = ex->beginStream("text/event-stream");
    if (!socket)
        return;
    auto *f = new EventFollower(*m_s.events, ex->principal().workspaceId, after, types, socket);
    f->holdTicket(std::move(ticket));
    f->setParent(socket);
    f->start();
}

bool LogsController::acceptWebSocket(QWebSocket *ws)
{
    static const QRegularExpression re(QStringLiteral("^/v0/jobs/([^/]+)/logs$"));
    const auto m = re.match(ws->requestUrl().path());
    if (!m.hasMatch())
        return false;
    const auto authenticated = m_s.auth->authenticate({ws->request().rawHeader("X-API-Key"),
        ws->request().rawHeader("Authorization"), ws->request().rawHeader("X-Workspace-Id")});
    const std::optional<Principal> principal
        = authenticated ? std::optional<Principal>(authenticated.value()) : std::nullopt;
    if (!principal || !Access::allows(*principal, Permission::ReadJobs) || principal->workspaceId.isEmpty()) {
        ws->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("unauthorized"));
        ws->deleteLater();
        return true;
    }
    auto params = parseLogParams(QUrlQuery(ws->requestUrl()), ws->request().rawHeader("Last-Event-ID"), true);
    if (params && !Wire::isId(m.captured(1), QLatin1StringView("job")))
        params = ApiError::notFound(QStringLiteral("no job '%1': not a job id").arg(m.captured(1).left(64)));
    const auto target = params ? m_s.logs->target(*principal, m.captured(1), params.value().attempt)
                               : Result<LogService::Target>(params.error());
    if (!target) {
        ws->sendTextMessage(QString::fromUtf8(QJsonDocument(
            QJsonObject {{QStringLiteral("event"), QStringLiteral("error")},
                {QStringLiteral("error"), target.error().codeString()},
                {QStringLiteral("message"),
                    target.error().message}}).toJson(QJsonDocument::Compact)));
        ws->close(QWebSocketProtocol::CloseCode(4004), target.error().codeString());
        ws->deleteLater();
        return true;
    }
    FollowerQuota::Ticket ticket = FollowerQuota::acquire(principal->credential());
    if (!ticket.isValid()) {
        const ApiError e = tooManyFollowers();
        ws->sendTextMessage(QString::fromUtf8(QJsonDocument(
            QJsonObject {{QStringLiteral("event"), QStringLiteral("error")}, {QStringLiteral("error"), e.codeString()},
                {QStringLiteral("message"),
                    e.message}}).toJson(QJsonDocument::Compact)));
        ws->close(QWebSocketProtocol::CloseCode(4029), e.codeString());
        ws->deleteLater();
        return true;
    }
    qint64 from = params.value().since + 1;
    if (params.value().tail >= 0)
        from = std::max<qint64>(from, m_s.logs->nextSeq(target.value()) - params.value().tail);
    connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
    auto *f = new LogFollower(*m_s.logs, *principal, target.value(), from, params.value().filter, nullptr, ws);
    f->holdTicket(std::move(ticket));
    f->setParent(ws);
    f->start();
    return true;
}

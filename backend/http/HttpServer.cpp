// Request pipeline: version header -> size limit -> route -> authentication -> workspace -> controller.
#include "HttpServer.h"
#include "Access.h"
#include "AuditService.h"
#include "AuthService.h"
#include "RateLimiter.h"
#include "WorkspaceService.h"
#include "FollowerQuota.h"
#include "GuardedTcpServer.h"
#include "ArtifactsController.h"
#include "AuditController.h"
#include "BillingController.h"
#include "HealthController.h"
#include "IdentityController.h"
#include "JobsController.h"
#include "LogsController.h"
#include "Metrics.h"
#include "NodesController.h"
#include "OpenApiController.h"
#include "StatsController.h"
#include "SecretsController.h"
#include "WebhooksController.h" // part 3: webhooks
#include "SchedulesController.h" // schedules (part 4)

#include <QDateTime>
#include <QHttpServerRequest>
#include <QTcpServer>
#include <QWebSocket>

namespace {
QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    default:
        return "OTHER";
    }
}
}

HttpServer::HttpServer(Services services, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_services(services)
{
    HttpExchange::setMetrics(m_services.metrics);
    FollowerQuota::setLimitPerKey(m_services.config.maxFollowersPerKey);
    m_controllers << new HealthController(m_services, m_router, this);
    m_controllers << new OpenApiController(m_router, this);
    m_controllers << new JobsController(m_services, m_router, this);
    m_controllers << new IdentityController(m_services, m_router, this);
    m_controllers << new AuditController(m_services, m_router, this);
    m_controllers << new BillingController(m_services, m_router, this);
    m_controllers << new ArtifactsController(m_services, m_router, this);
    m_controllers << new StatsController(m_services, m_router, this);
    m_controllers << new SecretsController(m_services, m_router, this); // part 2: secret vaults
    m_controllers << new WebhooksController(m_services, m_router, this); // part 3: webhooks
    m_controllers << new SchedulesController(m_services, m_router, this); // schedules (part 4)
    auto *nodes = new NodesController(m_services, m_router, this);
    m_controllers << nodes;
    auto *logs = new LogsController(m_services, m_router, this);
    m_controllers << logs;
    connect(this, &HttpServer::webSocketConnected, this, [nodes, logs](QWebSocket *ws) {
        if (!logs->acceptWebSocket(ws))
            nodes->acceptChannel(ws);
    });
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, &HttpServer::acceptWebSockets);
}

HttpServer::~HttpServer() = default;

quint16 HttpServer::listenOn(const QHostAddress &address, quint16 port)
{
    const ServerConfig &c = m_services.config;
    ConnectionLimits limits {c.maxBodyBytes, c.headerTimeoutMs, c.idleTimeoutMs};
    limits.uploadPartBytes = c.artifactPartBytes; // artifacts (Part 1)
    auto *server = new GuardedTcpServer(limits, {c.maxConnections, c.maxConnectionsPerAddress}, this);
    if (c.usesTls())
        server->setTls(c.tls);
    if (!server->listenOn(address, port)) {
        delete server;
        return 0;
    }
    bind(server);
    return server->serverPort();
}

int HttpServer::inFlight()
{
    return HttpExchange::inFlight();
}

void HttpServer::stopListening()
{
    for (QTcpServer *s : servers()) {
        if (auto *guarded = qobject_cast<GuardedTcpServer *>(s))
            guarded->stop();
        else
            s->close();
    }
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Qt 6.4 also hands WebSocket upgrades to the WebSocket server (newWebSocketConnection);
    // answering them here would corrupt the handshake.
    if (request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0) {
        RequestGuard::upgraded(socket);
        return true;
    }
    RequestGuard::requestStarted(socket);
    auto ex = std::make_shared<HttpExchange>(socket, methodName(request.method()), request.url().path(),
        request.query(), request.headers(), request.body(), request.remoteAddress());
    // Qt 6.4's parser takes the first of several Content-Length headers and reads a malformed one
    // as 0; both are request-smuggling hazards, so refuse them and close the connection.
    int contentLengths = 0;
    bool badLength = false;
    for (const auto &[k, v] : request.headers()) {
        if (k.compare("content-length", Qt::CaseInsensitive) == 0) {
            ++contentLengths;
            bool ok = false;
            const qint64 n = v.trimmed().toLongLong(&ok);
            badLength = badLength || !ok || n < 0;
        }
    }
    if (contentLengths > 1 || badLength) {
        ex->replyError(ApiError::invalid(contentLengths > 1 ? QStringLiteral("more than one Content-Length header")
                                                            : QStringLiteral("malformed Content-Length header")),
            {{"Connection", "close"}});
        socket->disconnectFromHost();
        return true;
    }
    const QByteArray version = ex->header("x-compute-api-version");
    if (!version.isEmpty() && version != "v0") {
        ex->replyError(ApiError::invalid(QStringLiteral("unsupported API version '%1'; this server speaks v0")
                                             .arg(QString::fromLatin1(version.left(32)))));
        return true;
    }
    const Router::Route *route = nullptr;
    QHash<QString, QString> params;
    QByteArray allowed;
    const auto outcome = m_router.match(ex->method(), request.url().path(QUrl::FullyEncoded), &route, params, allowed);
    if (ex->path().startsWith(QLatin1String("/api/")))
        ex->setSurface(Surface::Rpc);
    if (outcome == Router::Outcome::NotFound) {
        ex->replyError(ApiError::notFound(
            QStringLiteral("no such endpoint: %1 %2").arg(QString::fromLatin1(ex->method()), ex->path().left(200))));
        return true;
    }
    if (outcome == Router::Outcome::WrongMethod) {
        ex->replyError(ApiError::make(ErrorCode::MethodNotAllowed,
                           QStringLiteral("%1 is not allowed here; use %2")
                               .arg(QString::fromLatin1(ex->method()), QString::fromLatin1(allowed))),
            {{"Allow", allowed}});
        return true;
    }
    ex->setSurface(route->opts.surface);
    ex->setRoute(route->pattern.toUtf8());
    ex->setParams(params);
    const qint64 bodyLimit = route->opts.maxBodyBytes > 0 ? route->opts.maxBodyBytes : m_services.config.maxBodyBytes;
    if (ex->body().size() > bodyLimit) {
        ex->replyError(ApiError::make(ErrorCode::PayloadTooLarge,
            QStringLiteral("the body is %1 bytes; the limit is %2")
                .arg(ex->body().size())
                .arg(bodyLimit)));
        return true;
    }
    if (route->opts.auth) {
        if (!admitCaller(ex, *route))
            return true;
    } else if (route->opts.signIn) {
        if (const Status st = m_services.limiter->admitAnonymous(ex->peer().toString(), QDateTime::currentMSecsSinceEpoch()); !st)
            return ex->replyError(st.error()), true;
    }
    if (route->opts.audit && (route->opts.action || (ex->method() != "GET" && ex->method() != "HEAD")))
        watchForAudit(ex, *route);
    route->handler(ex);
    return true;
}

bool HttpServer::admitCaller(const ExchangePtr &ex, const Router::Route &route)
{
    const RouteOptions &o = route.opts;
    // The workspace a call acts in may be named by the X-Workspace-Id header or a body's workspaceId;
    // both must agree, and either names it for authentication (404 unless the caller is a member).
    QByteArray workspace = ex->header("x-workspace-id");
    if (ex->body().contains("\"workspaceId\"")) {
        const QJsonValue named = QJsonDocument::fromJson(ex->body()).object().value(QStringLiteral("workspaceId"));
        if (named.isString()) {
            const QByteArray fromBody = named.toString().toUtf8().left(128);
            if (!workspace.isEmpty() && workspace != fromBody) {
                ex->replyError(ApiError::notFound(QStringLiteral("no workspace %1").arg(QString::fromUtf8(fromBody.left(64)))));
                return false;
            }
            workspace = fromBody;
        }
    }
    auto principal = m_services.auth->authenticate({ex->header("x-api-key"), ex->header("authorization"), workspace});
    if (!principal) {
        if (principal.error().code == ErrorCode::Unauthorized)
            ex->replyError(principal.error(), {{"WWW-Authenticate", "Bearer"}});
        else
            ex->replyError(principal.error());
        return false;
    }
    Principal p = principal.value();
    if (const Status st = m_services.limiter->admit(p, QDateTime::currentMSecsSinceEpoch()); !st) {
        ex->replyError(st.error());
        return false;
    }
    if (!o.workspaceParam.isEmpty()) {
        // the workspace named in the path is the one the call acts in (404 unless a member)
        const auto scoped = m_services.workspaces->actingIn(p, ex->param(o.workspaceParam));
        if (!scoped) {
            ex->replyError(scoped.error());
            return false;
        }
        p = scoped.value();
    }
    if (o.need != Permission::None && p.workspaceId.isEmpty()) {
        ex->replyError(ApiError::notFound(QStringLiteral(
            "you are not a member of any workspace yet: create one (POST /v0/workspaces) or ask to be invited")));
        return false;
    }
    if (!(o.alsoNodes && p.isNode())) {
        if (const Status st = Access::require(p, o.need); !st) {
            ex->setPrincipal(p);
            if (o.audit && o.action)
                watchForAudit(ex, route);
            ex->replyError(st.error());
            return false;
        }
    }
    ex->setPrincipal(p);
    return true;
}

void HttpServer::watchForAudit(const ExchangePtr &ex, const Router::Route &route)
{
    if (!m_services.audit)
        return;
    const QString action = route.opts.action ? QString::fromLatin1(route.opts.action)
                                             : QString::fromLatin1(ex->method()) + QLatin1Char(' ') + route.pattern;
    QString subject;
    for (const char *name : {"id", "userId", "keyId", "member"})
        if (subject.isEmpty())
            subject = ex->param(QLatin1String(name));
    AuditService *audit = m_services.audit;
    ex->onAnswered([audit, action, subject](HttpExchange &e, int status) {
        // every column is text: an absent value is stored as "", never NULL
        auto text = [](const QString &s) { return s.isNull() ? QString(QLatin1String("")) : s; };
        AuditEntry entry;
        const Principal &p = e.principal();
        entry.workspaceId = e.auditWorkspace().isEmpty() ? p.workspaceId : e.auditWorkspace();
        entry.actor = !e.auditActor().isEmpty() ? e.auditActor()
            : p.keyId.isEmpty() && p.userId.isEmpty() ? QStringLiteral("anonymous")
            : p.isNode()                              ? p.actor()
                                                      : p.actor() + QStringLiteral(" via ") + p.credential();
        entry.action = action;
        entry.subject = e.auditSubject().isEmpty() ? subject : e.auditSubject();
        entry.source = e.peer().toString();
        entry.outcome = status < 400                                        ? QStringLiteral("ok")
            : (status == 401 || status == 403 || status == 404 || status == 429) ? QStringLiteral("denied:%1").arg(status)
                                                                                 : QStringLiteral("failed:%1").arg(status);
        entry.workspaceId = text(entry.workspaceId);
        entry.subject = text(entry.subject);
        audit->record(entry);
    });
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    auto ex = std::make_shared<HttpExchange>(socket, methodName(request.method()), request.url().path(), QUrlQuery(),
        request.headers(), QByteArray(), request.remoteAddress());
    ex->replyError(ApiError::notFound(QStringLiteral("no such endpoint")));
}

void HttpServer::acceptWebSockets()
{
    while (hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> ws = nextPendingWebSocketConnection();
        QWebSocket *raw = ws.release();
        // Qt's default allows 2 GiB messages; neither agents nor log followers send more than a little.
        raw->setMaxAllowedIncomingMessageSize(quint64(m_services.config.maxWebSocketMessageBytes));
        raw->setMaxAllowedIncomingFrameSize(quint64(m_services.config.maxWebSocketMessageBytes));
        Q_EMIT webSocketConnected(raw);
    }
}

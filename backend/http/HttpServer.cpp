// Request pipeline: version header -> size limit -> route -> authentication -> workspace -> controller.
#include "HttpServer.h"
#include "AuthService.h"
#include "FollowerQuota.h"
#include "GuardedTcpServer.h"
#include "HealthController.h"
#include "JobsController.h"
#include "LogsController.h"
#include "Metrics.h"
#include "NodesController.h"

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
    m_controllers << new JobsController(m_services, m_router, this);
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
    auto *server = new GuardedTcpServer(
        {c.maxBodyBytes, c.headerTimeoutMs, c.idleTimeoutMs}, {c.maxConnections, c.maxConnectionsPerAddress}, this);
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
    if (ex->body().size() > m_services.config.maxBodyBytes) {
        ex->replyError(ApiError::make(ErrorCode::PayloadTooLarge,
            QStringLiteral("the body is %1 bytes; the limit is %2")
                .arg(ex->body().size())
                .arg(m_services.config.maxBodyBytes)));
        return true;
    }
    if (route->opts.auth) {
        QString key = QString::fromLatin1(ex->header("x-api-key"));
        const QByteArray authz = ex->header("authorization");
        if (key.isEmpty() && authz.startsWith("Bearer "))
            key = QString::fromLatin1(authz.mid(7).trimmed());
        const auto principal = key.isEmpty() ? std::nullopt : m_services.auth->authenticate(key);
        if (!principal) {
            ex->replyError(
                ApiError::make(ErrorCode::Unauthorized,
                    key.isEmpty() ? QStringLiteral("an X-API-Key or Authorization: Bearer header is required")
                                  : QStringLiteral("the credentials are not valid")),
                {{"WWW-Authenticate", "Bearer"}});
            return true;
        }
        const QByteArray ws = ex->header("x-workspace-id");
        if (!ws.isEmpty() && QString::fromLatin1(ws) != principal->workspaceId) {
            ex->replyError(ApiError::notFound(QStringLiteral("no workspace %1").arg(QString::fromLatin1(ws.left(64)))));
            return true;
        }
        const Callers callers = route->opts.callers;
        if (callers != Callers::Any && principal->isNode() != (callers == Callers::Nodes)) {
            ex->replyError(ApiError::make(ErrorCode::Forbidden,
                principal->isNode() ? QStringLiteral("a node key is only good for the agent plane")
                                    : QStringLiteral("this call takes a node key")));
            return true;
        }
        ex->setPrincipal(*principal);
    }
    route->handler(ex);
    return true;
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

// Response writing: status line, X-Compute-API-Version, Content-Length, keep-alive unless the client
// asked to close. Errors are rendered in the shape of the surface the route belongs to.
#include "HttpExchange.h"
#include "Metrics.h"
#include "RequestGuard.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace {
thread_local Metrics *g_metrics = nullptr; // per HTTP thread: one control plane each (a process may hold several)
thread_local int g_inFlight = 0;
thread_local bool g_closeAfterReply = false;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 422:
        return "Unprocessable Entity";
    case 416:
        return "Range Not Satisfiable";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

QString rpcStatus(const ApiError &e)
{
    switch (e.code) {
    case ErrorCode::Unauthorized:
        return QStringLiteral("UNAUTHORIZED");
    case ErrorCode::Forbidden:
        return QStringLiteral("FORBIDDEN");
    case ErrorCode::RateLimited:
        return QStringLiteral("RATE_LIMITED");
    case ErrorCode::NotFound:
        return QStringLiteral("NO_DATA");
    default:
        return QStringLiteral("ERROR");
    }
}
}

int HttpExchange::inFlight()
{
    return g_inFlight;
}

void HttpExchange::closeConnectionsAfterReply()
{
    g_closeAfterReply = true;
}

HttpExchange::~HttpExchange()
{
    if (!m_replied)
        --g_inFlight;
}

void HttpExchange::setMetrics(Metrics *m)
{
    g_metrics = m;
}

HttpExchange::HttpExchange(QTcpSocket *socket, QByteArray method, QString path, QUrlQuery query,
    QList<QPair<QByteArray, QByteArray>> headers, QByteArray body, QHostAddress peer)
    : m_socket(socket)
    , m_method(std::move(method))
    , m_path(std::move(path))
    , m_query(std::move(query))
    , m_headers(std::move(headers))
    , m_body(std::move(body))
    , m_peer(std::move(peer))
{
    m_timer.start();
    ++g_inFlight;
    m_close = header("connection").toLower().contains("close");
}

QByteArray HttpExchange::header(const QByteArray &lowerName) const
{
    for (const auto &[k, v] : m_headers)
        if (k.size() == lowerName.size() && k.toLower() == lowerName)
            return v;
    return {};
}

QString HttpExchange::queryValue(const QString &key) const
{
    return m_query.queryItemValue(key, QUrl::FullyDecoded);
}

QStringList HttpExchange::queryValues(const QString &key) const
{
    return m_query.allQueryItemValues(key, QUrl::FullyDecoded);
}

bool HttpExchange::jsonBody(QJsonObject &out)
{
    if (m_body.trimmed().isEmpty()) {
        replyError(ApiError::invalid(QStringLiteral("a JSON object body is required")));
        return false;
    }
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(m_body, &err);
    if (err.error != QJsonParseError::NoError) {
        replyError(ApiError::make(ErrorCode::InvalidRequest,
            QStringLiteral("malformed JSON at offset %1: %2").arg(err.offset).arg(err.errorString())));
        return false;
    }
    if (!doc.isObject()) {
        replyError(ApiError::invalid(QStringLiteral("the body must be a JSON object")));
        return false;
    }
    out = doc.object();
    return true;
}

void HttpExchange::finishMetrics(int status)
{
    --g_inFlight;
    if (m_onAnswered) {
        auto fn = std::move(m_onAnswered);
        m_onAnswered = nullptr;
        fn(*this, status);
    }
    if (g_metrics)
        g_metrics->recordHttp(m_method, m_route, status, m_timer.nsecsElapsed() / 1e9);
}

void HttpExchange::reply(int status, const QByteArray &body, const QByteArray &contentType,
    const QList<QPair<QByteArray, QByteArray>> &extraHeaders)
{
    if (m_replied)
        return;
    m_replied = true;
    finishMetrics(status);
    if (!m_socket)
        return;
    m_close = m_close || g_closeAfterReply;
    QByteArray out;
    out.reserve(160 + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "X-Compute-API-Version: v0\r\n";
    for (const auto &[k, v] : extraHeaders)
        out += k + ": " + v + "\r\n";
    if (m_close)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (m_method != "HEAD") // HEAD: the GET's headers, Content-Length included, and no body
        out += body;
    m_socket->write(out);
    RequestGuard::answered(m_socket);
    if (m_close)
        m_socket->disconnectFromHost();
}

void HttpExchange::replyJson(int status, const QJsonObject &o)
{
    if (m_surface == Surface::Rpc)
        return replyRpc(o);
    reply(status, QJsonDocument(o).toJson(QJsonDocument::Compact));
}

void HttpExchange::replyError(const ApiError &e, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    // an error that says when to come back (503 unavailable, 429) carries it as Retry-After too
    QList<QPair<QByteArray, QByteArray>> extraHeaders = headers;
    if (e.detail.contains(QStringLiteral("retryAfter")))
        extraHeaders.append({"Retry-After", QByteArray::number(e.detail.value(QStringLiteral("retryAfter")).toInt())});
    if (m_surface == Surface::Rpc) {
        const QJsonObject o {{QStringLiteral("status"), rpcStatus(e)}, {QStringLiteral("message"), e.message},
            {QStringLiteral("code"), e.codeString()},
            {QStringLiteral("payload"), e.detail.isEmpty() ? QJsonValue() : QJsonValue(e.detail)}};
        return reply(e.httpStatus(), QJsonDocument(o).toJson(QJsonDocument::Compact), "application/json", extraHeaders);
    }
    QJsonObject o = e.detail;
    // part 2: a finer code a service chose in the detail ("version_conflict" of a 409) names the error
    const QJsonValue finer = e.detail.value(QStringLiteral("code"));
    const QString code = finer.isString() ? finer.toString() : e.codeString();
    o.insert(QStringLiteral("error"), code);
    o.insert(QStringLiteral("code"), code);
    o.insert(QStringLiteral("message"), e.message);
    reply(e.httpStatus(), QJsonDocument(o).toJson(QJsonDocument::Compact), "application/json", extraHeaders);
}

void HttpExchange::replyRpc(const QJsonValue &payload, const QString &message, const QString &status)
{
    const QJsonObject o {
        {QStringLiteral("status"), status}, {QStringLiteral("message"), message}, {QStringLiteral("payload"), payload}};
    reply(200, QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QTcpSocket *HttpExchange::beginStream(const QByteArray &contentType)
{
    if (m_replied || !m_socket)
        return nullptr;
    m_replied = true;
    finishMetrics(200);
    RequestGuard::streaming(m_socket);
    m_socket->write("HTTP/1.1 200 OK\r\nContent-Type: " + contentType
        + "\r\nCache-Control: no-cache\r\nConnection: close\r\nX-Accel-Buffering: no\r\n"
          "X-Compute-API-Version: v0\r\n\r\n");
    return m_socket.data();
}

QTcpSocket *HttpExchange::beginBody(int status, qint64 contentLength, const QByteArray &contentType,
    const QList<QPair<QByteArray, QByteArray>> &extraHeaders)
{
    if (m_replied || !m_socket)
        return nullptr;
    m_replied = true;
    finishMetrics(status);
    RequestGuard::streaming(m_socket);
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\nContent-Type: "
        + contentType + "\r\nContent-Length: " + QByteArray::number(contentLength)
        + "\r\nConnection: close\r\nX-Compute-API-Version: v0\r\n";
    for (const auto &[k, v] : extraHeaders)
        out += k + ": " + v + "\r\n";
    m_socket->write(out + "\r\n");
    return m_socket.data();
}

// One request and its (possibly deferred) reply. Replies are written straight to the socket, so a
// controller may answer after an asynchronous commit, or keep the socket for a stream.
#pragma once

#include "ApiError.h"
#include "Principal.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QPointer>
#include <QTcpSocket>
#include <QUrlQuery>
#include <functional>
#include <memory>

class Metrics;

enum class Surface { V0, Rpc, Plain }; // error shape: /v0 errors, seed-000 envelope, or plain health

class HttpExchange
{
public:
    HttpExchange(QTcpSocket *socket, QByteArray method, QString path, QUrlQuery query,
        QList<QPair<QByteArray, QByteArray>> headers, QByteArray body, QHostAddress peer);

    const QByteArray &method() const { return m_method; }
    const QString &path() const { return m_path; }
    const QUrlQuery &query() const { return m_query; }
    QString queryValue(const QString &key) const;
    QStringList queryValues(const QString &key) const;
    const QByteArray &body() const { return m_body; }
    QByteArray header(const QByteArray &lowerName) const;
    QHostAddress peer() const { return m_peer; }

    QString param(const QString &name) const { return m_params.value(name); }
    void setParams(QHash<QString, QString> p) { m_params = std::move(p); }
    void setSurface(Surface s) { m_surface = s; }
    Surface surface() const { return m_surface; }
    void setRoute(QByteArray r) { m_route = std::move(r); }
    const Principal &principal() const { return m_principal; }
    void setPrincipal(Principal p) { m_principal = std::move(p); }

    // Parses the body as a JSON object; on failure replies 400 and returns false.
    bool jsonBody(QJsonObject &out);

    void reply(int status, const QByteArray &body, const QByteArray &contentType = "application/json",
        const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {});
    void replyJson(int status, const QJsonObject &o);
    void replyError(const ApiError &e, const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {});
    void replyRpc(const QJsonValue &payload, const QString &message = QStringLiteral("ok"),
        const QString &status = QStringLiteral("SUCCESS"));
    bool replied() const { return m_replied; }

    // What the audit log records of this call beyond what the route and principal say.
    void setAuditSubject(const QString &s) { m_auditSubject = s; }
    void setAuditWorkspace(const QString &w) { m_auditWorkspace = w; }
    void setAuditActor(const QString &a) { m_auditActor = a; }
    const QString &auditSubject() const { return m_auditSubject; }
    const QString &auditWorkspace() const { return m_auditWorkspace; }
    const QString &auditActor() const { return m_auditActor; }
    // Runs once, when the answer (or a stream's header) is written: the audit hook.
    void onAnswered(std::function<void(HttpExchange &, int status)> fn) { m_onAnswered = std::move(fn); }

    // Streams: writes the status line and headers, then hands the socket to the caller.
    QTcpSocket *beginStream(const QByteArray &contentType);
    QTcpSocket *socket() const { return m_socket.data(); }
    // Artifacts (Part 1): a body of known length the caller writes itself (a file, piece by piece):
    // writes the status line and headers, then hands over the socket; the connection closes after it.
    QTcpSocket *beginBody(int status, qint64 contentLength, const QByteArray &contentType,
        const QList<QPair<QByteArray, QByteArray>> &extraHeaders);

    static void setMetrics(Metrics *m);
    static int inFlight(); // received and not yet answered (streams count as answered)
    // Shutting down: every answer from now on closes its connection (keep-alive clients reconnect,
    // and find the listener closed).
    static void closeConnectionsAfterReply();
    ~HttpExchange();

private:
    void finishMetrics(int status);

    QPointer<QTcpSocket> m_socket;
    QByteArray m_method;
    QString m_path;
    QUrlQuery m_query;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
    QHostAddress m_peer;
    QHash<QString, QString> m_params;
    Surface m_surface = Surface::V0;
    QByteArray m_route = "unmatched";
    Principal m_principal;
    QElapsedTimer m_timer;
    bool m_replied = false;
    bool m_close = false;
    QString m_auditSubject;
    QString m_auditWorkspace;
    QString m_auditActor;
    std::function<void(HttpExchange &, int)> m_onAnswered;
};

using ExchangePtr = std::shared_ptr<HttpExchange>;

// Method + path routing with {param} segments, including the "{id}:verb" form of /v0 custom methods.
// Paths are matched in their encoded form, segment by segment, and each segment is then decoded, so an
// encoded "/" (%2F) stays inside its segment instead of splitting the path.
#pragma once

#include "Access.h"
#include "HttpExchange.h"

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <functional>

using Handler = std::function<void(const ExchangePtr &)>;

// What a route asks of its caller: credentials (auth), the permission of the role table it needs
// (Access), the path parameter naming the workspace it acts in, and how it appears in the audit log.
// Permission::AgentPlane takes node keys only; every other permission refuses them unless alsoNodes.
struct RouteOptions
{
    Surface surface = Surface::V0;
    bool auth = true;
    Permission need = Permission::ReadJobs;
    bool alsoNodes = false;       // a node key may call it too (the service decides what it may do)
    QString workspaceParam;       // e.g. "id" for /v0/workspaces/{id}/…
    const char *action = nullptr; // audit action, e.g. "job.submit"; mutating routes without one use "METHOD pattern"
    bool audit = true;            // false for the agent plane's steady traffic (heartbeats, polls, log batches)
    bool signIn = false;          // an unauthenticated sign-in route: limited per client address
    qint64 maxBodyBytes = 0;      // artifacts (Part 1): a route's own body limit (0: the server's)

    // The same call on the RPC surface (its envelope, its paths).
    RouteOptions onRpc() const
    {
        RouteOptions o = *this;
        o.surface = Surface::Rpc;
        return o;
    }
};

class Router
{
public:
    // Longer paths, or paths of more segments, match nothing (no route is near either).
    static constexpr qsizetype kMaxPathLength = 4096;
    static constexpr qsizetype kMaxSegments = 16;

    void add(const QByteArray &method, const QString &pattern, RouteOptions opts, Handler h);

    struct Route
    {
        QByteArray method;
        QString pattern;
        QStringList segments;
        RouteOptions opts;
        Handler handler;
    };
    enum class Outcome { Found, WrongMethod, NotFound };
    // `encodedPath` is the request target's path as sent (percent-encoded). HEAD matches GET routes.
    // On WrongMethod, `allowed` lists the methods the path does accept.
    Outcome match(const QByteArray &method, const QString &encodedPath, const Route **route,
        QHash<QString, QString> &params, QByteArray &allowed) const;
    // Every route in registration order (the API document's test checks each is documented).
    const QList<Route> &routes() const { return m_routes; }

private:
    static bool matchSegments(const Route &r, const QStringList &parts, QHash<QString, QString> &params);
    QList<Route> m_routes;
};

// Method + path routing with {param} segments, including the "{id}:verb" form of /v0 custom methods.
// Paths are matched in their encoded form, segment by segment, and each segment is then decoded, so an
// encoded "/" (%2F) stays inside its segment instead of splitting the path.
#pragma once

#include "HttpExchange.h"

#include <QByteArray>
#include <QList>
#include <QStringList>
#include <functional>

using Handler = std::function<void(const ExchangePtr &)>;

// Which credentials a route takes: workspace keys (people, scripts), node keys (agents), or both.
// A node key is good for the agent plane only; anything else refuses it with 403.
enum class Callers { Clients, Nodes, Any };

struct RouteOptions
{
    Surface surface = Surface::V0;
    bool auth = true;
    Callers callers = Callers::Clients;
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

private:
    static bool matchSegments(const Route &r, const QStringList &parts, QHash<QString, QString> &params);
    QList<Route> m_routes;
};

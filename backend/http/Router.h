// Method + path routing with {param} segments, including the "{id}:verb" form of /v0 custom methods.
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
    // On WrongMethod, `allowed` lists the methods the path does accept.
    Outcome match(const QByteArray &method, const QString &path, const Route **route, QHash<QString, QString> &params,
        QByteArray &allowed) const;

private:
    static bool matchSegments(const Route &r, const QStringList &parts, QHash<QString, QString> &params);
    QList<Route> m_routes;
};

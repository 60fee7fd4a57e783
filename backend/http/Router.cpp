// Routes are tried in registration order, so "{id}:cancel" is registered before "{id}".
#include "Router.h"

#include <QUrl>

void Router::add(const QByteArray &method, const QString &pattern, RouteOptions opts, Handler h)
{
    m_routes.append({method, pattern, pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts), opts, std::move(h)});
}

bool Router::matchSegments(const Route &r, const QStringList &parts, QHash<QString, QString> &params)
{
    if (r.segments.size() != parts.size())
        return false;
    QHash<QString, QString> found;
    for (int i = 0; i < parts.size(); ++i) {
        const QString &seg = r.segments.at(i);
        const QString &part = parts.at(i);
        if (!seg.startsWith(QLatin1Char('{'))) {
            if (seg != part)
                return false;
            continue;
        }
        const int close = seg.indexOf(QLatin1Char('}'));
        const QString name = seg.mid(1, close - 1);
        const QString suffix = seg.mid(close + 1); // e.g. ":cancel"
        if (!suffix.isEmpty()) {
            if (!part.endsWith(suffix) || part.size() == suffix.size())
                return false;
            found.insert(name, part.left(part.size() - suffix.size()));
        } else {
            if (part.isEmpty() || part.contains(QLatin1Char(':')))
                return false;
            found.insert(name, part);
        }
    }
    params = found;
    return true;
}

Router::Outcome Router::match(const QByteArray &method, const QString &encodedPath, const Route **route,
    QHash<QString, QString> &params, QByteArray &allowed) const
{
    if (encodedPath.size() > kMaxPathLength)
        return Outcome::NotFound;
    QStringList parts = encodedPath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.size() > kMaxSegments)
        return Outcome::NotFound;
    for (QString &part : parts)
        if (part.contains(QLatin1Char('%')))
            part = QUrl::fromPercentEncoding(part.toUtf8());
    bool pathMatched = false;
    for (const Route &r : m_routes) {
        QHash<QString, QString> p;
        if (!matchSegments(r, parts, p))
            continue;
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            *route = &r;
            params = p;
            return Outcome::Found;
        }
        pathMatched = true;
        if (!allowed.contains(r.method))
            allowed += (allowed.isEmpty() ? "" : ", ") + r.method;
    }
    return pathMatched ? Outcome::WrongMethod : Outcome::NotFound;
}

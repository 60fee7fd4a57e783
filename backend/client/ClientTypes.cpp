#include "ClientTypes.h"

Session Session::fromJson(const QJsonObject &o, qint64 nowMs)
{
    Session s;
    const QJsonObject user = o.value(QStringLiteral("user")).toObject();
    s.userId = user.value(QStringLiteral("id")).toString();
    s.email = user.value(QStringLiteral("email")).toString();
    s.accessToken = o.value(QStringLiteral("accessToken")).toString();
    s.refreshToken = o.value(QStringLiteral("refreshToken")).toString();
    const int expiresIn = o.value(QStringLiteral("expiresIn")).toInt();
    s.accessExpiresAtMs = expiresIn > 0 ? nowMs + qint64(expiresIn) * 1000 : 0;
    s.json = o;
    return s;
}

JobView JobView::fromJson(const QJsonObject &o)
{
    JobView v;
    v.job = Job::fromJson(o);
    v.pendingReason = o.value(QStringLiteral("pendingReason")).toString();
    v.json = o;
    return v;
}

WorkspaceView WorkspaceView::fromJson(const QJsonObject &o)
{
    WorkspaceView w;
    w.id = o.value(QStringLiteral("id")).toString();
    w.name = o.value(QStringLiteral("name")).toString();
    w.role = o.value(QStringLiteral("role")).toString();
    w.plan = o.value(QStringLiteral("plan")).toString();
    w.createdAt = o.value(QStringLiteral("createdAt")).toString();
    w.json = o;
    return w;
}

KeyView KeyView::fromJson(const QJsonObject &o)
{
    KeyView k;
    k.id = o.value(QStringLiteral("id")).toString();
    k.key = o.value(QStringLiteral("key")).toString();
    k.name = o.value(QStringLiteral("name")).toString();
    k.role = o.value(QStringLiteral("role")).toString();
    k.prefix = o.value(QStringLiteral("prefix")).toString();
    k.json = o;
    return k;
}

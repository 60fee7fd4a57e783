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

FleetStats FleetStats::fromJson(const QJsonObject &o)
{
    FleetStats st;
    const QJsonObject byState = o.value(QStringLiteral("jobsByState")).toObject();
    for (auto it = byState.begin(); it != byState.end(); ++it)
        st.jobsByState.insert(it.key(), qint64(it.value().toDouble()));
    st.queueDepth = qint64(o.value(QStringLiteral("queueDepth")).toDouble());
    for (const QJsonValue &v : o.value(QStringLiteral("finishedPerMinute")).toArray()) {
        const QJsonObject m = v.toObject();
        st.finishedPerMinute.append(
            {m.value(QStringLiteral("minute")).toString(), qint64(m.value(QStringLiteral("succeeded")).toDouble()),
                qint64(m.value(QStringLiteral("failed")).toDouble()),
                qint64(m.value(QStringLiteral("cancelled")).toDouble())});
    }
    st.failureRate = o.value(QStringLiteral("failureRate")).toDouble();
    const QJsonObject agents = o.value(QStringLiteral("agents")).toObject();
    st.agentsOnline = agents.value(QStringLiteral("online")).toInt();
    st.agentsDraining = agents.value(QStringLiteral("draining")).toInt();
    st.agentsLost = agents.value(QStringLiteral("lost")).toInt();
    const QJsonObject gpus = o.value(QStringLiteral("gpus")).toObject();
    st.gpusTotal = gpus.value(QStringLiteral("total")).toInt();
    st.gpusBusy = gpus.value(QStringLiteral("busy")).toInt();
    st.gpuUtilizationPercent = gpus.value(QStringLiteral("utilizationPercent")).toDouble();
    for (const QJsonValue &v : o.value(QStringLiteral("recentFailures")).toArray()) {
        const QJsonObject f = v.toObject();
        Failure fl {f.value(QStringLiteral("id")).toString(), f.value(QStringLiteral("state")).toString(),
            f.value(QStringLiteral("error")).toString(), std::nullopt, f.value(QStringLiteral("finishedAt")).toString(),
            f.value(QStringLiteral("command")).toString()};
        if (f.value(QStringLiteral("exitCode")).isDouble())
            fl.exitCode = f.value(QStringLiteral("exitCode")).toInt();
        st.recentFailures.append(fl);
    }
    st.json = o;
    return st;
}

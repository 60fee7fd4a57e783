// Thin handlers over AgentService; the channel code only moves messages and watches liveness.
#include "NodesController.h"
#include "AgentService.h"
#include "AuthService.h"
#include "NodeBodies.h"
#include "Wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QWebSocket>

namespace {
// a drain body's optional deadline (already checked by NodeBodies)
std::optional<int> drainDeadline(const QJsonObject &body)
{
    const QJsonValue v = body.value(QStringLiteral("deadlineSeconds"));
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    return int(v.toDouble());
}
}

NodesController::NodesController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    RouteOptions registration {Surface::Rpc, true, Permission::ManageAgents};
    registration.action = "node.register";
    const RouteOptions read {Surface::Rpc, true, Permission::ReadJobs};
    RouteOptions node {Surface::Rpc, true, Permission::AgentPlane}; // the agent's own node key
    node.audit = false;
    RouteOptions rotate {Surface::Rpc, true, Permission::AgentPlane};
    rotate.action = "node.rotate-key";
    RouteOptions either {Surface::Rpc, true, Permission::ManageAgents, true};
    either.action = "agent.drain";
    RouteOptions drain {Surface::V0, true, Permission::ManageAgents};
    drain.action = "agent.drain";
    RouteOptions rotateOther {Surface::V0, true, Permission::ManageAgents};
    rotateOther.action = "agent.rotate-key";
    RouteOptions removal {Surface::V0, true, Permission::ManageAgents};
    removal.action = "agent.remove";
    // An optional JSON body, then its shape check (NodeBodies); false once an error was answered.
    auto withBody = [](const ExchangePtr &ex, QJsonObject &body, Status (*check)(const QJsonObject &) = nullptr) {
        if (!ex->body().trimmed().isEmpty() && !ex->jsonBody(body))
            return false;
        if (check) {
            if (const Status st = check(body); !st) {
                ex->replyError(st.error());
                return false;
            }
        }
        return true;
    };
    auto checkedBody = [withBody](const ExchangePtr &ex, QJsonObject &body, Status (*check)(const QJsonObject &)) {
        if (ex->body().trimmed().isEmpty()) {
            ex->replyError(ApiError::invalid(QStringLiteral("a JSON object body is required")));
            return false;
        }
        return withBody(ex, body, check);
    };

    r.add("POST", QStringLiteral("/api/compute/nodes/register"), registration, [this, withBody](const ExchangePtr &ex) {
        QJsonObject body;
        if (!withBody(ex, body, &NodeBodies::registration))
            return;
        const auto req = RegisterRequest::fromJson(body);
        if (!req)
            return ex->replyError(req.error());
        m_s.agents->registerAgent(ex->principal(), req.value(), [ex](Result<QJsonObject> r) {
            r ? ex->replyRpc(r.value(), QStringLiteral("registered")) : ex->replyError(r.error());
        });
    });
    r.add("POST", QStringLiteral("/api/compute/nodes/heartbeat"), node, [this, withBody](const ExchangePtr &ex) {
        QJsonObject body;
        if (!withBody(ex, body, &NodeBodies::heartbeat))
            return;
        const auto r = m_s.agents->heartbeat(ex->principal(), body);
        r ? ex->replyRpc(r.value()) : ex->replyError(r.error());
    });
    r.add("POST", QStringLiteral("/api/compute/nodes/poll"), node, [this, withBody](const ExchangePtr &ex) {
        QJsonObject body;
        if (!withBody(ex, body, &NodeBodies::poll))
            return;
        const double wait = body.value(QStringLiteral("waitSeconds")).toDouble(25);
        const int waitMs = int(std::clamp(wait, 0.0, m_s.config.pollWaitMs / 1000.0) * 1000);
        m_s.agents->poll(ex->principal(), waitMs, [ex](const QJsonObject *payload) {
            if (payload)
                ex->replyRpc(*payload, QStringLiteral("work assigned"));
            else
                ex->replyRpc(QJsonValue(), QStringLiteral("nothing to do"), QStringLiteral("NO_DATA"));
        });
    });
    r.add("POST", QStringLiteral("/api/compute/nodes/started"), node, [this, checkedBody](const ExchangePtr &ex) {
        QJsonObject body;
        if (!checkedBody(ex, body, &NodeBodies::started))
            return;
        m_s.agents->started(ex->principal(), body.value(QStringLiteral("jobId")).toString(),
            body.value(QStringLiteral("attempt")).toInt(),
            [ex](Result<QJsonObject> r) { r ? ex->replyRpc(r.value()) : ex->replyError(r.error()); });
    });
    r.add("POST", QStringLiteral("/api/compute/nodes/result"), node, [this, checkedBody](const ExchangePtr &ex) {
        QJsonObject body;
        if (!checkedBody(ex, body, &NodeBodies::result))
            return;
        const auto report = AgentReport::fromJson(body);
        if (!report)
            return ex->replyError(report.error());
        m_s.agents->result(ex->principal(), report.value(), [ex](Result<QJsonObject> r) {
            if (!r)
                return ex->replyError(r.error());
            const bool accepted = r.value().value(QStringLiteral("accepted")).toBool();
            ex->replyRpc(r.value(),
                accepted ? QStringLiteral("result recorded")
                         : QStringLiteral("the job is already %1; result ignored")
                               .arg(r.value().value(QStringLiteral("state")).toString()));
        });
    });
    r.add("POST", QStringLiteral("/api/compute/nodes/drain"), either, [this, withBody](const ExchangePtr &ex) {
        QJsonObject body;
        if (!withBody(ex, body, &NodeBodies::drain))
            return;
        const auto r
            = m_s.agents->drain(ex->principal(), body.value(QStringLiteral("nodeId")).toString(), drainDeadline(body));
        r ? ex->replyRpc(r.value(), QStringLiteral("draining")) : ex->replyError(r.error());
    });
    r.add("POST", QStringLiteral("/api/compute/nodes/list"), read, [this](const ExchangePtr &ex) {
        ex->replyRpc(QJsonObject {{QStringLiteral("nodes"), m_s.agents->list(ex->principal())}});
    });
    r.add("POST", QStringLiteral("/api/compute/nodes/rotate-key"), rotate, [this](const ExchangePtr &ex) {
        m_s.agents->rotateKey(ex->principal(), [ex](Result<QJsonObject> r) {
            r ? ex->replyRpc(r.value(), QStringLiteral("key rotated")) : ex->replyError(r.error());
        });
    });

    // /v0/agents
    r.add("GET", QStringLiteral("/v0/agents"), {}, [this](const ExchangePtr &ex) {
        ex->replyJson(200, {{QStringLiteral("agents"), m_s.agents->list(ex->principal())}});
    });
    // a path id that is not an agent id names no agent (and goes no further)
    auto agentId = [](const ExchangePtr &ex) {
        const QString id = ex->param(QStringLiteral("id"));
        if (Wire::isId(id, QLatin1StringView("node")))
            return true;
        ex->replyError(ApiError::notFound(QStringLiteral("no agent '%1': not an agent id").arg(id.left(64))));
        return false;
    };
    r.add("POST", QStringLiteral("/v0/agents/{id}:drain"), drain, [this, agentId, withBody](const ExchangePtr &ex) {
        if (!agentId(ex))
            return;
        QJsonObject body;
        if (!withBody(ex, body, &NodeBodies::drainV0))
            return;
        const auto r = m_s.agents->drain(ex->principal(), ex->param(QStringLiteral("id")), drainDeadline(body));
        r ? ex->replyJson(200, r.value()) : ex->replyError(r.error());
    });
    r.add("POST", QStringLiteral("/v0/agents/{id}:rotate-key"), rotateOther, [this, agentId](const ExchangePtr &ex) {
        if (!agentId(ex))
            return;
        const auto r = m_s.agents->requestKeyRotation(ex->principal(), ex->param(QStringLiteral("id")));
        r ? ex->replyJson(202, r.value()) : ex->replyError(r.error());
    });
    r.add("GET", QStringLiteral("/v0/agents/{id}"), {}, [this, agentId](const ExchangePtr &ex) {
        if (!agentId(ex))
            return;
        const auto r = m_s.agents->get(ex->principal(), ex->param(QStringLiteral("id")));
        r ? ex->replyJson(200, r.value()) : ex->replyError(r.error());
    });
    r.add("DELETE", QStringLiteral("/v0/agents/{id}"), removal, [this, agentId](const ExchangePtr &ex) {
        if (!agentId(ex))
            return;
        m_s.agents->remove(ex->principal(), ex->param(QStringLiteral("id")),
            [ex](Status st) { st ? ex->reply(204, QByteArray()) : ex->replyError(st.error()); });
    });
}

void NodesController::acceptChannel(QWebSocket *ws)
{
    const QString path = ws->requestUrl().path();
    if (path != QLatin1String("/v0/agents/connect")) {
        ws->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("no websocket endpoint at this path"));
        ws->deleteLater();
        return;
    }
    const auto principal = m_s.auth->authenticate(
        {ws->request().rawHeader("X-API-Key"), ws->request().rawHeader("Authorization"), QByteArray()});
    if (!principal || !principal.value().isNode()) {
        ws->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("unauthorized"));
        ws->deleteLater();
        return;
    }
    const QString nodeId = principal.value().nodeId;
    const int timeoutMs = m_s.agents->timeoutSeconds() * 1000;
    auto lastHeard = std::make_shared<qint64>(QDateTime::currentMSecsSinceEpoch());
    QPointer<QWebSocket> guard(ws);
    auto *pinger = new QTimer(ws);
    pinger->setInterval(std::max(1000, std::min(30000, timeoutMs / 3)));
    connect(pinger, &QTimer::timeout, ws, [ws, lastHeard, timeoutMs] {
        if (QDateTime::currentMSecsSinceEpoch() - *lastHeard > timeoutMs) {
            ws->close(QWebSocketProtocol::CloseCode(4002), QStringLiteral("heartbeat timeout"));
            return;
        }
        ws->ping();
    });
    pinger->start();
    connect(ws, &QWebSocket::pong, this, [this, nodeId, lastHeard](quint64, const QByteArray &) {
        *lastHeard = QDateTime::currentMSecsSinceEpoch();
        m_s.agents->touch(nodeId);
    });
    connect(ws, &QWebSocket::textMessageReceived, this, [this, nodeId, lastHeard](const QString &) {
        *lastHeard = QDateTime::currentMSecsSinceEpoch();
        m_s.agents->touch(nodeId);
    });
    // the service holds a push function; it becomes a no-op (returns false) once the socket is gone
    auto alive = std::make_shared<bool>(true);
    auto channel = std::make_shared<quint64>(0);
    connect(ws, &QWebSocket::disconnected, this, [this, nodeId, ws, alive, channel] {
        if (*alive) {
            *alive = false;
            m_s.agents->detachChannel(nodeId, *channel);
        }
        ws->deleteLater();
    });
    *channel = m_s.agents->attachChannel(nodeId, [guard, alive](const QJsonObject &msg) {
        if (!*alive || !guard || guard->state() != QAbstractSocket::ConnectedState)
            return false;
        guard->sendTextMessage(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
        return true;
    });
    qInfo().noquote() << "agent channel connected id=" + nodeId;
}

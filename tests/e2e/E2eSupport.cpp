// Helpers shared by the end-to-end suites (see E2eSupport.h).
#include "E2eSupport.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QTcpServer>

namespace E2e {

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

QJsonObject getJob(TestServer &server, const QString &id)
{
    const TestServer::Reply r = server.get(QStringLiteral("/v0/jobs/") + id);
    if (r.status != 200)
        return QJsonObject{{QStringLiteral("__status"), r.status}, {QStringLiteral("__body"), QString::fromUtf8(r.body)}};
    return r.json;
}

QString stateOf(TestServer &server, const QString &id)
{
    return getJob(server, id).value(QStringLiteral("state")).toString();
}

bool isTerminal(const QString &state)
{
    return state == QLatin1String("SUCCEEDED") || state == QLatin1String("FAILED")
        || state == QLatin1String("TIMED_OUT") || state == QLatin1String("CANCELLED");
}

QJsonObject findAgent(TestServer &server, const QString &agentId)
{
    const TestServer::Reply r = server.get(QStringLiteral("/v0/agents"));
    for (const QJsonValue &v : r.json.value(QStringLiteral("agents")).toArray()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == agentId)
            return v.toObject();
    }
    return {};
}

QJsonObject logBuffer(TestServer &server, const QString &id, const QString &query)
{
    const TestServer::Reply r =
        server.get(QStringLiteral("/v0/jobs/%1/logs%2").arg(id, query.isEmpty() ? QString() : QLatin1Char('?') + query));
    return r.status == 200 ? r.json : QJsonObject{};
}

QStringList logTexts(const QJsonObject &buffer)
{
    QStringList out;
    for (const QJsonValue &v : buffer.value(QStringLiteral("lines")).toArray())
        out << v.toObject().value(QStringLiteral("text")).toString();
    return out;
}

QList<qint64> logSeqs(const QJsonObject &buffer)
{
    QList<qint64> out;
    for (const QJsonValue &v : buffer.value(QStringLiteral("lines")).toArray())
        out << qint64(v.toObject().value(QStringLiteral("seq")).toDouble());
    return out;
}

QStringList historyStates(const QJsonObject &job)
{
    QStringList out;
    for (const QJsonValue &v : job.value(QStringLiteral("history")).toArray())
        out << v.toObject().value(QStringLiteral("state")).toString();
    return out;
}

int historyCount(const QJsonObject &job, const QString &state)
{
    return int(historyStates(job).count(state));
}

QList<qint64> range(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 i = from; i <= to; ++i)
        out << i;
    return out;
}

QByteArray tails(TestServer *server, const std::vector<std::unique_ptr<TestAgent>> &agents, int bytes)
{
    QByteArray out;
    if (server)
        out += "==== server output (tail)\n" + server->output().right(bytes) + '\n';
    for (const auto &a : agents) {
        if (a)
            out += "==== agent " + a->name().toUtf8() + " output (tail)\n" + a->output().right(bytes) + '\n';
    }
    return out;
}

} // namespace E2e

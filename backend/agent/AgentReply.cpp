// Sorting replies (AgentReply::fromNetworkReply) and exponential backoff with jitter.
#include "AgentReply.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRandomGenerator>

namespace {
constexpr int kBackoffFirstMs = 250;
constexpr int kBackoffMaxMs = 10000;
} // namespace

QString AgentReply::describe() const
{
    QString s;
    switch (kind) {
    case Kind::Transport:
        s = QStringLiteral("no answer");
        break;
    case Kind::Success:
        s = QStringLiteral("SUCCESS");
        break;
    case Kind::NoData:
        s = QStringLiteral("NO_DATA");
        break;
    case Kind::Unauthorized:
        s = QStringLiteral("unauthorized");
        break;
    case Kind::Rejected:
        s = QStringLiteral("refused");
        break;
    }
    if (httpStatus)
        s += QStringLiteral(" (HTTP %1)").arg(httpStatus);
    if (!code.isEmpty())
        s += QStringLiteral(" code=") + code;
    if (!message.isEmpty())
        s += QStringLiteral(": ") + message;
    return s;
}

AgentReply AgentReply::fromNetworkReply(QNetworkReply *reply)
{
    AgentReply r;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        r.message = reply->errorString();
        return r;
    }
    r.httpStatus = status.toInt();
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    const QString st = o.value(QStringLiteral("status")).toString();
    r.code = o.value(QStringLiteral("code")).toString();
    r.message = o.value(QStringLiteral("message")).toString();
    r.payload = o.value(QStringLiteral("payload"));
    if (r.message.isEmpty() && reply->error() != QNetworkReply::NoError)
        r.message = reply->errorString();
    // 429 and 5xx stay Transport: the server is there but busy or failing; try again.
    if (r.httpStatus == 429 || st == QLatin1String("RATE_LIMITED"))
        r.retryAfterMs = qBound(0, reply->rawHeader("Retry-After").toInt() * 1000, 60000);
    else if (r.httpStatus >= 500)
        r.kind = Kind::Transport;
    else if (st == QLatin1String("SUCCESS") && r.httpStatus < 300)
        r.kind = Kind::Success;
    else if (st == QLatin1String("NO_DATA") && r.httpStatus < 300)
        r.kind = Kind::NoData;
    else if (r.httpStatus == 401 || st == QLatin1String("UNAUTHORIZED"))
        r.kind = Kind::Unauthorized;
    else if (r.httpStatus >= 400 || st == QLatin1String("ERROR") || st == QLatin1String("FORBIDDEN"))
        r.kind = Kind::Rejected;
    return r;
}

int Backoff::next()
{
    const int base = m_attempt >= 6 ? kBackoffMaxMs : qMin(kBackoffMaxMs, kBackoffFirstMs << m_attempt);
    ++m_attempt;
    return base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
}

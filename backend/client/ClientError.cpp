#include "ClientError.h"

#include <QJsonDocument>
#include <QStringList>

ClientError ClientError::transport(Kind kind, const QString &message)
{
    ClientError e;
    e.kind = kind;
    switch (kind) {
    case Kind::Unreachable:
        e.code = QStringLiteral("unreachable");
        break;
    case Kind::Tls:
        e.code = QStringLiteral("tls");
        break;
    case Kind::Timeout:
        e.code = QStringLiteral("timeout");
        break;
    case Kind::Protocol:
        e.code = QStringLiteral("protocol");
        break;
    case Kind::Cancelled:
        e.code = QStringLiteral("cancelled");
        break;
    case Kind::Http:
        break;
    }
    e.message = message;
    return e;
}

ClientError ClientError::fromAnswer(int status, const QByteArray &body, int retryAfterSeconds)
{
    ClientError e;
    e.status = status;
    e.retryAfterSeconds = retryAfterSeconds;
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    e.detail = o;
    // /v0: {"error","code","message"}; RPC envelope: {"status":"ERROR","code","message","payload"}
    e.code = o.value(QStringLiteral("code")).toString();
    if (e.code.isEmpty())
        e.code = o.value(QStringLiteral("error")).toString();
    e.message = o.value(QStringLiteral("message")).toString();
    if (e.code.isEmpty())
        e.code = status >= 500 ? QStringLiteral("server_error") : QStringLiteral("http_%1").arg(status);
    if (e.message.isEmpty())
        e.message = QStringLiteral("HTTP %1").arg(status);
    if (e.retryAfterSeconds < 0 && o.value(QStringLiteral("retryAfter")).isDouble())
        e.retryAfterSeconds = o.value(QStringLiteral("retryAfter")).toInt();
    return e;
}

QString ClientError::describe() const
{
    QString s = code + QStringLiteral(": ") + message;
    const QJsonObject fields = detail.value(QStringLiteral("fields")).toObject();
    if (!fields.isEmpty()) {
        QStringList parts;
        for (auto it = fields.begin(); it != fields.end(); ++it)
            parts << it.key() + QStringLiteral(": ") + it.value().toString();
        s += QStringLiteral(" (") + parts.join(QStringLiteral("; ")) + QLatin1Char(')');
    }
    return s;
}

// The canonical form is built from strings only, so a number's formatting can never change a hash.
#include "AuditRecord.h"
#include "Job.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

QByteArray AuditRecord::canonical() const
{
    const QJsonArray fields {QString::number(seq), workspaceId, QString::number(at), actor, action, subject, source,
        outcome, QString::fromUtf8(detail), prevHash};
    return QJsonDocument(fields).toJson(QJsonDocument::Compact);
}

QString AuditRecord::computeHash() const
{
    return QString::fromLatin1(QCryptographicHash::hash(canonical(), QCryptographicHash::Sha256).toHex());
}

QString AuditRecord::genesisHash()
{
    return QString(64, QLatin1Char('0'));
}

QJsonObject AuditRecord::toJson() const
{
    return QJsonObject {
        {QStringLiteral("seq"), seq},
        {QStringLiteral("workspaceId"), workspaceId},
        {QStringLiteral("at"), isoTime(at)},
        {QStringLiteral("actor"), actor},
        {QStringLiteral("action"), action},
        {QStringLiteral("subject"), subject},
        {QStringLiteral("source"), source},
        {QStringLiteral("outcome"), outcome},
        {QStringLiteral("detail"), QJsonDocument::fromJson(detail).object()},
        {QStringLiteral("prevHash"), prevHash},
        {QStringLiteral("hash"), hash},
    };
}

// Part 2 (secret vaults): JSON -> the client's views.
#include "SecretTypes.h"

SecretVaultView SecretVaultView::fromJson(const QJsonObject &o)
{
    SecretVaultView v;
    v.id = o.value(QStringLiteral("id")).toString();
    v.name = o.value(QStringLiteral("name")).toString();
    v.description = o.value(QStringLiteral("description")).toString();
    v.version = o.value(QStringLiteral("version")).toInteger();
    v.secretCount = o.value(QStringLiteral("secretCount")).toInt();
    v.updatedAt = o.value(QStringLiteral("updatedAt")).toString();
    v.json = o;
    return v;
}

SecretView SecretView::fromJson(const QJsonObject &o)
{
    SecretView s;
    s.name = o.value(QStringLiteral("name")).toString();
    s.version = o.value(QStringLiteral("version")).toInteger();
    s.createdAt = o.value(QStringLiteral("createdAt")).toString();
    s.updatedAt = o.value(QStringLiteral("updatedAt")).toString();
    s.json = o;
    return s;
}

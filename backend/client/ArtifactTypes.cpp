// Artifacts (Part 1): JSON to client types.
#include "ArtifactTypes.h"

ArtifactView ArtifactView::fromJson(const QJsonObject &o)
{
    ArtifactView a;
    a.id = o.value(QStringLiteral("id")).toString();
    a.name = o.value(QStringLiteral("name")).toString();
    a.size = o.value(QStringLiteral("size")).toInteger();
    a.sha256 = o.value(QStringLiteral("sha256")).toString();
    a.createdAt = o.value(QStringLiteral("createdAt")).toString();
    a.attempt = o.value(QStringLiteral("attempt")).toInt(1);
    a.json = o;
    return a;
}

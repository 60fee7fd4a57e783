// What an audit entry's free-form detail may hold: never a secret (keys named like one are dropped, values
// shaped like a key or token are masked) and never more than a small, bounded JSON object.
#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace AuditDetail {
constexpr qsizetype kMaxBytes = 2048;
bool isSecretName(const QString &key);
QJsonObject sanitize(const QJsonObject &detail);
QByteArray toText(const QJsonObject &detail); // sanitize, then compact JSON of at most kMaxBytes
}

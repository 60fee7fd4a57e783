// Names are split into words (camelCase, snake_case, kebab-case) so "refreshToken" and "api_key" match
// while "keyId" or "secretName" (an identifier of a secret, not the secret) do not.
#include "AuditDetail.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace {
constexpr int kMaxDepth = 4;
constexpr qsizetype kLongString = 128;
const QString kRedacted = QStringLiteral("[redacted]");

QStringList wordsOf(const QString &key)
{
    QStringList words;
    QString word;
    for (qsizetype i = 0; i < key.size(); ++i) {
        const QChar c = key.at(i);
        if (!c.isLetterOrNumber()) {
            if (!word.isEmpty())
                words << word.toLower();
            word.clear();
            continue;
        }
        if (c.isUpper() && !word.isEmpty() && !word.back().isUpper()) {
            words << word.toLower();
            word.clear();
        }
        word += c;
    }
    if (!word.isEmpty())
        words << word.toLower();
    return words;
}

bool looksLikeSecretValue(const QString &v)
{
    if (v.startsWith(QLatin1String("tnv_")) && v.size() >= 20)
        return true;
    if (v.startsWith(QLatin1String("Bearer "), Qt::CaseInsensitive))
        return true;
    return v.startsWith(QLatin1String("eyJ")) && v.count(QLatin1Char('.')) == 2; // a JWT
}

QJsonValue clean(const QJsonValue &v, int depth);

QJsonObject cleanObject(const QJsonObject &o, int depth)
{
    QJsonObject out;
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (AuditDetail::isSecretName(it.key()))
            continue;
        out.insert(it.key().left(64), clean(it.value(), depth + 1));
    }
    return out;
}

QJsonValue clean(const QJsonValue &v, int depth)
{
    if (depth > kMaxDepth && (v.isObject() || v.isArray()))
        return QStringLiteral("[nested too deep]");
    if (v.isObject())
        return cleanObject(v.toObject(), depth);
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &e : v.toArray())
            out.append(clean(e, depth + 1));
        return out;
    }
    if (v.isString() && looksLikeSecretValue(v.toString()))
        return kRedacted;
    return v;
}

QJsonValue shorten(const QJsonValue &v)
{
    if (v.isString() && v.toString().size() > kLongString)
        return v.toString().left(kLongString) + QStringLiteral("…");
    if (v.isObject()) {
        QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            *it = shorten(*it);
        return o;
    }
    if (v.isArray()) {
        QJsonArray a;
        for (const QJsonValue &e : v.toArray())
            a.append(shorten(e));
        return a;
    }
    return v;
}
}

bool AuditDetail::isSecretName(const QString &key)
{
    static const QStringList kAnywhere {QStringLiteral("password"), QStringLiteral("passwd"), QStringLiteral("secret"),
        QStringLiteral("token"), QStringLiteral("apikey"), QStringLiteral("privatekey"), QStringLiteral("credential"),
        QStringLiteral("authorization"), QStringLiteral("cookie")};
    static const QStringList kWords {QStringLiteral("key"), QStringLiteral("otp"), QStringLiteral("code"),
        QStringLiteral("pin"), QStringLiteral("pwd"), QStringLiteral("pass"), QStringLiteral("hash"),
        QStringLiteral("salt")};
    // The identifier, name or count of a secret is not the secret: "keyId", "secretName", "tokenFamilyId".
    static const QStringList kNaming {QStringLiteral("id"), QStringLiteral("ids"), QStringLiteral("name"),
        QStringLiteral("names"), QStringLiteral("prefix"), QStringLiteral("count")};
    const QStringList words = wordsOf(key);
    if (words.isEmpty())
        return false;
    if (words.size() > 1 && kNaming.contains(words.last()))
        return false;
    const QString joined = words.join(QString());
    for (const QString &w : kAnywhere)
        if (joined.contains(w))
            return true;
    for (const QString &w : words)
        if (kWords.contains(w))
            return true;
    return false;
}

QJsonObject AuditDetail::sanitize(const QJsonObject &detail)
{
    return cleanObject(detail, 0);
}

QByteArray AuditDetail::toText(const QJsonObject &detail)
{
    if (detail.isEmpty())
        return QByteArrayLiteral("{}"); // most entries: no serializer on the request path
    QJsonObject o = sanitize(detail);
    QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    if (text.size() <= kMaxBytes)
        return text;
    o = shorten(o).toObject();
    text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    if (text.size() <= kMaxBytes)
        return text;
    QJsonArray keys; // too big even shortened: keep which fields there were
    for (auto it = o.begin(); it != o.end() && keys.size() < 32; ++it)
        keys.append(it.key());
    text = QJsonDocument(QJsonObject {{QStringLiteral("truncated"), true}, {QStringLiteral("keys"), keys}})
               .toJson(QJsonDocument::Compact);
    return text.size() <= kMaxBytes ? text : QByteArrayLiteral("{\"truncated\":true}");
}

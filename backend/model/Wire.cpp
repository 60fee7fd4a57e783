// Wire checks (see Wire.h). Ids are validated by shape only; whether they exist is the services' job.
#include "Wire.h"

#include <QJsonArray>
#include <cmath>

namespace {
bool isCrockford(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= '0' && u <= '9')
        return true;
    const char16_t l = u | 0x20; // ASCII lower case
    return l >= 'a' && l <= 'z' && l != 'i' && l != 'l' && l != 'o' && l != 'u';
}
}

bool Wire::isId(QStringView value, QLatin1StringView prefix)
{
    if (value.size() != prefix.size() + 27 || !value.startsWith(prefix) || value.at(prefix.size()) != QLatin1Char('_'))
        return false;
    for (qsizetype i = prefix.size() + 1; i < value.size(); ++i)
        if (!isCrockford(value.at(i)))
            return false;
    return true;
}

std::optional<qint64> Wire::toInteger(const QJsonValue &v, qint64 lo, qint64 hi)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    // NaN fails every comparison; the bounds are exact doubles (|lo|, |hi| <= 2^53)
    if (!(d >= double(lo) && d <= double(hi)) || std::trunc(d) != d)
        return std::nullopt;
    return qint64(d);
}

std::optional<double> Wire::toNumber(const QJsonValue &v, double lo, double hi)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || !(d >= lo && d <= hi))
        return std::nullopt;
    return d;
}

void Wire::Fields::add(const QString &key, const QString &message)
{
    const QString name = m_prefix + key;
    if (!m_errors.contains(name))
        m_errors.insert(name, message);
}

void Wire::Fields::merge(const Fields &other)
{
    for (auto it = other.m_errors.begin(); it != other.m_errors.end(); ++it)
        if (!m_errors.contains(it.key()))
            m_errors.insert(it.key(), it.value());
}

bool Wire::Fields::present(const QString &key, bool required)
{
    const QJsonValue v = m_body.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            add(key, QStringLiteral("required"));
        return false;
    }
    return true;
}

std::optional<qint64> Wire::Fields::integer(const QString &key, qint64 lo, qint64 hi, bool required)
{
    if (!present(key, required))
        return std::nullopt;
    const auto v = toInteger(m_body.value(key), lo, hi);
    if (!v)
        add(key, QStringLiteral("must be an integer from %1 to %2").arg(lo).arg(hi));
    return v;
}

std::optional<double> Wire::Fields::number(const QString &key, double lo, double hi, bool required)
{
    if (!present(key, required))
        return std::nullopt;
    const auto v = toNumber(m_body.value(key), lo, hi);
    if (!v)
        add(key, QStringLiteral("must be a number from %1 to %2").arg(lo).arg(hi));
    return v;
}

std::optional<QString> Wire::Fields::string(const QString &key, int maxLength, bool required)
{
    if (!present(key, required))
        return std::nullopt;
    const QJsonValue v = m_body.value(key);
    if (!v.isString() || v.toString().size() > maxLength) {
        add(key, QStringLiteral("must be a string of at most %1 characters").arg(maxLength));
        return std::nullopt;
    }
    return v.toString();
}

std::optional<QString> Wire::Fields::id(const QString &key, QLatin1StringView prefix, bool required)
{
    if (!present(key, required))
        return std::nullopt;
    const QJsonValue v = m_body.value(key);
    if (!v.isString() || !isId(v.toString(), prefix)) {
        add(key, QStringLiteral("must be an id like %1_ followed by 26 base32 characters").arg(prefix));
        return std::nullopt;
    }
    return v.toString();
}

std::optional<bool> Wire::Fields::boolean(const QString &key)
{
    if (!present(key, false))
        return std::nullopt;
    if (!m_body.value(key).isBool()) {
        add(key, QStringLiteral("must be true or false"));
        return std::nullopt;
    }
    return m_body.value(key).toBool();
}

bool Wire::Fields::array(const QString &key, int maxItems, bool required)
{
    if (!present(key, required))
        return false;
    const QJsonValue v = m_body.value(key);
    if (!v.isArray()) {
        add(key, QStringLiteral("must be an array"));
        return false;
    }
    if (v.toArray().size() > maxItems) {
        add(key, QStringLiteral("at most %1 items").arg(maxItems));
        return false;
    }
    return true;
}

bool Wire::Fields::object(const QString &key, bool required)
{
    if (!present(key, required))
        return false;
    if (!m_body.value(key).isObject()) {
        add(key, QStringLiteral("must be an object"));
        return false;
    }
    return true;
}

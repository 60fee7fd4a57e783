// Checks for values that arrive over the wire, made before a value becomes a path, a SQL parameter,
// a map key or a C++ integer: one place for id shapes and for JSON numbers' ranges.
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringView>
#include <optional>

namespace Wire {
// Largest integer a JSON number (an IEEE double) carries exactly: 2^53.
constexpr qint64 kMaxExactInteger = qint64(1) << 53;

// A prefixed id as this server issues them: "<prefix>_" and 26 Crockford base32 characters.
bool isId(QStringView value, QLatin1StringView prefix);

// A JSON number that is finite, integral and within [lo, hi] (both inside ±2^53); nullopt otherwise.
// The range is checked on the double, so no value (1e300, -1, 2^53+1) reaches an integer conversion.
std::optional<qint64> toInteger(const QJsonValue &v, qint64 lo, qint64 hi);
// A finite JSON number within [lo, hi].
std::optional<double> toNumber(const QJsonValue &v, double lo, double hi);

// Collects per-field problems of one request body; members that are absent or null are left alone
// unless required. Unknown members are not this class's business (bodies grow new fields).
class Fields
{
public:
    explicit Fields(QJsonObject body, QString prefix = {})
        : m_body(std::move(body))
        , m_prefix(std::move(prefix))
    {
    }

    std::optional<qint64> integer(const QString &key, qint64 lo, qint64 hi, bool required = false);
    std::optional<double> number(const QString &key, double lo, double hi, bool required = false);
    std::optional<QString> string(const QString &key, int maxLength, bool required = false);
    std::optional<QString> id(const QString &key, QLatin1StringView prefix, bool required = false);
    std::optional<bool> boolean(const QString &key);
    // Present and of the expected JSON type (or absent/null when not required).
    bool array(const QString &key, int maxItems, bool required = false);
    bool object(const QString &key, bool required = false);

    void add(const QString &key, const QString &message);
    // Adds another collector's problems (one made for a nested object).
    void merge(const Fields &other);
    bool ok() const { return m_errors.isEmpty(); }
    const QJsonObject &errors() const { return m_errors; }

private:
    bool present(const QString &key, bool required);

    QJsonObject m_body;
    QString m_prefix; // "resources." for nested objects, so messages name the full field
    QJsonObject m_errors;
};
} // namespace Wire

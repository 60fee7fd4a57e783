// Cron arithmetic on the local wall clock: candidates advance field by field in local time (whole months,
// days, hours, then minutes), and each match is mapped to UTC through the zone's offsets, which is where
// the daylight-saving rules (skip a missing time, run a repeated one once) are decided.
#include "CronExpression.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace {
constexpr int kMaxText = 256;
constexpr int kMaxItems = 64;
constexpr int kSearchYears = 5;
constexpr int kMaxSteps = 400000;

const QStringList &monthNames()
{
    static const QStringList n
        = {QStringLiteral("JAN"), QStringLiteral("FEB"), QStringLiteral("MAR"), QStringLiteral("APR"),
            QStringLiteral("MAY"), QStringLiteral("JUN"), QStringLiteral("JUL"), QStringLiteral("AUG"),
            QStringLiteral("SEP"), QStringLiteral("OCT"), QStringLiteral("NOV"), QStringLiteral("DEC")};
    return n;
}
const QStringList &dayNames()
{
    static const QStringList n = {QStringLiteral("SUN"), QStringLiteral("MON"), QStringLiteral("TUE"),
        QStringLiteral("WED"), QStringLiteral("THU"), QStringLiteral("FRI"), QStringLiteral("SAT")};
    return n;
}

struct FieldSpec
{
    const char *name;
    int lo;
    int hi;
    const QStringList *names; // names[i] is lo + i (months start at 1, days at 0)
};

std::optional<int> value(const QString &s, const FieldSpec &f, QString *error)
{
    bool ok = false;
    const int v = s.toInt(&ok);
    const bool digits
        = !s.isEmpty() && s.size() <= 4 && std::all_of(s.begin(), s.end(), [](QChar c) { return c.isDigit(); });
    if (ok && digits) {
        if (v < f.lo || v > f.hi) {
            *error = QStringLiteral("%1: %2 is outside %3-%4").arg(QLatin1String(f.name), s).arg(f.lo).arg(f.hi);
            return std::nullopt;
        }
        return v;
    }
    if (f.names) {
        const int i = f.names->indexOf(s.toUpper());
        if (i >= 0)
            return (f.names == &monthNames() ? 1 : 0) + i;
    }
    *error = QStringLiteral("%1: '%2' is not a number%3")
                 .arg(QLatin1String(f.name), s.left(16),
                     f.names ? QStringLiteral(" or a name (%1…)").arg(f.names->first()) : QString());
    return std::nullopt;
}

// One field into a bit mask of the values it selects; false with a sentence in *error.
bool parseField(const QString &text, const FieldSpec &f, quint64 &mask, QString *error)
{
    mask = 0;
    const QStringList items = text.split(QLatin1Char(','));
    if (items.size() > kMaxItems) {
        *error = QStringLiteral("%1: more than %2 list items").arg(QLatin1String(f.name)).arg(kMaxItems);
        return false;
    }
    for (const QString &item : items) {
        if (item.isEmpty()) {
            *error = QStringLiteral("%1: empty list item").arg(QLatin1String(f.name));
            return false;
        }
        const QStringList parts = item.split(QLatin1Char('/'));
        if (parts.size() > 2) {
            *error = QStringLiteral("%1: '%2' has more than one '/'").arg(QLatin1String(f.name), item.left(16));
            return false;
        }
        int step = 1;
        if (parts.size() == 2) {
            bool ok = false;
            step = parts[1].toInt(&ok);
            if (!ok || step < 1 || step > f.hi - f.lo + 1 || parts[1].size() > 3) {
                *error = QStringLiteral("%1: step '%2' must be a whole number from 1 to %3")
                             .arg(QLatin1String(f.name), parts[1].left(16))
                             .arg(f.hi - f.lo + 1);
                return false;
            }
        }
        const QString &base = parts[0];
        int from = f.lo, to = f.hi;
        if (base != QLatin1String("*")) {
            const int dash = base.indexOf(QLatin1Char('-'));
            if (dash > 0) {
                const auto a = value(base.left(dash), f, error);
                const auto b = a ? value(base.mid(dash + 1), f, error) : std::nullopt;
                if (!a || !b)
                    return false;
                if (*a > *b) {
                    *error = QStringLiteral("%1: range '%2' runs backwards").arg(QLatin1String(f.name), base.left(16));
                    return false;
                }
                from = *a;
                to = *b;
            } else {
                const auto a = value(base, f, error);
                if (!a)
                    return false;
                from = *a;
                to = parts.size() == 2 ? f.hi : *a; // "5/15": from 5 to the end, every 15
            }
        }
        for (int v = from; v <= to; v += step)
            mask |= quint64(1) << v;
    }
    return true;
}

QString expandMacro(const QString &t)
{
    const QString l = t.toLower();
    if (l == QLatin1String("@hourly"))
        return QStringLiteral("0 * * * *");
    if (l == QLatin1String("@daily") || l == QLatin1String("@midnight"))
        return QStringLiteral("0 0 * * *");
    if (l == QLatin1String("@weekly"))
        return QStringLiteral("0 0 * * 0");
    if (l == QLatin1String("@monthly"))
        return QStringLiteral("0 0 1 * *");
    if (l == QLatin1String("@yearly") || l == QLatin1String("@annually"))
        return QStringLiteral("0 0 1 1 *");
    return {};
}

qint64 offsetAt(const QTimeZone &zone, qint64 utcMs)
{
    return zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC));
}
} // namespace

std::optional<CronExpression> CronExpression::parse(const QString &input, QString *error)
{
    QString scratch;
    QString *err = error ? error : &scratch;
    const QString text = input.simplified();
    if (text.isEmpty()) {
        *err = QStringLiteral("is empty; expected 5 fields: minute hour day-of-month month day-of-week");
        return std::nullopt;
    }
    if (input.size() > kMaxText) {
        *err = QStringLiteral("longer than %1 characters").arg(kMaxText);
        return std::nullopt;
    }
    QString fieldsText = text;
    if (text.startsWith(QLatin1Char('@'))) {
        fieldsText = expandMacro(text);
        if (fieldsText.isEmpty()) {
            *err = QStringLiteral("unknown macro '%1'; one of @hourly, @daily, @weekly, @monthly, @yearly")
                       .arg(text.left(16));
            return std::nullopt;
        }
    }
    const QStringList fields = fieldsText.split(QLatin1Char(' '));
    if (fields.size() != 5) {
        *err = QStringLiteral("has %1 fields; expected 5: minute hour day-of-month month day-of-week")
                   .arg(fields.size());
        return std::nullopt;
    }
    static const FieldSpec specs[5] = {{"minute", 0, 59, nullptr}, {"hour", 0, 23, nullptr},
        {"day-of-month", 1, 31, nullptr}, {"month", 1, 12, &monthNames()}, {"day-of-week", 0, 7, &dayNames()}};
    quint64 masks[5] = {};
    for (int i = 0; i < 5; ++i)
        if (!parseField(fields[i], specs[i], masks[i], err))
            return std::nullopt;
    CronExpression c;
    c.m_text = text;
    c.m_minutes = std::bitset<60>(masks[0]);
    c.m_hours = std::bitset<24>(masks[1]);
    c.m_daysOfMonth = std::bitset<32>(masks[2]);
    c.m_months = std::bitset<13>(masks[3]);
    quint64 dow = masks[4];
    if (dow & (quint64(1) << 7))
        dow |= 1; // 7 is Sunday too
    c.m_daysOfWeek = std::bitset<7>(dow & 0x7f);
    c.m_domStar = fields[2].startsWith(QLatin1Char('*'));
    c.m_dowStar = fields[4].startsWith(QLatin1Char('*'));
    return c;
}

std::optional<QTimeZone> CronExpression::zone(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return std::nullopt;
    const QByteArray id = name.toUtf8();
    if (!QTimeZone::isTimeZoneIdAvailable(id))
        return std::nullopt;
    QTimeZone z(id);
    if (!z.isValid())
        return std::nullopt;
    return z;
}

bool CronExpression::matchesDay(int dayOfMonth, int month, int dayOfWeek) const
{
    if (!m_months[month])
        return false;
    const bool dom = m_daysOfMonth[dayOfMonth];
    const bool dow = m_daysOfWeek[dayOfWeek];
    // the standard (Vixie) rule: when both day fields are restricted, either one matching is enough
    return (m_domStar || m_dowStar) ? (dom && dow) : (dom || dow);
}

std::optional<qint64> CronExpression::toUtc(qint64 wallMs, const QTimeZone &zone)
{
    // The instant u of a wall time w satisfies u = w - offset(u); offsets lie within ±14 h, so the offsets
    // in force 14 h either side (and at w) are the only candidates.
    constexpr qint64 span = 14LL * 3600 * 1000;
    std::optional<qint64> best;
    for (qint64 probe : {wallMs - span, wallMs, wallMs + span}) {
        const qint64 off = offsetAt(zone, probe);
        const qint64 u = wallMs - off * 1000;
        if (offsetAt(zone, u) == off && (!best || u < *best))
            best = u;
    }
    return best;
}

std::optional<qint64> CronExpression::next(qint64 afterMs, const QTimeZone &zone) const
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(afterMs, zone);
    // the wall clock as a plain (UTC-labelled) date-time, so arithmetic on it ignores offsets
    QDateTime w(local.date(), QTime(local.time().hour(), local.time().minute()), Qt::UTC);
    w = w.addSecs(60);
    const int lastYear = w.date().year() + kSearchYears;
    for (int steps = 0; steps < kMaxSteps && w.date().year() <= lastYear; ++steps) {
        const QDate d = w.date();
        const QTime t = w.time();
        if (!m_months[d.month()]) {
            w = QDateTime(QDate(d.year(), d.month(), 1).addMonths(1), QTime(0, 0), Qt::UTC);
            continue;
        }
        if (!matchesDay(d.day(), d.month(), d.dayOfWeek() % 7)) {
            w = QDateTime(d.addDays(1), QTime(0, 0), Qt::UTC);
            continue;
        }
        if (!m_hours[t.hour()]) {
            w = QDateTime(d, QTime(t.hour(), 0), Qt::UTC).addSecs(3600);
            continue;
        }
        if (!m_minutes[t.minute()]) {
            w = w.addSecs(60);
            continue;
        }
        const auto u = toUtc(w.toMSecsSinceEpoch(), zone);
        if (u && *u > afterMs)
            return u;
        w = w.addSecs(60); // missing (clocks went forward) or already passed (the second pass of a repeated hour)
    }
    return std::nullopt;
}

QList<qint64> CronExpression::nextRuns(qint64 afterMs, const QTimeZone &zone, int count) const
{
    QList<qint64> out;
    qint64 at = afterMs;
    while (out.size() < count) {
        const auto n = next(at, zone);
        if (!n)
            break;
        out << *n;
        at = *n;
    }
    return out;
}

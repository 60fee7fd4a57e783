// See ScheduleClock.h; the test clock is refused unless well-formed, and announced at start by the caller.
#include "ScheduleClock.h"

#include <QDateTime>
#include <QRegularExpression>
#include <cmath>

std::optional<ScheduleClock> ScheduleClock::fromEnvironment(QString *error)
{
    const QByteArray v = qgetenv(kTestVariable);
    if (v.isEmpty())
        return ScheduleClock();
    return parse(QString::fromLatin1(v), error);
}

std::optional<ScheduleClock> ScheduleClock::parse(const QString &value, QString *error)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,15})@(\\d{1,15})x(\\d{1,4}(?:\\.\\d{1,3})?)$"));
    const auto m = re.match(value.trimmed());
    const double speed = m.hasMatch() ? m.captured(3).toDouble() : 0;
    if (!m.hasMatch() || !(speed >= 1 && speed <= 3600)) {
        *error = QStringLiteral("%1 must look like <clockEpochMs>@<realEpochMs>x<speed 1-3600>")
                     .arg(QLatin1String(kTestVariable));
        return std::nullopt;
    }
    ScheduleClock c;
    c.m_test = true;
    c.m_clockAnchor = m.captured(1).toLongLong();
    c.m_realAnchor = m.captured(2).toLongLong();
    c.m_speed = speed;
    return c;
}

qint64 ScheduleClock::nowMs() const
{
    const qint64 real = QDateTime::currentMSecsSinceEpoch();
    if (!m_test)
        return real;
    return m_clockAnchor + qint64(std::floor(double(real - m_realAnchor) * m_speed));
}

qint64 ScheduleClock::realDelayMs(qint64 clockMs) const
{
    if (clockMs <= 0)
        return 0;
    return m_test ? qint64(std::ceil(double(clockMs) / m_speed)) : clockMs;
}

QString ScheduleClock::describe() const
{
    if (!m_test)
        return QStringLiteral("wall clock");
    return QStringLiteral("TEST CLOCK (%1): %2, %3x real time")
        .arg(QLatin1String(kTestVariable), QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC).toString(Qt::ISODate))
        .arg(m_speed);
}

// A 5-field cron expression (minute hour day-of-month month day-of-week) evaluated in an IANA time zone:
// the schedules' clock arithmetic, free of any service so it is unit-tested on its own.
#pragma once

#include "ApiError.h"

#include <QList>
#include <QString>
#include <QTimeZone>
#include <bitset>
#include <optional>

class CronExpression
{
public:
    // Parses "*/5 9-17 * * MON-FRI", names (JAN…DEC, SUN…SAT, any case), 0 and 7 for Sunday, and the
    // macros @hourly @daily @midnight @weekly @monthly @yearly @annually. The error is a readable sentence
    // naming the field ("minute: 61 is outside 0-59").
    static std::optional<CronExpression> parse(const QString &text, QString *error = nullptr);

    // The first run strictly after `afterMs` (UTC epoch ms) in `zone`, or nullopt when there is none in the
    // next 5 years (e.g. "0 0 30 2 *"). A local time that does not exist (the hour skipped when clocks go
    // forward) is skipped; a local time that happens twice (clocks go back) runs once, at its first occurrence.
    std::optional<qint64> next(qint64 afterMs, const QTimeZone &zone) const;
    // Up to `count` runs after `afterMs`, in order.
    QList<qint64> nextRuns(qint64 afterMs, const QTimeZone &zone, int count) const;

    QString text() const { return m_text; }

    // An IANA zone name ("Europe/Berlin", "UTC") that this machine knows; nullopt otherwise.
    static std::optional<QTimeZone> zone(const QString &name);

private:
    bool matchesDay(int dayOfMonth, int month, int dayOfWeek) const; // dayOfWeek 0 = Sunday
    // The UTC instant of a local wall-clock time: the earliest one when it happens twice, nullopt in a gap.
    static std::optional<qint64> toUtc(qint64 wallMs, const QTimeZone &zone);

    QString m_text;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_daysOfMonth; // 1..31
    std::bitset<13> m_months; // 1..12
    std::bitset<7> m_daysOfWeek; // 0..6, Sunday 0
    bool m_domStar = false; // the field began with '*': with the standard rule, only the other day field counts
    bool m_dowStar = false;
};

// Formatting shared by the pages: job state colours that read on light and dark palettes, relative
// times, durations and sizes.
#pragma once

#include <QColor>
#include <QDateTime>
#include <QString>

class QPalette;

namespace UiFormat {
QColor stateColor(const QString &state, const QPalette &palette);
QString relativeTime(const QDateTime &when, const QDateTime &now = QDateTime::currentDateTimeUtc());
QString duration(qint64 ms);
QString bytes(qint64 count);
QString thousands(qint64 n);
// "2026-12-04 01:23:45" in local time, for tooltips and detail fields
QString localTime(const QDateTime &when);
QDateTime parseTime(const QString &iso);
}

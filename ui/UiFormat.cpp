#include "UiFormat.h"

#include <QCoreApplication>
#include <QLocale>
#include <QPalette>

namespace UiFormat {

QColor stateColor(const QString &state, const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    auto pick = [dark](const char *light, const char *darkColor) { return QColor(dark ? darkColor : light); };
    if (state == QLatin1String("SUCCEEDED"))
        return pick("#1a7f37", "#56d364");
    if (state == QLatin1String("FAILED") || state == QLatin1String("TIMED_OUT") || state == QLatin1String("LOST"))
        return pick("#cf222e", "#ff7b72");
    if (state == QLatin1String("RUNNING") || state == QLatin1String("ONLINE"))
        return pick("#0969da", "#58a6ff");
    if (state == QLatin1String("ASSIGNED") || state == QLatin1String("CANCELLING") || state == QLatin1String("DRAINING"))
        return pick("#9a6700", "#e3b341");
    if (state == QLatin1String("CANCELLED"))
        return pick("#6e7781", "#8b949e");
    return palette.color(QPalette::Text); // QUEUED
}

QString relativeTime(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return QStringLiteral("-");
    const qint64 s = when.secsTo(now);
    if (s < 0)
        return QCoreApplication::translate("UiFormat", "in %1").arg(duration(-s * 1000));
    if (s < 5)
        return QCoreApplication::translate("UiFormat", "just now");
    if (s < 60)
        return QCoreApplication::translate("UiFormat", "%1 s ago").arg(s);
    if (s < 3600)
        return QCoreApplication::translate("UiFormat", "%1 min ago").arg(s / 60);
    if (s < 86400)
        return QCoreApplication::translate("UiFormat", "%1 h ago").arg(s / 3600);
    return QCoreApplication::translate("UiFormat", "%1 d ago").arg(s / 86400);
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("-");
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(QLocale().toString(ms / 1000.0, 'f', 1));
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h %2m").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString bytes(qint64 count)
{
    return QLocale().formattedDataSize(count, 1, QLocale::DataSizeTraditionalFormat);
}

QString thousands(qint64 n)
{
    return QLocale().toString(n);
}

QString localTime(const QDateTime &when)
{
    return when.isValid() ? when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("-");
}

QDateTime parseTime(const QString &iso)
{
    QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(iso, Qt::ISODate);
    return t;
}

}

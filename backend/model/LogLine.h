// One line of a job's output: per-job sequence number, timestamp, stream and text.
#pragma once

#include <QJsonObject>
#include <QString>

struct LogLine
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    bool stderrStream = false;
    QString text;

    QJsonObject toJson() const;
    QString streamName() const { return stderrStream ? QStringLiteral("stderr") : QStringLiteral("stdout"); }
};

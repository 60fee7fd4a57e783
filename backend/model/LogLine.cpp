// JSON mapping of log lines.
#include "LogLine.h"
#include "Job.h"

QJsonObject LogLine::toJson() const
{
    return {{QStringLiteral("seq"), seq},
            {QStringLiteral("ts"), isoTime(tsMs)},
            {QStringLiteral("stream"), streamName()},
            {QStringLiteral("text"), text}};
}

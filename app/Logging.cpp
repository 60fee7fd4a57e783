// The message handler: newlines inside a message are escaped so one event is always one line.
#include "Logging.h"

#include <QDateTime>
#include <cstdio>

namespace {
int g_minLevel = 1;   // 0 debug, 1 info, 2 warn, 3 error

int levelOf(QtMsgType t)
{
    switch (t) {
    case QtDebugMsg: return 0;
    case QtInfoMsg: return 1;
    case QtWarningMsg: return 2;
    default: return 3;
    }
}

void print(int level, const QString &msg)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    QString text = msg;
    text.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' '
        + names[level] + ' ' + text.toUtf8() + '\n';
    fwrite(line.constData(), 1, size_t(line.size()), stdout);
    fflush(stdout);
}

void handler(QtMsgType type, const QMessageLogContext &, const QString &msg)
{
    const int level = levelOf(type);
    if (level >= g_minLevel)
        print(level, msg);
}
}

void Logging::always(const QString &message)
{
    print(1, message);
}

bool Logging::install(const QString &level)
{
    static const QStringList levels = {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warn"),
                                       QStringLiteral("error")};
    const int idx = levels.indexOf(level.toLower());
    if (idx < 0)
        return false;
    g_minLevel = idx;
    qInstallMessageHandler(handler);
    return true;
}

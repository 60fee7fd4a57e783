// Reads /proc: a zombie still answers kill(pid, 0), so its state letter decides.
#include "ProcessProbe.h"

#include <QFile>

#include <cerrno>
#include <csignal>

bool ProcessProbe::gone(qint64 pid)
{
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        return true;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray s = stat.readAll();
    const qsizetype paren = s.lastIndexOf(')');
    return paren >= 0 && paren + 2 < s.size() && (s[paren + 2] == 'Z' || s[paren + 2] == 'X');
}

// flock(2) on an fd opened O_CLOEXEC: no job inherits it, and the kernel drops the lock when the agent
// dies however it dies, so a stale lock file never blocks a restart.
#include "WorkDirLock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
QString errnoText(int e)
{
    return QString::fromLocal8Bit(strerror(e));
}

QString tr(const char *text)
{
    return QCoreApplication::translate("WorkDirLock", text);
}
} // namespace

WorkDirLock::~WorkDirLock()
{
    release();
}

void WorkDirLock::release()
{
    if (m_fd >= 0) {
        ::close(m_fd); // releases the flock
        m_fd = -1;
    }
}

bool WorkDirLock::acquire(const QString &workDir, QString *error)
{
    release();
    const QString parent = QFileInfo(workDir).absolutePath();
    if (!QDir().mkpath(parent)) {
        *error = tr("cannot create %1").arg(parent);
        return false;
    }
    const QByteArray dir = QFile::encodeName(workDir);
    if (::mkdir(dir.constData(), 0700) != 0 && errno != EEXIST) {
        *error = tr("cannot create the work directory %1: %2").arg(workDir, errnoText(errno));
        return false;
    }
    struct stat st
    {
    };
    if (::stat(dir.constData(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        *error = tr("the work directory %1 is not a directory").arg(workDir);
        return false;
    }
    if ((st.st_mode & 077) != 0 && st.st_uid == ::geteuid()) {
        // made by an older agent or by hand: it holds the node key and the jobs' files, so close it
        if (::chmod(dir.constData(), st.st_mode & 0700) == 0)
            qInfo().noquote() << "agent: made the work directory private (0700):" << workDir;
    }

    const QByteArray path = dir + "/agent.lock";
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        *error = tr("cannot open %1: %2").arg(QFile::decodeName(path), errnoText(errno));
        return false;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        char buf[32] = {};
        const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
        ::close(fd);
        const QString pid = n > 0 ? QString::fromLatin1(buf, int(n)).trimmed() : QString();
        if (e == EWOULDBLOCK)
            *error = pid.isEmpty() ? tr("another agent is already running with the work directory %1").arg(workDir)
                                   : tr("another agent (pid %1) is already running with the work directory %2; "
                                        "stop it or give this one its own --work-dir")
                                         .arg(pid, workDir);
        else
            *error = tr("cannot lock %1: %2").arg(QFile::decodeName(path), errnoText(e));
        return false;
    }
    const QByteArray pid = QByteArray::number(qint64(::getpid())) + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.constData(), size_t(pid.size()), 0) != pid.size())
        qWarning().noquote() << "agent: could not write the pid into" << QFile::decodeName(path);
    m_fd = fd;
    return true;
}

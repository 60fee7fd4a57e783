// agent.json: read once at start, written after a registration. Written to a temporary file created
// 0600 (open mode, so the key is never readable by others, not even for a moment) and renamed into place.
#include "AgentIdentity.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace {
bool isLoopback(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress a(host);
    return !a.isNull() && a.isLoopback();
}

bool writeAll(int fd, const QByteArray &data)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}
} // namespace

AgentIdentityStore::AgentIdentityStore(QString workDir)
    : m_workDir(std::move(workDir))
{
}

QString AgentIdentityStore::path() const
{
    return QDir(m_workDir).filePath(QStringLiteral("agent.json"));
}

bool AgentIdentityStore::sameServer(const QUrl &a, const QUrl &b)
{
    const auto norm = [](const QUrl &u) { return u.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments); };
    if (norm(a) == norm(b))
        return true;
    return a.scheme() == b.scheme() && isLoopback(a.host()) && isLoopback(b.host()) && norm(a).path() == norm(b).path();
}

std::optional<AgentIdentity> AgentIdentityStore::load(const QUrl &server, QString *why) const
{
    QFile f(path());
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    AgentIdentity id;
    id.serverUrl = QUrl(o.value(QStringLiteral("serverUrl")).toString());
    id.nodeId = o.value(QStringLiteral("nodeId")).toString();
    id.nodeKey = o.value(QStringLiteral("nodeKey")).toString();
    id.name = o.value(QStringLiteral("name")).toString();
    if (!id.isValid()) {
        if (why)
            *why = QStringLiteral("unreadable");
        return std::nullopt;
    }
    if (!sameServer(id.serverUrl, server)) {
        if (why)
            *why = QStringLiteral("belongs to ") + id.serverUrl.toString();
        return std::nullopt;
    }
    return id;
}

bool AgentIdentityStore::save(const AgentIdentity &identity, QString *error) const
{
    QJsonObject o {{QStringLiteral("serverUrl"), identity.serverUrl.toString()},
        {QStringLiteral("nodeId"), identity.nodeId}, {QStringLiteral("nodeKey"), identity.nodeKey}};
    if (!identity.name.isEmpty())
        o.insert(QStringLiteral("name"), identity.name);
    const QByteArray target = QFile::encodeName(path());
    const QByteArray tmp = target + ".tmp";
    ::unlink(tmp.constData()); // a leftover of a crash; O_EXCL below refuses to reuse it
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (error)
            *error = QString::fromLocal8Bit(strerror(errno));
        return false;
    }
    const bool ok = writeAll(fd, QJsonDocument(o).toJson()) && ::fsync(fd) == 0;
    const int savedErrno = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.constData(), target.constData()) != 0) {
        if (error)
            *error = QString::fromLocal8Bit(strerror(ok ? errno : savedErrno));
        ::unlink(tmp.constData());
        return false;
    }
    return true;
}

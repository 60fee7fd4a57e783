#include "CliConfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

#include <sys/stat.h>

QJsonObject CliContextEntry::toJson() const
{
    QJsonObject o;
    const QList<QPair<const char *, QString>> strings
        = {{"server", server}, {"apiKey", apiKey}, {"accessToken", accessToken}, {"refreshToken", refreshToken},
            {"email", email}, {"workspace", workspace}, {"ca", ca}};
    for (const auto &s : strings)
        if (!s.second.isEmpty())
            o.insert(QLatin1String(s.first), s.second);
    if (accessExpiresAtMs > 0)
        o.insert(QStringLiteral("accessExpiresAt"), accessExpiresAtMs);
    return o;
}

CliContextEntry CliContextEntry::fromJson(const QJsonObject &o)
{
    CliContextEntry e;
    e.server = o.value(QStringLiteral("server")).toString();
    e.apiKey = o.value(QStringLiteral("apiKey")).toString();
    e.accessToken = o.value(QStringLiteral("accessToken")).toString();
    e.refreshToken = o.value(QStringLiteral("refreshToken")).toString();
    e.accessExpiresAtMs = qint64(o.value(QStringLiteral("accessExpiresAt")).toDouble());
    e.email = o.value(QStringLiteral("email")).toString();
    e.workspace = o.value(QStringLiteral("workspace")).toString();
    e.ca = o.value(QStringLiteral("ca")).toString();
    return e;
}

QString CliConfig::defaultPath()
{
    const QString env = qEnvironmentVariable("TANVRIT_CONFIG");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QStringLiteral("/tanvrit-compute/config.json");
}

bool CliConfig::load(const QString &path, QString *error)
{
    m_path = path;
    QFile f(path);
    if (!f.exists())
        return true;
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(4 << 20), &pe);
    if (!doc.isObject()) {
        *error = QStringLiteral("%1 is not a tanvrit-compute config file (%2)").arg(path, pe.errorString());
        return false;
    }
    const QJsonObject o = doc.object();
    current = o.value(QStringLiteral("currentContext")).toString();
    const QJsonObject ctx = o.value(QStringLiteral("contexts")).toObject();
    for (auto it = ctx.begin(); it != ctx.end(); ++it)
        contexts.insert(it.key(), CliContextEntry::fromJson(it.value().toObject()));
    return true;
}

bool CliConfig::save(QString *error) const
{
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        *error = QStringLiteral("cannot create %1").arg(info.absolutePath());
        return false;
    }
    ::chmod(QFile::encodeName(info.absolutePath()).constData(), 0700);
    QJsonObject ctx;
    for (auto it = contexts.begin(); it != contexts.end(); ++it)
        ctx.insert(it.key(), it.value().toJson());
    QJsonObject o {{QStringLiteral("contexts"), ctx}};
    if (!current.isEmpty())
        o.insert(QStringLiteral("currentContext"), current);
    const mode_t old = ::umask(077); // the temporary file holds credentials from its first byte
    QSaveFile f(m_path);
    const bool ok = f.open(QIODevice::WriteOnly) && f.write(QJsonDocument(o).toJson()) >= 0 && f.commit();
    ::umask(old);
    if (!ok) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_path, f.errorString());
        return false;
    }
    ::chmod(QFile::encodeName(m_path).constData(), 0600);
    return true;
}

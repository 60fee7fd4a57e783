// The client's config file: named contexts (server, credentials, workspace, CA), one of them current.
// JSON under the user's config dir (TANVRIT_CONFIG overrides the path), written 0600 in a 0700 directory,
// atomically (a crash leaves the old file or the new one, never half of one).
#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

struct CliContextEntry
{
    QString server;
    QString apiKey;
    QString accessToken;
    QString refreshToken;
    qint64 accessExpiresAtMs = 0;
    QString email;
    QString workspace;
    QString ca;

    QJsonObject toJson() const;
    static CliContextEntry fromJson(const QJsonObject &o);
};

class CliConfig
{
public:
    static QString defaultPath();
    // false with a message when the file exists but is not a config file
    bool load(const QString &path, QString *error);
    bool save(QString *error) const;

    QString path() const { return m_path; }
    QString current;
    QMap<QString, CliContextEntry> contexts;

private:
    QString m_path;
};

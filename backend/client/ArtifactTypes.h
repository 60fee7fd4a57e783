// Artifacts (Part 1) as the client sees them: a job's stored files and a signed download link.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

struct ArtifactView
{
    QString id;
    QString name;
    qint64 size = 0;
    QString sha256;
    QString createdAt;
    int attempt = 1;
    QJsonObject json;
    static ArtifactView fromJson(const QJsonObject &o);
};

struct JobArtifacts
{
    QString jobId;
    QList<ArtifactView> artifacts;
    QJsonObject json;
};

struct ArtifactLink
{
    QString jobId;
    QString artifactId;
    QString name;
    qint64 size = 0;
    QString sha256;
    QString url; // signed, absolute or server-relative
    int expiresIn = 0;
    QJsonObject json;
};

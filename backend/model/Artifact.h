// An artifact: one file a job's run left behind, as stored by the control plane (Part 1, artifacts).
#pragma once

#include <QJsonObject>
#include <QString>

struct Artifact
{
    QString id; // "art_…"
    QString jobId;
    QString workspaceId;
    int attempt = 1;
    QString name; // relative path inside the job's working directory, '/'-separated
    qint64 size = 0;
    QString sha256; // lower-case hex
    qint64 createdAtMs = 0;
    bool complete = false;
};

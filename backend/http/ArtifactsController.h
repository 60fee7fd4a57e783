// Artifact paths of both surfaces (Part 1): the list and result link on /v0, presigning on /api/compute,
// and the direct upload/download URLs whose signature is their credential.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class ArtifactsController : public QObject
{
    Q_OBJECT
public:
    ArtifactsController(Services &s, Router &r, QObject *parent = nullptr);

private:
    QString absolute(const ExchangePtr &ex, const QString &path) const;
    void download(const ExchangePtr &ex);

    Services &m_s;
};

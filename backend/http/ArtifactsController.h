// Artifact paths of both surfaces. Artifacts are not stored yet: a job's list is empty, presigning
// answers NO_DATA, and the direct URLs (whose signature is their credential) accept none.
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
    Services &m_s;
};

// People and teams on both surfaces: sign-in (/v0/auth/…, /api/auth/…), workspaces and members
// (/v0/workspaces…) and API keys (/v0/keys…, /api/compute/api-keys/…). Thin: parse, call the service, render.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class IdentityController : public QObject
{
    Q_OBJECT
public:
    IdentityController(Services &s, Router &r, QObject *parent = nullptr);

private:
    void addAuthRoutes(Router &r);
    void addWorkspaceRoutes(Router &r);
    void addKeyRoutes(Router &r);
    Services &m_s;
};

// /health, /version, /v0/health/ready and /metrics: unauthenticated probes.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class HealthController : public QObject
{
    Q_OBJECT
public:
    HealthController(Services &s, Router &r, QObject *parent = nullptr);

private:
    void metrics(const ExchangePtr &ex);
    Services &m_s;
};

// Billing paths of both surfaces. Usage is not metered yet: they authenticate, check the role and say so
// (NO_DATA on /api/compute, 404 not_found on /v0), so clients can be written against them today.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class BillingController : public QObject
{
    Q_OBJECT
public:
    BillingController(Services &s, Router &r, QObject *parent = nullptr);
};

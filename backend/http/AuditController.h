// A workspace's audit log: query with filters and pages, export as JSON Lines or CSV, verify the chain.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class AuditController : public QObject
{
    Q_OBJECT
public:
    AuditController(Services &s, Router &r, QObject *parent = nullptr);

private:
    void query(const ExchangePtr &ex);
    Services &m_s;
};

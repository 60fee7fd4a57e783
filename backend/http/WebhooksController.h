// /v0/webhooks (part 3): thin routes over WebhookService.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class WebhooksController : public QObject
{
    Q_OBJECT
public:
    WebhooksController(Services &s, Router &r, QObject *parent = nullptr);

private:
    Services &m_s; // the service is resolved per request: the router's fuzzer builds routes over empty services
};

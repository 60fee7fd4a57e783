// Part 2 (secret vaults): /v0/secret-vaults… — vaults and their write-only secrets. Thin: parse the body
// and the expected version (ifVersion in the body or query, or If-Match), call SecretService, render.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class SecretsController : public QObject
{
    Q_OBJECT
public:
    SecretsController(Services &s, Router &r, QObject *parent = nullptr);

private:
    Services &m_s; // the service is looked up per request: the router's fuzzer builds routes over empty services
};

// GET /v0/openapi.json: the API's OpenAPI 3.1 document (docs/openapi.yaml, converted and compiled in at build
// time), served without credentials like the probes.
#pragma once

#include "Router.h"

#include <QObject>

class OpenApiController : public QObject
{
    Q_OBJECT
public:
    OpenApiController(Router &r, QObject *parent = nullptr);

    // The document as served (compact JSON); empty if the build left it out.
    static QByteArray document();
};

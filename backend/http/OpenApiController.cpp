// Serves the compiled-in OpenAPI document; it is read once and shared by every answer.
#include "OpenApiController.h"

#include <QFile>

OpenApiController::OpenApiController(Router &r, QObject *parent)
    : QObject(parent)
{
    RouteOptions open;
    open.surface = Surface::Plain;
    open.auth = false;
    r.add("GET", QStringLiteral("/v0/openapi.json"), open, [](const ExchangePtr &ex) {
        const QByteArray &doc = document();
        if (doc.isEmpty())
            return ex->replyError(ApiError::make(ErrorCode::Internal, QStringLiteral("the API document is missing")));
        ex->reply(200, doc, "application/json");
    });
}

QByteArray OpenApiController::document()
{
    static const QByteArray doc = [] {
        QFile f(QStringLiteral(":/openapi/openapi.json"));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    return doc;
}

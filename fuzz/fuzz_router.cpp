// libFuzzer harness: method and path through the real route table (every controller's routes, as the
// server registers them). Checks that a match names a route of that method (or GET for HEAD) whose
// shape fits the path, and that 405 comes with an Allow list.
#include "HttpServer.h"

#include <QCoreApplication>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_router";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    static HttpServer server {Services {}};
    if (size < 1)
        return 0;
    static const QByteArray methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "BREW"};
    const QByteArray method = methods[data[0] % 8];
    const QString path = QString::fromUtf8(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const Router::Route *route = nullptr;
    QHash<QString, QString> params;
    QByteArray allowed;
    switch (server.router().match(method, path, &route, params, allowed)) {
    case Router::Outcome::Found:
        if (!route || (route->method != method && !(method == "HEAD" && route->method == "GET")))
            abort();
        if (params.size() > route->segments.size())
            abort();
        break;
    case Router::Outcome::WrongMethod:
        if (allowed.isEmpty() || allowed.contains(method))
            abort();
        break;
    case Router::Outcome::NotFound:
        break;
    }
    return 0;
}

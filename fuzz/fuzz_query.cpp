// libFuzzer harness: a query string (GET /v0/jobs?… and the RPC list body's members) through the job
// list's parameter parsing and the time parser it uses.
#include "Job.h"
#include "JobsController.h"

#include <QUrlQuery>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString raw = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    QHash<QString, QStringList> params;
    for (const auto &[k, v] : QUrlQuery(raw).queryItems(QUrl::FullyDecoded))
        params[k].append(v);
    JobsController::parseQuery(params);
    parseTime(raw);
    return 0;
}

// The workspace in the path is checked by the pipeline (404 unless a member, ReadAudit = admin or owner).
#include "AuditController.h"
#include "AuditService.h"

AuditController::AuditController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    RouteOptions o;
    o.need = Permission::ReadAudit;
    o.workspaceParam = QStringLiteral("id");
    r.add("GET", QStringLiteral("/v0/workspaces/{id}/audit/verify"), o, [this](const ExchangePtr &ex) {
        // a long chain is walked on a worker thread with its own connection
        m_s.audit->verifyAsync(
            ex->principal().workspaceId, [ex](const AuditVerification &v) { ex->replyJson(200, v.toJson()); });
    });
    r.add("GET", QStringLiteral("/v0/workspaces/{id}/audit"), o, [this](const ExchangePtr &ex) { query(ex); });
}

void AuditController::query(const ExchangePtr &ex)
{
    static const QStringList known {QStringLiteral("actor"), QStringLiteral("action"), QStringLiteral("subject"),
        QStringLiteral("since"), QStringLiteral("until"), QStringLiteral("cursor"), QStringLiteral("limit"),
        QStringLiteral("format")};
    for (const auto &[k, v] : ex->query().queryItems(QUrl::FullyDecoded)) {
        Q_UNUSED(v);
        if (!known.contains(k))
            return ex->replyError(
                ApiError::invalid(QStringLiteral("unknown query parameter '%1'; the audit log takes %2")
                                      .arg(k.left(64), known.join(QStringLiteral(", ")))));
    }
    AuditFilter f;
    f.actor = ex->queryValue(QStringLiteral("actor"));
    f.action = ex->queryValue(QStringLiteral("action"));
    f.subject = ex->queryValue(QStringLiteral("subject"));
    f.since = ex->queryValue(QStringLiteral("since"));
    f.until = ex->queryValue(QStringLiteral("until"));
    f.cursor = ex->queryValue(QStringLiteral("cursor"));
    f.limit = ex->queryValue(QStringLiteral("limit"));
    const QString workspace = ex->principal().workspaceId;
    const QString format = ex->queryValue(QStringLiteral("format"));
    if (format.isEmpty() || format == QLatin1String("json")) {
        const auto page = m_s.audit->query(workspace, f);
        return page ? ex->replyJson(200, page.value().toJson()) : ex->replyError(page.error());
    }
    const auto fmt = AuditService::parseFormat(format);
    if (!fmt)
        return ex->replyError(ApiError::invalid(QStringLiteral("format must be json, jsonl or csv")));
    const auto out = m_s.audit->exportLog(workspace, f, *fmt);
    if (!out)
        return ex->replyError(out.error());
    QList<QPair<QByteArray, QByteArray>> headers {{"Content-Disposition",
        "attachment; filename=\"audit-" + workspace.toLatin1()
            + (*fmt == AuditService::Format::Csv ? ".csv\"" : ".jsonl\"")}};
    if (!out.value().nextCursor.isEmpty())
        headers.append({"X-Next-Cursor", out.value().nextCursor.toLatin1()});
    ex->reply(200, out.value().body, out.value().contentType.toLatin1(), headers);
}

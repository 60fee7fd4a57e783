// Thin: parse, call ArtifactService, render. A job of another workspace is a 404 (the service looks
// jobs up in the caller's workspace); a URL with a bad or expired signature is a 403.
#include "ArtifactsController.h"
#include "ArtifactDownload.h"
#include "ArtifactService.h"
#include "Wire.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace {
struct Range
{
    qint64 first = 0;
    qint64 length = 0;
    bool partial = false;
    bool unsatisfiable = false;
};

// One "bytes=" range (first-last, first-, -suffix); anything else is ignored and the whole file is sent.
Range parseRange(const QByteArray &header, qint64 size)
{
    Range r {0, size, false, false};
    static const QRegularExpression re(QStringLiteral("^bytes=(\\d{0,18})-(\\d{0,18})$"));
    const auto m = re.match(QString::fromLatin1(header.trimmed()));
    if (header.isEmpty() || !m.hasMatch() || (m.captured(1).isEmpty() && m.captured(2).isEmpty()))
        return r;
    qint64 first, last;
    if (m.captured(1).isEmpty()) { // the last N bytes
        const qint64 n = m.captured(2).toLongLong();
        if (n == 0)
            return {0, 0, false, true};
        first = std::max<qint64>(0, size - n);
        last = size - 1;
    } else {
        first = m.captured(1).toLongLong();
        last = m.captured(2).isEmpty() ? size - 1 : std::min(m.captured(2).toLongLong(), size - 1);
        if (!m.captured(2).isEmpty() && m.captured(2).toLongLong() < first)
            return r; // syntactically invalid: ignored
    }
    if (first >= size)
        return {0, 0, false, true};
    return {first, last - first + 1, true, false};
}

QByteArray contentDisposition(const QString &name)
{
    const QString base = name.section(QLatin1Char('/'), -1);
    QByteArray ascii;
    for (QChar c : base)
        ascii += (c.unicode() >= 0x20 && c.unicode() < 0x7f && c != QLatin1Char('"') && c != QLatin1Char('\\'))
            ? char(c.unicode())
            : '_';
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + QUrl::toPercentEncoding(base);
}
}

ArtifactsController::ArtifactsController(Services &s, Router &r, QObject *parent)
    : QObject(parent)
    , m_s(s)
{
    // Services are resolved at the first request: the router fuzzer builds these routes over empty ones.
    r.add("GET", QStringLiteral("/v0/jobs/{id}/artifacts"), {}, [this](const ExchangePtr &ex) {
        const QString id = ex->param(QStringLiteral("id"));
        const auto list = m_s.artifacts->list(ex->principal(), id);
        if (!list)
            return ex->replyError(list.error());
        ex->replyJson(200, {{QStringLiteral("jobId"), id}, {QStringLiteral("artifacts"), list.value()}});
    });
    r.add("GET", QStringLiteral("/v0/jobs/{id}/result"), {}, [this](const ExchangePtr &ex) {
        const QString id = ex->param(QStringLiteral("id"));
        const auto link = m_s.artifacts->presignDownload(
            ex->principal(), id, QString(), ex->queryValue(QStringLiteral("name")).left(1024), 0);
        if (!link)
            return ex->replyError(link.error());
        const QJsonObject o = link.value();
        ex->replyJson(200,
            {{QStringLiteral("jobId"), id}, {QStringLiteral("artifactId"), o.value(QStringLiteral("artifactId"))},
                {QStringLiteral("name"), o.value(QStringLiteral("name"))},
                {QStringLiteral("size"), o.value(QStringLiteral("size"))},
                {QStringLiteral("sha256"), o.value(QStringLiteral("sha256"))},
                {QStringLiteral("downloadUrl"), absolute(ex, o.value(QStringLiteral("url")).toString())},
                {QStringLiteral("expiresIn"), o.value(QStringLiteral("expiresIn"))}});
    });

    RouteOptions upload;
    upload.surface = Surface::Rpc;
    upload.need = Permission::SubmitJobs;
    upload.alsoNodes = true; // the agent running the job
    upload.action = "artifact.presign_upload";
    r.add("POST", QStringLiteral("/api/compute/jobs/artifacts/presign-upload"), upload, [this](const ExchangePtr &ex) {
        QJsonObject body;
        if (!ex->jsonBody(body))
            return;
        ex->setAuditSubject(body.value(QStringLiteral("jobId")).toString().left(64));
        m_s.artifacts->presignUpload(ex->principal(), body, [this, ex](Result<QJsonObject> r) {
            if (!r)
                return ex->replyError(r.error());
            QJsonObject o = r.value();
            o.insert(QStringLiteral("url"), absolute(ex, o.value(QStringLiteral("url")).toString()));
            ex->replyRpc(o);
        });
    });
    RouteOptions presignDownload;
    presignDownload.surface = Surface::Rpc;
    presignDownload.need = Permission::ReadJobs;
    presignDownload.action = "artifact.presign_download";
    r.add("POST", QStringLiteral("/api/compute/jobs/artifacts/presign-download"), presignDownload,
        [this](const ExchangePtr &ex) {
            QJsonObject body;
            if (!ex->jsonBody(body))
                return;
            Wire::Fields f(body);
            const auto jobId = f.id(QStringLiteral("jobId"), QLatin1StringView("job"), true);
            const auto artifactId = f.id(QStringLiteral("artifactId"), QLatin1StringView("art"));
            const auto name = f.string(QStringLiteral("name"), ArtifactService::kMaxNameLength);
            const auto expiresIn = f.integer(QStringLiteral("expiresIn"), 1, 7 * 86400);
            if (!f.ok())
                return ex->replyError(ApiError::validation(f.errors()));
            ex->setAuditSubject(*jobId);
            const auto link = m_s.artifacts->presignDownload(ex->principal(), *jobId, artifactId.value_or(QString()),
                name.value_or(QString()), int(expiresIn.value_or(0)));
            if (!link)
                return ex->replyError(link.error());
            QJsonObject o = link.value();
            o.insert(QStringLiteral("url"), absolute(ex, o.value(QStringLiteral("url")).toString()));
            ex->replyRpc(o);
        });

    // The URL is the credential: no other authentication, and nothing here is audited (presigning was).
    RouteOptions direct;
    direct.surface = Surface::Rpc;
    direct.auth = false;
    direct.audit = false;
    RouteOptions put = direct;
    put.maxBodyBytes = m_s.config.artifactPartBytes;
    r.add("PUT", QStringLiteral("/api/compute/artifacts/upload/{jobId}/{id}"), put, [this](const ExchangePtr &ex) {
        m_s.artifacts->receivePart(ex->param(QStringLiteral("jobId")), ex->param(QStringLiteral("id")),
            ex->queryValue(QStringLiteral("expires")), ex->queryValue(QStringLiteral("signature")),
            ex->header("content-range"), ex->body(), [ex](Result<QJsonObject> r) {
                if (!r)
                    return ex->replyError(r.error());
                ex->replyRpc(r.value());
            });
    });
    r.add("GET", QStringLiteral("/api/compute/artifacts/download/{jobId}/{id}"), direct,
        [this](const ExchangePtr &ex) { download(ex); });
}

QString ArtifactsController::absolute(const ExchangePtr &ex, const QString &path) const
{
    // The link goes back to the host the caller reached (a plain host[:port] only; else a path)
    static const QRegularExpression hostRe(
        QStringLiteral("^[A-Za-z0-9.\\-]+(:\\d{1,5})?$|^\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?$"));
    const QString host = QString::fromLatin1(ex->header("host").left(300));
    if (!hostRe.match(host).hasMatch())
        return path;
    return (m_s.config.usesTls() ? QStringLiteral("https://") : QStringLiteral("http://")) + host + path;
}

void ArtifactsController::download(const ExchangePtr &ex)
{
    const auto d = m_s.artifacts->openDownload(ex->param(QStringLiteral("jobId")), ex->param(QStringLiteral("id")),
        ex->queryValue(QStringLiteral("expires")), ex->queryValue(QStringLiteral("signature")));
    if (!d)
        return ex->replyError(d.error());
    const qint64 size = QFileInfo(d.value().path).size();
    const Range range = parseRange(ex->header("range"), size);
    if (range.unsatisfiable) {
        const ApiError e = ApiError::make(
            ErrorCode::InvalidRequest, QStringLiteral("the range is outside the file's %1 bytes").arg(size));
        const QJsonObject o {{QStringLiteral("status"), QStringLiteral("ERROR")},
            {QStringLiteral("code"), QStringLiteral("invalid_request")}, {QStringLiteral("message"), e.message},
            {QStringLiteral("payload"), QJsonValue()}};
        return ex->reply(416, QJsonDocument(o).toJson(QJsonDocument::Compact), "application/json",
            {{"Content-Range", "bytes */" + QByteArray::number(size)}});
    }
    QList<QPair<QByteArray, QByteArray>> headers {{"Accept-Ranges", "bytes"},
        {"Content-Disposition", contentDisposition(d.value().name)}, {"X-Checksum-Sha256", d.value().sha256.toLatin1()},
        {"Cache-Control", "private, no-store"}};
    if (range.partial)
        headers.append({"Content-Range",
            "bytes " + QByteArray::number(range.first) + '-' + QByteArray::number(range.first + range.length - 1) + '/'
                + QByteArray::number(size)});
    QTcpSocket *socket = ex->beginBody(range.partial ? 206 : 200, range.length, "application/octet-stream", headers);
    if (!socket)
        return;
    if (ex->method() == "HEAD") {
        socket->disconnectFromHost();
        return;
    }
    ArtifactDownload::start(socket, d.value().path, range.first, range.length);
}

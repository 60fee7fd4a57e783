// Artifacts (Part 1): the client calls for a job's artifacts and their signed download links.
#include "ComputeClient.h"

#include <QJsonDocument>

void ComputeClient::artifacts(const QString &jobId, ClientCallback<JobArtifacts> done)
{
    ApiRequest r;
    r.path = QStringLiteral("/v0/jobs/%1/artifacts").arg(QString::fromLatin1(QUrl::toPercentEncoding(jobId)));
    call(std::move(r), [done = std::move(done)](ClientResult<QJsonObject> a) {
        if (!a)
            return done(a.error());
        JobArtifacts l;
        l.jobId = a.value().value(QStringLiteral("jobId")).toString();
        for (const QJsonValue &v : a.value().value(QStringLiteral("artifacts")).toArray())
            l.artifacts.append(ArtifactView::fromJson(v.toObject()));
        l.json = a.value();
        done(l);
    });
}

void ComputeClient::artifactLink(
    const QString &jobId, const QString &artifactId, const QString &name, ClientCallback<ArtifactLink> done)
{
    QJsonObject body {{QStringLiteral("jobId"), jobId}};
    if (!artifactId.isEmpty())
        body.insert(QStringLiteral("artifactId"), artifactId);
    if (!name.isEmpty())
        body.insert(QStringLiteral("name"), name);
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/api/compute/jobs/artifacts/presign-download");
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    r.retrySafe = true; // presigning changes nothing
    call(std::move(r), [this, done = std::move(done)](ClientResult<QJsonObject> a) {
        if (!a)
            return done(a.error());
        const QJsonObject p = a.value().value(QStringLiteral("payload")).toObject();
        ArtifactLink l;
        l.jobId = p.value(QStringLiteral("jobId")).toString();
        l.artifactId = p.value(QStringLiteral("artifactId")).toString();
        l.name = p.value(QStringLiteral("name")).toString();
        l.size = p.value(QStringLiteral("size")).toInteger();
        l.sha256 = p.value(QStringLiteral("sha256")).toString();
        l.url = url(QString()).resolved(QUrl(p.value(QStringLiteral("url")).toString())).toString();
        l.expiresIn = p.value(QStringLiteral("expiresIn")).toInt();
        l.json = p;
        done(l);
    });
}

// jobs artifacts list | download (Part 1): a job's stored files, and downloading them through signed
// links straight to files (streamed, sha256 checked before the file is put in place).
#include "ArtifactFetch.h"
#include "Cli.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>

using namespace CliOutput;

namespace {

ClientResult<JobArtifacts> fetchList(Cli &cli, const QString &jobId)
{
    return cli.await<JobArtifacts>([&](ClientCallback<JobArtifacts> cb) { cli.client().artifacts(jobId, cb); });
}

int listArtifacts(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("jobs artifacts list takes one job id"));
    const auto id = cli.resolveJob(cli.positional().first());
    if (!id)
        return cli.fail(id.error());
    const auto r = fetchList(cli, id.value());
    if (!r)
        return cli.fail(r.error());
    const bool wide = cli.output() == OutputMode::Wide;
    QStringList headers {QStringLiteral("NAME"), QStringLiteral("SIZE"), QStringLiteral("ATTEMPT"),
        QStringLiteral("SHA256"), QStringLiteral("CREATED")};
    if (wide)
        headers << QStringLiteral("ID");
    Table t(headers);
    for (const ArtifactView &a : r.value().artifacts) {
        QStringList row {
            a.name, bytes(a.size), QString::number(a.attempt), wide ? a.sha256 : a.sha256.left(12), a.createdAt};
        if (wide)
            row << a.id;
        t.add(row);
    }
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("artifacts")).toArray(), t);
    return ExitCode::Ok;
}

int downloadArtifacts(Cli &cli)
{
    const QStringList args = cli.positional();
    if (args.isEmpty())
        return cli.usageError(QStringLiteral("jobs artifacts download takes a job id and optionally names"));
    const auto id = cli.resolveJob(args.first());
    if (!id)
        return cli.fail(id.error());
    const auto r = fetchList(cli, id.value());
    if (!r)
        return cli.fail(r.error());
    // the newest attempt's artifact of each name
    QMap<QString, ArtifactView> newest;
    for (const ArtifactView &a : r.value().artifacts)
        if (!newest.contains(a.name) || newest.value(a.name).attempt <= a.attempt)
            newest.insert(a.name, a);
    QList<ArtifactView> chosen;
    if (args.size() == 1) {
        chosen = newest.values();
        if (chosen.isEmpty())
            return cli.failWith(ExitCode::NotFound, QStringLiteral("not_found"),
                QStringLiteral("job %1 has no artifacts").arg(id.value()));
    }
    for (const QString &name : args.mid(1)) {
        if (!newest.contains(name))
            return cli.failWith(ExitCode::NotFound, QStringLiteral("not_found"),
                QStringLiteral("job %1 has no artifact named %2").arg(id.value(), name));
        chosen << newest.value(name);
    }
    const QString dir = cli.isSet(QStringLiteral("dir")) ? cli.value(QStringLiteral("dir")) : QStringLiteral(".");
    QJsonArray saved;
    for (const ArtifactView &a : std::as_const(chosen)) {
        const QString target = QDir(dir).filePath(a.name);
        if (!QDir().mkpath(QFileInfo(target).absolutePath()))
            return cli.failWith(ExitCode::Failure, QStringLiteral("io_error"),
                QStringLiteral("cannot create the directory of %1").arg(target));
        const auto link = cli.await<ArtifactLink>(
            [&](ClientCallback<ArtifactLink> cb) { cli.client().artifactLink(id.value(), a.id, QString(), cb); });
        if (!link)
            return cli.fail(link.error());
        ArtifactFetch fetch(&cli.client());
        QEventLoop loop;
        bool ok = false;
        QString error;
        QObject::connect(&fetch, &ArtifactFetch::finished, &loop, [&](bool good, const QString &why) {
            ok = good;
            error = why;
            loop.quit();
        });
        fetch.start(link.value(), target);
        if (fetch.isRunning())
            loop.exec();
        if (!ok)
            return cli.failWith(
                ExitCode::Failure, QStringLiteral("download_failed"), QStringLiteral("%1: %2").arg(a.name, error));
        saved.append(QJsonObject {{QStringLiteral("name"), a.name}, {QStringLiteral("path"), target},
            {QStringLiteral("size"), a.size}, {QStringLiteral("sha256"), a.sha256}});
        if (!cli.jsonOutput())
            cli.out(QStringLiteral("%1\t%2\n").arg(target, bytes(a.size)));
    }
    if (cli.jsonOutput())
        cli.printJson({{QStringLiteral("jobId"), id.value()}, {QStringLiteral("files"), saved}});
    return ExitCode::Ok;
}

} // namespace

void addArtifactCommands(QList<CliCommand> &c)
{
    c.append({QStringLiteral("jobs artifacts list"), QStringLiteral("List the files a job's run left behind"),
        QStringLiteral("JOB"),
        QStringLiteral("tanvrit-compute jobs artifacts list 01JD3\ntanvrit-compute jobs artifacts list 01JD3 -o wide"),
        nullptr, listArtifacts, QStringLiteral("jobs")});
    c.append({QStringLiteral("jobs artifacts download"),
        QStringLiteral("Download a job's artifacts (all, or those named) into a directory"),
        QStringLiteral("JOB [NAME…] [-d DIR]"),
        QStringLiteral("tanvrit-compute jobs artifacts download 01JD3\n"
                       "tanvrit-compute jobs artifacts download 01JD3 out/model.bin -d ./results"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(QStringLiteral("d,dir"),
                QStringLiteral("Where to put the files (default: here); names keep their directories."),
                QStringLiteral("DIR")));
        },
        downloadArtifacts, QStringLiteral("jobs")});
}

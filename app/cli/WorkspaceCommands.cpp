// workspaces list | create | use | members | invite, audit export | verify.
#include "Cli.h"

#include <QDateTime>
#include <QSaveFile>

#include <cstdio>
#include <memory>

using namespace CliOutput;

namespace {

// --- workspaces

// The workspace commands act in: --workspace / env / context, else the credential's own (whoami).
ClientResult<QString> currentWorkspace(Cli &cli)
{
    const QString ws = cli.client().connection().workspace;
    if (!ws.isEmpty())
        return ws;
    const auto me = cli.await<WhoAmI>([&](ClientCallback<WhoAmI> cb) { cli.client().whoAmI(cb); });
    if (!me)
        return me.error();
    return me.value().workspaceId;
}

int listWorkspaces(Cli &cli)
{
    const auto r = cli.await<WorkspaceList>([&](ClientCallback<WorkspaceList> cb) { cli.client().workspaces(cb); });
    if (!r)
        return cli.fail(r.error());
    QString current;
    if (cli.output() == OutputMode::Table || cli.output() == OutputMode::Wide) {
        const auto ws = currentWorkspace(cli);
        current = ws ? ws.value() : QString(); // no mark rather than no list
    }
    Table t({QString(), QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("ROLE"), QStringLiteral("PLAN"),
        QStringLiteral("CREATED")});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const WorkspaceView &w : r.value().workspaces)
        t.add({w.id == current ? QStringLiteral("*") : QString(), w.id, w.name, w.role, w.plan, ago(w.createdAt, now)});
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("workspaces")).toArray(), t);
    return ExitCode::Ok;
}

int createWorkspace(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("workspaces create takes one name"));
    const auto r = cli.await<WorkspaceView>(
        [&](ClientCallback<WorkspaceView> cb) { cli.client().createWorkspace(cli.positional().first(), cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput())
        cli.printJson(r.value().json);
    else if (cli.output() == OutputMode::Name)
        cli.out(r.value().id + QLatin1Char('\n'));
    else
        cli.out(QStringLiteral("%1 %2 (%3)\nswitch to it with: tanvrit-compute workspaces use %1\n")
                    .arg(r.value().id, r.value().name, r.value().role));
    return ExitCode::Ok;
}

int useWorkspace(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("workspaces use takes one workspace id"));
    const QString id = cli.positional().first();
    // check it exists for this caller (a workspace one is not in is a 404), and accept its name too
    const auto r = cli.await<WorkspaceList>([&](ClientCallback<WorkspaceList> cb) { cli.client().workspaces(cb); });
    if (!r)
        return cli.fail(r.error());
    QStringList matches;
    for (const WorkspaceView &w : r.value().workspaces) {
        if (w.id == id || w.name == id) {
            matches = {w.id};
            break;
        }
        if (w.id.startsWith(id) || w.id.mid(3).startsWith(id))
            matches << w.id;
    }
    const auto picked = Cli::pickOne(QStringLiteral("workspace"), id, matches);
    if (!picked)
        return cli.fail(picked.error());
    CliConfig &cfg = cli.config();
    QString name = cli.contextName();
    if (name.isEmpty())
        name = QStringLiteral("default");
    if (!cfg.contexts.contains(name) && cfg.current.isEmpty())
        cfg.current = name;
    cfg.contexts[name].workspace = picked.value();
    if (!cli.saveConfig())
        return ExitCode::Failure;
    cli.out(QStringLiteral("context %1 now uses workspace %2\n").arg(name, picked.value()));
    return ExitCode::Ok;
}

int listMembers(Cli &cli)
{
    if (cli.positional().size() > 1)
        return cli.usageError(QStringLiteral("workspaces members takes at most one workspace id"));
    const auto ws
        = cli.positional().isEmpty() ? currentWorkspace(cli) : ClientResult<QString>(cli.positional().first());
    if (!ws)
        return cli.fail(ws.error());
    const auto r = cli.await<MemberList>([&](ClientCallback<MemberList> cb) { cli.client().members(ws.value(), cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.output() == OutputMode::Jsonl) {
        for (const auto &m : r.value().members)
            cli.printJsonLine(m.toObject());
        for (const auto &m : r.value().invitations)
            cli.printJsonLine(m.toObject());
        return ExitCode::Ok;
    }
    Table t({QStringLiteral("EMAIL"), QStringLiteral("NAME"), QStringLiteral("ROLE"), QStringLiteral("STATUS"),
        QStringLiteral("SINCE")});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonArray all = r.value().members;
    for (const auto &i : r.value().invitations)
        all.append(i);
    for (const auto &v : all) {
        const QJsonObject m = v.toObject();
        t.add({m.value(QStringLiteral("email")).toString(), m.value(QStringLiteral("name")).toString(),
                  m.value(QStringLiteral("role")).toString(), m.value(QStringLiteral("status")).toString(),
                  ago(m.value(QStringLiteral("createdAt")), now)},
            {Color::None, Color::None, Color::None,
                m.value(QStringLiteral("status")).toString() == QLatin1String("invited") ? Color::Yellow
                                                                                         : Color::None});
    }
    cli.printList(r.value().json, all, t, QStringLiteral("email"));
    return ExitCode::Ok;
}

int inviteMember(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("workspaces invite takes one email address"));
    const QString role
        = cli.isSet(QStringLiteral("role")) ? cli.value(QStringLiteral("role")) : QStringLiteral("member");
    if (role != QLatin1String("member") && role != QLatin1String("admin") && role != QLatin1String("owner"))
        return cli.usageError(QStringLiteral("--role takes member, admin or owner"));
    const auto ws = currentWorkspace(cli);
    if (!ws)
        return cli.fail(ws.error());
    const auto r = cli.await<QJsonObject>(
        [&](ClientCallback<QJsonObject> cb) { cli.client().invite(ws.value(), cli.positional().first(), role, cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput())
        return cli.printJson(r.value()), ExitCode::Ok;
    const QString status = r.value().value(QStringLiteral("status")).toString();
    cli.out(QStringLiteral("%1 %2 as %3 in %4\n")
                .arg(r.value().value(QStringLiteral("email")).toString(),
                    status == QLatin1String("active") ? QStringLiteral("added") : QStringLiteral("invited"), role,
                    ws.value()));
    return ExitCode::Ok;
}

// --- audit

int auditExport(Cli &cli)
{
    if (!cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("audit export takes no arguments"));
    const QString format
        = cli.isSet(QStringLiteral("format")) ? cli.value(QStringLiteral("format")) : QStringLiteral("jsonl");
    if (format != QLatin1String("jsonl") && format != QLatin1String("csv"))
        return cli.usageError(QStringLiteral("--format takes jsonl or csv"));
    AuditFilter f;
    f.since = cli.value(QStringLiteral("since"));
    f.until = cli.value(QStringLiteral("until"));
    f.actor = cli.value(QStringLiteral("actor"));
    f.action = cli.value(QStringLiteral("action"));
    const auto ws = currentWorkspace(cli);
    if (!ws)
        return cli.fail(ws.error());
    // into a file: written whole or not at all
    std::unique_ptr<QSaveFile> file;
    if (cli.isSet(QStringLiteral("file"))) {
        file = std::make_unique<QSaveFile>(cli.value(QStringLiteral("file")));
        if (!file->open(QIODevice::WriteOnly))
            return cli.failWith(ExitCode::Failure, QStringLiteral("io"),
                QStringLiteral("cannot write %1: %2").arg(file->fileName(), file->errorString()));
    }
    QString cursor;
    qint64 bytes = 0;
    for (bool first = true;; first = false) {
        const auto r = cli.await<AuditChunk>(
            [&](ClientCallback<AuditChunk> cb) { cli.client().auditExport(ws.value(), f, format, cursor, cb); });
        if (!r)
            return cli.fail(r.error());
        QByteArray body = r.value().body;
        if (!first && format == QLatin1String("csv")) // every chunk starts with the header row
            body = body.mid(body.indexOf('\n') + 1);
        bytes += body.size();
        if (file)
            file->write(body);
        else
            fwrite(body.constData(), 1, size_t(body.size()), stdout);
        cursor = r.value().nextCursor;
        if (cursor.isEmpty())
            break;
    }
    fflush(stdout);
    if (file) {
        if (!file->commit())
            return cli.failWith(ExitCode::Failure, QStringLiteral("io"),
                QStringLiteral("cannot write %1: %2").arg(file->fileName(), file->errorString()));
        if (cli.stderrTty())
            cli.err(QStringLiteral("wrote %1 to %2\n").arg(CliOutput::bytes(bytes), file->fileName()));
    }
    return ExitCode::Ok;
}

int auditVerify(Cli &cli)
{
    if (!cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("audit verify takes no arguments"));
    const auto ws = currentWorkspace(cli);
    if (!ws)
        return cli.fail(ws.error());
    const auto r
        = cli.await<AuditVerdict>([&](ClientCallback<AuditVerdict> cb) { cli.client().auditVerify(ws.value(), cb); });
    if (!r)
        return cli.fail(r.error());
    const AuditVerdict &v = r.value();
    if (cli.jsonOutput())
        cli.printJson(v.json);
    else if (v.ok)
        cli.out(QStringLiteral("ok: %1 entries, head %2\n")
                    .arg(thousands(v.checked), v.headHash.isEmpty() ? QStringLiteral("-") : v.headHash));
    else
        cli.out(QStringLiteral("broken at seq %1: %2\n").arg(v.firstBrokenSeq).arg(v.reason));
    return v.ok ? ExitCode::Ok : ExitCode::Failure;
}

} // namespace

void addWorkspaceCommands(QList<CliCommand> &c)
{
    // workspaces
    c.append({QStringLiteral("workspaces list"), QStringLiteral("List your workspaces (* marks the one in use)"),
        QString(), QStringLiteral("tanvrit-compute workspaces list\ntanvrit-compute workspaces list -o name"), nullptr,
        listWorkspaces});
    c.append({QStringLiteral("workspaces create"), QStringLiteral("Create a workspace (you become its owner)"),
        QStringLiteral("NAME"), QStringLiteral("tanvrit-compute workspaces create research"), nullptr,
        createWorkspace});
    c.append({QStringLiteral("workspaces use"), QStringLiteral("Act in this workspace (stored in the context)"),
        QStringLiteral("ID"),
        QStringLiteral(
            "tanvrit-compute workspaces use ws_01JD\ntanvrit-compute --context prod workspaces use research"),
        nullptr, useWorkspace});
    c.append({QStringLiteral("workspaces members"), QStringLiteral("List a workspace's members and invitations"),
        QStringLiteral("[ID]"),
        QStringLiteral("tanvrit-compute workspaces members\ntanvrit-compute workspaces members ws_01JD -o json"),
        nullptr, listMembers});
    c.append({QStringLiteral("workspaces invite"), QStringLiteral("Invite a person to the workspace (admin)"),
        QStringLiteral("EMAIL [--role member|admin|owner] [--workspace ID]"),
        QStringLiteral("tanvrit-compute workspaces invite ada@example.com\n"
                       "tanvrit-compute workspaces invite bob@example.com --role admin --workspace ws_01JD"),
        [](QCommandLineParser &p) { Cli::addRoleOption(p, QStringLiteral("member (default), admin or owner.")); },
        inviteMember});

    // audit
    c.append({QStringLiteral("audit export"), QStringLiteral("Write the audit log (every matching entry) (admin)"),
        QStringLiteral("[--workspace ID] [--format jsonl|csv] [--since T] [--until T] [--actor A] [--action A] "
                       "[--file PATH]"),
        QStringLiteral("tanvrit-compute audit export --since 2026-01-01 --file audit.jsonl\n"
                       "tanvrit-compute audit export --action key.create --format csv"),
        [](QCommandLineParser &p) {
            p.addOptions({Cli::option(QStringLiteral("format"), QStringLiteral("jsonl (default) or csv."),
                              QStringLiteral("FORMAT")),
                Cli::option(QStringLiteral("since"), QStringLiteral("Entries at or after (ISO 8601 or epoch ms)."),
                    QStringLiteral("TIME")),
                Cli::option(QStringLiteral("until"), QStringLiteral("Entries before (ISO 8601 or epoch ms)."),
                    QStringLiteral("TIME")),
                Cli::option(QStringLiteral("actor"), QStringLiteral("Only this actor (user:…, node:…)."),
                    QStringLiteral("ACTOR")),
                Cli::option(QStringLiteral("action"), QStringLiteral("Only this action (job.submit, key.create, …)."),
                    QStringLiteral("ACTION")),
                Cli::option(QStringLiteral("file"),
                    QStringLiteral("Write here instead of stdout (whole or not at all)."), QStringLiteral("PATH"))});
        },
        auditExport});
    c.append({QStringLiteral("audit verify"),
        QStringLiteral("Check the audit log's hash chain (exit 1 when broken) (admin)"),
        QStringLiteral("[--workspace ID]"),
        QStringLiteral("tanvrit-compute audit verify\ntanvrit-compute audit verify -o json | jq -r .headHash"), nullptr,
        auditVerify});
}

// agents list | get | drain | remove | join-command, keys create | list | revoke.
// (workspaces and audit live in WorkspaceCommands.cpp.)
#include "Cli.h"

#include <QDate>
#include <QDateTime>
#include <QRegularExpression>

using namespace CliOutput;

namespace {

// Quotes a word for a POSIX shell when it needs it.
QString shellWord(const QString &s)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_./:=,@%+-]+$"));
    if (safe.match(s).hasMatch())
        return s;
    return QLatin1Char('\'') + QString(s).replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\'');
}

bool positiveInt(Cli &cli, const char *flag, int lo, int hi, int &into)
{
    if (!cli.isSet(QLatin1String(flag)))
        return true;
    bool ok = false;
    into = cli.value(QLatin1String(flag)).toInt(&ok);
    return ok && into >= lo && into <= hi;
}

// --- agents

Table agentsTable(const QList<AgentView> &agents, bool wide)
{
    QStringList headers = {QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("STATE"),
        QStringLiteral("JOBS"), QStringLiteral("GPUS"), QStringLiteral("CPU"), QStringLiteral("MEM"),
        QStringLiteral("LOAD"), QStringLiteral("HEARTBEAT")};
    if (wide)
        headers << QStringLiteral("LABELS") << QStringLiteral("CAPABILITIES") << QStringLiteral("ISOLATION")
                << QStringLiteral("VERSION");
    Table t(headers);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const AgentView &v : agents) {
        const Agent &a = v.agent;
        const QJsonObject free = v.json.value(QStringLiteral("free")).toObject();
        const QString state = Agent::stateName(a.state);
        QStringList row = {a.id, a.name, state,
            QStringLiteral("%1/%2").arg(v.json.value(QStringLiteral("runningJobs")).toArray().size()).arg(a.slotCount),
            QString::number(a.gpus.size()),
            QStringLiteral("%1/%2").arg(free.value(QStringLiteral("cpu")).toDouble(), 0, 'g', 4).arg(a.cpu, 0, 'g', 4),
            QStringLiteral("%1/%2 GiB")
                .arg(free.value(QStringLiteral("memGib")).toDouble(), 0, 'f', 1)
                .arg(a.memGib, 0, 'f', 1),
            QString::number(a.load, 'f', 2),
            a.lastHeartbeat > 0 ? relativeTime(a.lastHeartbeat, now) : QStringLiteral("-")};
        if (wide)
            row << labelsText(a.labels) << a.capabilities.join(QLatin1Char(',')) << a.isolation << a.version;
        const Color c = state == QLatin1String("ONLINE") ? Color::Green
            : state == QLatin1String("LOST")             ? Color::Red
                                                         : Color::Yellow;
        t.add(row, {Color::None, Color::None, c});
    }
    return t;
}

int listAgents(Cli &cli)
{
    const auto r = cli.await<AgentList>([&](ClientCallback<AgentList> cb) { cli.client().agents(cb); });
    if (!r)
        return cli.fail(r.error());
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("agents")).toArray(),
        agentsTable(r.value().agents, cli.output() == OutputMode::Wide));
    return ExitCode::Ok;
}

int showAgent(Cli &cli, const AgentView &v)
{
    if (cli.jsonOutput())
        return cli.printJson(v.json), ExitCode::Ok;
    if (cli.output() == OutputMode::Name)
        return cli.out(v.agent.id + QLatin1Char('\n')), ExitCode::Ok;
    const Agent &a = v.agent;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QJsonObject free = v.json.value(QStringLiteral("free")).toObject();
    QStringList gpus;
    for (const GpuDevice &g : a.gpus)
        gpus << QStringLiteral("#%1 %2 (%3 MiB used of %4, %5%)")
                    .arg(g.index)
                    .arg(g.model)
                    .arg(g.memoryUsedMiB)
                    .arg(g.memoryTotalMiB)
                    .arg(g.utilizationPercent);
    QStringList running;
    for (const auto &j : v.json.value(QStringLiteral("runningJobs")).toArray())
        running << j.toString();
    const QList<QPair<QString, QString>> rows = {
        {QStringLiteral("ID"), a.id},
        {QStringLiteral("Name"), a.name},
        {QStringLiteral("State"), Agent::stateName(a.state)},
        {QStringLiteral("Host"), a.hostname.isEmpty() ? QStringLiteral("-") : a.hostname},
        {QStringLiteral("Version"), a.version.isEmpty() ? QStringLiteral("-") : a.version},
        {QStringLiteral("Labels"), a.labels.isEmpty() ? QStringLiteral("-") : labelsText(a.labels)},
        {QStringLiteral("Capabilities"), a.capabilities.join(QLatin1Char(','))},
        {QStringLiteral("Isolation"), a.isolation},
        {QStringLiteral("CPU"),
            QStringLiteral("%1 free of %2").arg(free.value(QStringLiteral("cpu")).toDouble()).arg(a.cpu)},
        {QStringLiteral("Memory"),
            QStringLiteral("%1 GiB free of %2")
                .arg(free.value(QStringLiteral("memGib")).toDouble(), 0, 'f', 1)
                .arg(a.memGib, 0, 'f', 1)},
        {QStringLiteral("Slots"), QString::number(a.slotCount)},
        {QStringLiteral("Load"), QString::number(a.load, 'f', 2)},
        {QStringLiteral("GPUs"), gpus.isEmpty() ? QStringLiteral("none") : gpus.join(QStringLiteral("; "))},
        {QStringLiteral("Running"), running.isEmpty() ? QStringLiteral("-") : running.join(QStringLiteral(", "))},
        {QStringLiteral("Push"), a.pushConnected ? QStringLiteral("connected") : QStringLiteral("polling")},
        {QStringLiteral("Registered"), ago(v.json.value(QStringLiteral("registeredAt")), now)},
        {QStringLiteral("Heartbeat"), a.lastHeartbeat > 0 ? relativeTime(a.lastHeartbeat, now) : QStringLiteral("-")},
    };
    QString s;
    for (const auto &r : rows)
        s += (r.first + QLatin1Char(':')).leftJustified(14) + r.second + QLatin1Char('\n');
    cli.out(s);
    return ExitCode::Ok;
}

int getAgent(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("agents get takes one agent id"));
    const auto id = cli.resolveAgent(cli.positional().first());
    if (!id)
        return cli.fail(id.error());
    const auto r = cli.await<AgentView>([&](ClientCallback<AgentView> cb) { cli.client().agent(id.value(), cb); });
    return r ? showAgent(cli, r.value()) : cli.fail(r.error());
}

int drainAgent(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("agents drain takes one agent id"));
    const auto id = cli.resolveAgent(cli.positional().first());
    if (!id)
        return cli.fail(id.error());
    const auto r = cli.await<AgentView>([&](ClientCallback<AgentView> cb) { cli.client().drainAgent(id.value(), cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput())
        cli.printJson(r.value().json);
    else
        cli.out(r.value().agent.id + QLatin1Char(' ') + Agent::stateName(r.value().agent.state) + QLatin1Char('\n'));
    return ExitCode::Ok;
}

int removeAgent(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("agents remove takes one agent id"));
    const auto id = cli.resolveAgent(cli.positional().first());
    if (!id)
        return cli.fail(id.error());
    const auto r = cli.await<bool>([&](ClientCallback<bool> cb) { cli.client().removeAgent(id.value(), cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput()) // the API answers 204 without a body
        cli.printJson(QJsonObject {{QStringLiteral("id"), id.value()}, {QStringLiteral("removed"), true}});
    else
        cli.out(id.value() + QStringLiteral(" removed\n"));
    return ExitCode::Ok;
}

int joinCommand(Cli &cli)
{
    if (!cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("agents join-command takes no arguments"));
    int days = 1;
    if (!positiveInt(cli, "expires-in-days", 1, 3650, days))
        return cli.usageError(QStringLiteral("--expires-in-days takes a number of days from 1 to 3650"));
    const QString name = cli.value(QStringLiteral("name")).trimmed();
    if (cli.isSet(QStringLiteral("name")) && name.isEmpty())
        return cli.usageError(QStringLiteral("--name must not be empty"));
    const QString labels = cli.value(QStringLiteral("labels"));
    for (const QString &pair : labels.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (pair.indexOf(QLatin1Char('=')) <= 0)
            return cli.usageError(
                QStringLiteral("--labels takes k=v pairs separated by commas (got '%1')").arg(pair.left(64)));
    const QJsonObject body {
        {QStringLiteral("name"),
            QStringLiteral("agent-join-") + QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd"))},
        {QStringLiteral("role"), QStringLiteral("admin")}, {QStringLiteral("expiresInDays"), days}};
    const auto r = cli.await<KeyView>([&](ClientCallback<KeyView> cb) { cli.client().createKey(body, cb); });
    if (!r)
        return cli.fail(r.error());
    QString line = QStringLiteral("tanvrit-compute agent --server %1 --key %2")
                       .arg(shellWord(cli.client().connection().server), shellWord(r.value().key));
    if (!name.isEmpty())
        line += QStringLiteral(" --name ") + shellWord(name);
    if (!labels.isEmpty())
        line += QStringLiteral(" --labels ") + shellWord(labels);
    cli.out(line + QLatin1Char('\n'));
    if (cli.stderrTty())
        cli.err(QStringLiteral("note: the key (%1) expires in %2 day(s); revoke it early with: tanvrit-compute keys "
                               "revoke %1\n")
                    .arg(r.value().id)
                    .arg(days));
    return ExitCode::Ok;
}

// --- keys

int createKey(Cli &cli)
{
    if (!cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("keys create takes no arguments (give --name)"));
    const QString name = cli.value(QStringLiteral("name")).trimmed();
    if (name.isEmpty())
        return cli.usageError(QStringLiteral("keys create needs --name NAME"));
    QJsonObject body {{QStringLiteral("name"), name}};
    if (cli.isSet(QStringLiteral("role"))) {
        const QString role = cli.value(QStringLiteral("role"));
        if (role != QLatin1String("member") && role != QLatin1String("admin") && role != QLatin1String("owner"))
            return cli.usageError(QStringLiteral("--role takes member, admin or owner"));
        body.insert(QStringLiteral("role"), role);
    }
    for (const auto &[flag, field] : {std::pair {"expires-in-days", "expiresInDays"},
             {"max-jobs-per-hour", "maxJobsPerHour"}, {"max-concurrent-jobs", "maxConcurrentJobs"}}) {
        int n = 0;
        if (!positiveInt(cli, flag, 0, 1000000000, n))
            return cli.usageError(QStringLiteral("--%1 takes a whole number").arg(QLatin1String(flag)));
        if (cli.isSet(QLatin1String(flag)))
            body.insert(QLatin1String(field), n);
    }
    if (cli.isSet(QStringLiteral("allowed-job-types")))
        body.insert(QStringLiteral("allowedJobTypes"),
            QJsonArray::fromStringList(
                cli.value(QStringLiteral("allowed-job-types")).split(QLatin1Char(','), Qt::SkipEmptyParts)));
    const auto r = cli.await<KeyView>([&](ClientCallback<KeyView> cb) { cli.client().createKey(body, cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput())
        return cli.printJson(r.value().json), ExitCode::Ok;
    cli.out(r.value().key + QLatin1Char('\n'));
    cli.err(QStringLiteral("note: key %1 (%2, role %3) is shown once: store it now\n")
                .arg(r.value().id, r.value().name, r.value().role));
    return ExitCode::Ok;
}

int listKeys(Cli &cli)
{
    const auto r = cli.await<KeyList>(
        [&](ClientCallback<KeyList> cb) { cli.client().keys(cli.isSet(QStringLiteral("include-revoked")), cb); });
    if (!r)
        return cli.fail(r.error());
    Table t({QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("ROLE"), QStringLiteral("PREFIX"),
        QStringLiteral("CREATED"), QStringLiteral("LAST-USED"), QStringLiteral("EXPIRES"), QStringLiteral("REVOKED")});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const KeyView &k : r.value().keys) {
        const auto expires = parseTime(k.json.value(QStringLiteral("expiresAt")).toString());
        QString expiresText = QStringLiteral("never");
        if (expires && *expires > 0) // a date: keys live for days or months
            expiresText = *expires > now ? isoTime(*expires).left(16).replace(QLatin1Char('T'), QLatin1Char(' '))
                                         : QStringLiteral("expired");
        const QString revoked = ago(k.json.value(QStringLiteral("revokedAt")), now);
        t.add({k.id, k.name, k.role, k.prefix, ago(k.json.value(QStringLiteral("createdAt")), now),
                  ago(k.json.value(QStringLiteral("lastUsedAt")), now), expiresText, revoked},
            {Color::None, Color::None, Color::None, Color::None, Color::None, Color::None, Color::None,
                revoked == QLatin1String("-") ? Color::None : Color::Grey});
    }
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("keys")).toArray(), t);
    return ExitCode::Ok;
}

int revokeKey(Cli &cli)
{
    if (cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("keys revoke takes one or more key ids"));
    int rc = ExitCode::Ok;
    for (const QString &arg : cli.positional()) {
        const auto id = cli.resolveKey(arg);
        const auto r = id
            ? cli.await<KeyView>([&](ClientCallback<KeyView> cb) { cli.client().revokeKey(id.value(), cb); })
            : ClientResult<KeyView>(id.error());
        if (!r) {
            rc = cli.fail(r.error());
            continue;
        }
        if (cli.jsonOutput())
            cli.printJson(r.value().json);
        else
            cli.out(r.value().id + QStringLiteral(" revoked\n"));
    }
    return rc;
}

} // namespace

void addWorkspaceCommands(QList<CliCommand> &into); // WorkspaceCommands.cpp

void addAdminCommands(QList<CliCommand> &c)
{
    // agents
    c.append({QStringLiteral("agents list"), QStringLiteral("List the workspace's agents"), QString(),
        QStringLiteral("tanvrit-compute agents list\ntanvrit-compute agents list -o wide\n"
                       "tanvrit-compute agents list -o json | jq '.agents[] | select(.state == \"LOST\") | .id'"),
        nullptr, listAgents});
    c.append({QStringLiteral("agents get"), QStringLiteral("Show an agent: resources, GPUs, running jobs"),
        QStringLiteral("ID"),
        QStringLiteral("tanvrit-compute agents get node_01JD\ntanvrit-compute agents get gpu-box-1 -o json"), nullptr,
        getAgent, QStringLiteral("agents")});
    c.append({QStringLiteral("agents drain"),
        QStringLiteral("Let an agent finish its running jobs and take no new ones (admin)"), QStringLiteral("ID"),
        QStringLiteral("tanvrit-compute agents drain node_01JD"), nullptr, drainAgent, QStringLiteral("agents")});
    c.append({QStringLiteral("agents remove"),
        QStringLiteral("Remove an agent: revoke its keys, requeue its jobs (admin)"), QStringLiteral("ID"),
        QStringLiteral("tanvrit-compute agents remove node_01JD"), nullptr, removeAgent, QStringLiteral("agents")});
    c.append({QStringLiteral("agents join-command"),
        QStringLiteral("Mint an expiring key and print the command that starts an agent with it"),
        QStringLiteral("[--name NAME] [--labels K=V,…] [--expires-in-days N]"),
        QStringLiteral("tanvrit-compute agents join-command --labels gpu=a100,zone=b\n"
                       "ssh gpu-box-2 \"$(tanvrit-compute agents join-command --name gpu-box-2)\""),
        [](QCommandLineParser &p) {
            p.addOptions({Cli::option(QStringLiteral("name"), QStringLiteral("Name the agent registers with."),
                              QStringLiteral("NAME")),
                Cli::option(QStringLiteral("labels"),
                    QStringLiteral("Labels of the agent, k=v pairs separated by commas."), QStringLiteral("K=V,…")),
                Cli::option(QStringLiteral("expires-in-days"), QStringLiteral("Days the key stays good (default 1)."),
                    QStringLiteral("N"))});
        },
        joinCommand});

    // keys
    c.append({QStringLiteral("keys create"), QStringLiteral("Create an API key (printed once)"),
        QStringLiteral("--name NAME [--role member|admin|owner] [--expires-in-days N] [--max-jobs-per-hour N] "
                       "[--max-concurrent-jobs N] [--allowed-job-types A,B]"),
        QStringLiteral("tanvrit-compute keys create --name ci --expires-in-days 90\n"
                       "export TANVRIT_API_KEY=$(tanvrit-compute keys create --name laptop)"),
        [](QCommandLineParser &p) {
            p.addOption(
                Cli::option(QStringLiteral("name"), QStringLiteral("What the key is for."), QStringLiteral("NAME")));
            Cli::addRoleOption(p, QStringLiteral("member (default), admin or owner: at most your own."));
            p.addOptions({Cli::option(QStringLiteral("expires-in-days"), QStringLiteral("Days until it stops working."),
                              QStringLiteral("N")),
                Cli::option(QStringLiteral("max-jobs-per-hour"), QStringLiteral("Submits allowed per hour."),
                    QStringLiteral("N")),
                Cli::option(QStringLiteral("max-concurrent-jobs"), QStringLiteral("Unfinished jobs allowed at once."),
                    QStringLiteral("N")),
                Cli::option(QStringLiteral("allowed-job-types"),
                    QStringLiteral("Job types it may submit, comma-separated."), QStringLiteral("A,B"))});
        },
        createKey});
    c.append({QStringLiteral("keys list"), QStringLiteral("List API keys"), QStringLiteral("[--include-revoked]"),
        QStringLiteral("tanvrit-compute keys list\ntanvrit-compute keys list --include-revoked -o json"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(QStringLiteral("include-revoked"), QStringLiteral("Show revoked keys too.")));
        },
        listKeys});
    c.append({QStringLiteral("keys revoke"), QStringLiteral("Revoke API keys (they stop working at once)"),
        QStringLiteral("ID…"), QStringLiteral("tanvrit-compute keys revoke key_01JD"), nullptr, revokeKey,
        QStringLiteral("keys")});
    addWorkspaceCommands(c);
}

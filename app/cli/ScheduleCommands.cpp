// `tanvrit-compute schedules …`: create, list, get (with the next runs), update, pause, resume, delete,
// runs and preview of schedules; a schedule's job is given like `jobs run`'s (-- ARGV…, --command, --file).
#include "Cli.h"
#include "Job.h"

#include <QFile>
#include <QJsonDocument>

using namespace CliOutput;

namespace {
QString shortTime(const QString &iso)
{
    return iso.isEmpty() ? QStringLiteral("-") : iso.left(16).replace(QLatin1Char('T'), QLatin1Char(' '));
}

// The job template from -- ARGV…, --command or --file; nullopt (usage already reported) when malformed.
// `required`: create needs one; update takes none to leave it as it is.
std::optional<QJsonObject> jobTemplate(Cli &cli, const QStringList &argv, bool required, int *rc)
{
    const int given
        = int(!argv.isEmpty()) + int(cli.isSet(QStringLiteral("command"))) + int(cli.isSet(QStringLiteral("file")));
    if (given > 1) {
        *rc = cli.usageError(QStringLiteral("give one of -- ARGV…, --command or --file"));
        return std::nullopt;
    }
    if (given == 0) {
        if (required)
            *rc = cli.usageError(
                QStringLiteral("nothing to run: give -- ARGV…, --command \"SH STRING\" or --file JOB.json"));
        return required ? std::nullopt : std::optional<QJsonObject>(QJsonObject());
    }
    QJsonObject t;
    if (cli.isSet(QStringLiteral("file"))) {
        QFile f(cli.value(QStringLiteral("file")));
        if (!f.open(QIODevice::ReadOnly) || f.size() > 1024 * 1024) {
            *rc = cli.usageError(QStringLiteral("cannot read %1 (a submit body of at most 1 MiB)").arg(f.fileName()));
            return std::nullopt;
        }
        QJsonParseError pe;
        const QJsonDocument d = QJsonDocument::fromJson(f.readAll(), &pe);
        if (!d.isObject()) {
            *rc = cli.usageError(QStringLiteral("%1 is not a JSON object: %2").arg(f.fileName(), pe.errorString()));
            return std::nullopt;
        }
        t = d.object();
    } else if (cli.isSet(QStringLiteral("command"))) {
        t.insert(QStringLiteral("command"), cli.value(QStringLiteral("command")));
    } else {
        t.insert(QStringLiteral("argv"), QJsonArray::fromStringList(argv));
    }
    if (cli.isSet(QStringLiteral("timeout"))) {
        const qint64 s = Cli::parseDuration(cli.value(QStringLiteral("timeout")));
        if (s <= 0) {
            *rc = cli.usageError(QStringLiteral("--timeout takes a duration: 90, 90s, 5m, 2h"));
            return std::nullopt;
        }
        t.insert(QStringLiteral("timeoutSeconds"), s);
    }
    return t;
}

void addPolicyOptions(QCommandLineParser &p)
{
    p.addOption(Cli::option(QStringLiteral("cron"), QStringLiteral("5-field cron expression, e.g. \"*/15 * * * *\"."),
        QStringLiteral("EXPR")));
    p.addOption(
        Cli::option(QStringLiteral("tz"), QStringLiteral("IANA time zone (default UTC)."), QStringLiteral("ZONE")));
    p.addOption(Cli::option(QStringLiteral("concurrency"),
        QStringLiteral("allow, forbid (skip while the last run is active) or replace (cancel it)."),
        QStringLiteral("POLICY")));
    p.addOption(Cli::option(QStringLiteral("catch-up"),
        QStringLiteral("After downtime: once (one run for the missed slots) or skip."), QStringLiteral("POLICY")));
    p.addOption(
        Cli::option(QStringLiteral("command"), QStringLiteral("Run this through /bin/sh -c."), QStringLiteral("SH")));
    p.addOption(Cli::option(
        QStringLiteral("file"), QStringLiteral("The job as a submit body (JSON file)."), QStringLiteral("JSON")));
    p.addOption(Cli::option(
        QStringLiteral("timeout"), QStringLiteral("Each run's timeout (90s, 5m, 2h)."), QStringLiteral("DURATION")));
}

void addPolicies(Cli &cli, QJsonObject &body)
{
    if (cli.isSet(QStringLiteral("cron")))
        body.insert(QStringLiteral("cron"), cli.value(QStringLiteral("cron")));
    if (cli.isSet(QStringLiteral("tz")))
        body.insert(QStringLiteral("timeZone"), cli.value(QStringLiteral("tz")));
    if (cli.isSet(QStringLiteral("concurrency")))
        body.insert(QStringLiteral("concurrencyPolicy"), cli.value(QStringLiteral("concurrency")));
    if (cli.isSet(QStringLiteral("catch-up")))
        body.insert(QStringLiteral("catchUp"), cli.value(QStringLiteral("catch-up")));
}

int printSchedule(Cli &cli, const ScheduleView &s)
{
    if (cli.jsonOutput()) {
        cli.printJson(s.json);
        return ExitCode::Ok;
    }
    if (cli.output() == OutputMode::Name) {
        cli.out(s.id + QLatin1Char('\n'));
        return ExitCode::Ok;
    }
    QString text;
    text += QStringLiteral("id:           %1\nname:         %2\ncron:         %3 (%4)\n")
                .arg(s.id, s.name, s.cron, s.timeZone);
    text += QStringLiteral("concurrency:  %1\ncatch-up:     %2\npaused:       %3\n")
                .arg(s.concurrencyPolicy, s.catchUp, s.paused ? QStringLiteral("yes") : QStringLiteral("no"));
    text += QStringLiteral("job:          %1\n")
                .arg(QString::fromUtf8(QJsonDocument(s.jobTemplate).toJson(QJsonDocument::Compact)));
    text += QStringLiteral("last run:     %1\n")
                .arg(s.lastSlot.isEmpty()
                        ? QStringLiteral("-")
                        : QStringLiteral("%1 %2 %3")
                              .arg(shortTime(s.lastSlot), s.lastJobId.isEmpty() ? QStringLiteral("-") : s.lastJobId,
                                  s.lastState.isEmpty() ? s.lastOutcome : s.lastState));
    text += QStringLiteral("next runs:%1\n").arg(s.nextRuns.isEmpty() ? QStringLiteral("    - (paused)") : QString());
    for (const QString &t : s.nextRuns)
        text += QStringLiteral("  %1\n").arg(t);
    cli.out(text);
    return ExitCode::Ok;
}

int createSchedule(Cli &cli)
{
    QStringList args = cli.positional();
    if (args.isEmpty())
        return cli.usageError(QStringLiteral("schedules create takes a NAME"));
    if (!cli.isSet(QStringLiteral("cron")))
        return cli.usageError(QStringLiteral("schedules create needs --cron EXPR"));
    const QString name = args.takeFirst();
    int rc = ExitCode::Usage;
    const auto tpl = jobTemplate(cli, args, true, &rc);
    if (!tpl)
        return rc;
    QJsonObject body {{QStringLiteral("name"), name}, {QStringLiteral("jobTemplate"), *tpl}};
    addPolicies(cli, body);
    if (cli.isSet(QStringLiteral("paused")))
        body.insert(QStringLiteral("paused"), true);
    const auto r
        = cli.await<ScheduleView>([&](ClientCallback<ScheduleView> cb) { cli.client().createSchedule(body, cb); });
    return r ? printSchedule(cli, r.value()) : cli.fail(r.error());
}

int updateSchedule(Cli &cli)
{
    QStringList args = cli.positional();
    if (args.isEmpty())
        return cli.usageError(QStringLiteral("schedules update takes an ID"));
    const QString id = args.takeFirst();
    int rc = ExitCode::Usage;
    const auto tpl = jobTemplate(cli, args, false, &rc);
    if (!tpl)
        return rc;
    QJsonObject body;
    if (!tpl->isEmpty())
        body.insert(QStringLiteral("jobTemplate"), *tpl);
    if (cli.isSet(QStringLiteral("name")))
        body.insert(QStringLiteral("name"), cli.value(QStringLiteral("name")));
    addPolicies(cli, body);
    if (body.isEmpty())
        return cli.usageError(
            QStringLiteral("nothing to change: give --name, --cron, --tz, --concurrency, --catch-up or a job"));
    const auto r
        = cli.await<ScheduleView>([&](ClientCallback<ScheduleView> cb) { cli.client().updateSchedule(id, body, cb); });
    return r ? printSchedule(cli, r.value()) : cli.fail(r.error());
}

int listSchedules(Cli &cli)
{
    const auto r = cli.await<ScheduleList>([&](ClientCallback<ScheduleList> cb) { cli.client().schedules(cb); });
    if (!r)
        return cli.fail(r.error());
    Table t({QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("CRON"), QStringLiteral("ZONE"),
        QStringLiteral("NEXT-RUN"), QStringLiteral("LAST-RUN"), QStringLiteral("PAUSED")});
    for (const ScheduleView &s : r.value().schedules) {
        const QString last = s.lastSlot.isEmpty()
            ? QStringLiteral("-")
            : (s.lastState.isEmpty() ? s.lastOutcome.section(QLatin1Char(':'), 0, 0) : s.lastState);
        t.add({s.id, s.name, s.cron, s.timeZone,
                  s.nextRuns.isEmpty() ? QStringLiteral("-") : shortTime(s.nextRuns.first()), last,
                  s.paused ? QStringLiteral("yes") : QStringLiteral("no")},
            {Color::None, Color::None, Color::None, Color::None, Color::None, stateColor(s.lastState),
                s.paused ? Color::Yellow : Color::None});
    }
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("schedules")).toArray(), t);
    return ExitCode::Ok;
}

int getSchedule(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("schedules get takes one ID"));
    const QString id = cli.positional().first();
    const auto r = cli.await<ScheduleView>([&](ClientCallback<ScheduleView> cb) { cli.client().schedule(id, cb); });
    return r ? printSchedule(cli, r.value()) : cli.fail(r.error());
}

int pauseOrResume(Cli &cli, bool pause)
{
    if (cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("takes one or more schedule ids"));
    int rc = ExitCode::Ok;
    for (const QString &id : cli.positional()) {
        const auto r = cli.await<ScheduleView>(
            [&](ClientCallback<ScheduleView> cb) { cli.client().setSchedulePaused(id, pause, cb); });
        if (!r) {
            rc = cli.fail(r.error());
            continue;
        }
        if (cli.jsonOutput())
            cli.printJson(r.value().json);
        else
            cli.out(id + (pause ? QStringLiteral(" paused\n") : QStringLiteral(" resumed\n")));
    }
    return rc;
}

int deleteSchedule(Cli &cli)
{
    if (cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("schedules delete takes one or more schedule ids"));
    int rc = ExitCode::Ok;
    for (const QString &id : cli.positional()) {
        const auto r = cli.await<bool>([&](ClientCallback<bool> cb) { cli.client().deleteSchedule(id, cb); });
        if (!r) {
            rc = cli.fail(r.error());
            continue;
        }
        if (cli.jsonOutput())
            cli.printJson({{QStringLiteral("id"), id}, {QStringLiteral("deleted"), true}});
        else
            cli.out(id + QStringLiteral(" deleted\n"));
    }
    return rc;
}

int scheduleRuns(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("schedules runs takes one ID"));
    int limit = 20;
    if (cli.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = cli.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 1000)
            return cli.usageError(QStringLiteral("--limit takes a number from 1 to 1000"));
    }
    const QString id = cli.positional().first();
    const auto r = cli.await<JobPage>([&](ClientCallback<JobPage> cb) { cli.client().scheduleRuns(id, limit, cb); });
    if (!r)
        return cli.fail(r.error());
    Table t({QStringLiteral("ID"), QStringLiteral("STATE"), QStringLiteral("SLOT"), QStringLiteral("CREATED"),
        QStringLiteral("EXIT")});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QJsonValue &v : r.value().json.value(QStringLiteral("jobs")).toArray()) {
        const QJsonObject j = v.toObject();
        const QString state = j.value(QStringLiteral("state")).toString();
        const QJsonValue exit = j.value(QStringLiteral("exitCode"));
        t.add({j.value(QStringLiteral("id")).toString(), state,
                  shortTime(j.value(QStringLiteral("labels"))
                                .toObject()
                                .value(QStringLiteral("tanvrit/schedule-slot"))
                                .toString()),
                  ago(j.value(QStringLiteral("createdAt")), now),
                  exit.isDouble() ? QString::number(exit.toInt()) : QStringLiteral("-")},
            {Color::None, stateColor(state)});
    }
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("jobs")).toArray(), t);
    return ExitCode::Ok;
}

int previewSchedule(Cli &cli)
{
    if (!cli.isSet(QStringLiteral("cron")))
        return cli.usageError(QStringLiteral("schedules preview needs --cron EXPR"));
    const auto r = cli.await<SchedulePreview>([&](ClientCallback<SchedulePreview> cb) {
        cli.client().previewSchedule(cli.value(QStringLiteral("cron")), cli.value(QStringLiteral("tz")), cb);
    });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput()) {
        cli.printJson(r.value().json);
        return ExitCode::Ok;
    }
    cli.out(r.value().nextRuns.join(QLatin1Char('\n')) + QLatin1Char('\n'));
    return ExitCode::Ok;
}
} // namespace

void addScheduleCommands(QList<CliCommand> &c)
{
    c.append({QStringLiteral("schedules create"), QStringLiteral("Run a job on a cron schedule (admin)"),
        QStringLiteral("NAME --cron EXPR [--tz ZONE] [flags] -- ARGV…  |  --command \"SH\"  |  --file JOB.json"),
        QStringLiteral(
            "tanvrit-compute schedules create nightly --cron \"0 3 * * *\" --tz Europe/Berlin -- ./backup.sh\n"
            "tanvrit-compute schedules create poll --cron \"*/5 * * * *\" --concurrency forbid --command "
            "\"curl -fsS https://example.com\""),
        [](QCommandLineParser &p) {
            addPolicyOptions(p);
            p.addOption(Cli::option(QStringLiteral("paused"), QStringLiteral("Create it paused.")));
        },
        createSchedule});
    c.append({QStringLiteral("schedules list"), QStringLiteral("List the workspace's schedules"), QString(),
        QStringLiteral("tanvrit-compute schedules list\ntanvrit-compute schedules list -o json"), nullptr,
        listSchedules});
    c.append({QStringLiteral("schedules get"), QStringLiteral("Show a schedule and its next five run times"),
        QStringLiteral("ID"), QStringLiteral("tanvrit-compute schedules get sch_01JD"), nullptr, getSchedule});
    c.append({QStringLiteral("schedules update"), QStringLiteral("Change a schedule (admin)"),
        QStringLiteral(
            "ID [--name N] [--cron EXPR] [--tz ZONE] [flags] [-- ARGV… | --command \"SH\" | --file JOB.json]"),
        QStringLiteral("tanvrit-compute schedules update sch_01JD --cron \"30 3 * * *\""),
        [](QCommandLineParser &p) {
            addPolicyOptions(p);
            p.addOption(Cli::option(QStringLiteral("name"), QStringLiteral("A new name."), QStringLiteral("NAME")));
        },
        updateSchedule});
    c.append({QStringLiteral("schedules pause"), QStringLiteral("Stop a schedule from running (admin)"),
        QStringLiteral("ID…"), QStringLiteral("tanvrit-compute schedules pause sch_01JD"), nullptr,
        [](Cli &cli) { return pauseOrResume(cli, true); }});
    c.append(
        {QStringLiteral("schedules resume"), QStringLiteral("Run a paused schedule again from its next slot (admin)"),
            QStringLiteral("ID…"), QStringLiteral("tanvrit-compute schedules resume sch_01JD"), nullptr,
            [](Cli &cli) { return pauseOrResume(cli, false); }});
    c.append({QStringLiteral("schedules delete"), QStringLiteral("Delete schedules (their past runs stay) (admin)"),
        QStringLiteral("ID…"), QStringLiteral("tanvrit-compute schedules delete sch_01JD"), nullptr, deleteSchedule});
    c.append({QStringLiteral("schedules runs"), QStringLiteral("A schedule's runs, newest first"),
        QStringLiteral("ID [--limit N]"), QStringLiteral("tanvrit-compute schedules runs sch_01JD --limit 5"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(
                QStringLiteral("limit"), QStringLiteral("At most N runs (default 20)."), QStringLiteral("N")));
        },
        scheduleRuns});
    c.append({QStringLiteral("schedules preview"), QStringLiteral("The next five run times of a cron expression"),
        QStringLiteral("--cron EXPR [--tz ZONE]"),
        QStringLiteral("tanvrit-compute schedules preview --cron \"0 9 * * MON-FRI\" --tz America/New_York"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(
                QStringLiteral("cron"), QStringLiteral("5-field cron expression."), QStringLiteral("EXPR")));
            p.addOption(Cli::option(
                QStringLiteral("tz"), QStringLiteral("IANA time zone (default UTC)."), QStringLiteral("ZONE")));
        },
        previewSchedule});
}

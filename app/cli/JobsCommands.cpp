// jobs run | list | get | logs | wait | cancel | retry.
#include "Cli.h"
#include "CliInterrupt.h"
#include "JobFollow.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTimer>
#include <QUuid>

using namespace CliOutput;

namespace {
QString commandText(const QJsonObject &j)
{
    if (j.contains(QStringLiteral("command")))
        return j.value(QStringLiteral("command")).toString();
    QStringList parts;
    const QJsonArray argv
        = j.value(j.contains(QStringLiteral("argv")) ? QStringLiteral("argv") : QStringLiteral("cmd")).toArray();
    for (const auto &a : argv) {
        const QString s = a.toString();
        parts << (s.isEmpty() || s.contains(QRegularExpression(QStringLiteral("[\\s'\"\\\\$]")))
                ? QLatin1Char('\'') + QString(s).replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\'')
                : s);
    }
    QString text = parts.join(QLatin1Char(' '));
    if (j.contains(QStringLiteral("image")))
        text = j.value(QStringLiteral("image")).toString() + (text.isEmpty() ? QString() : QLatin1Char(' ') + text);
    return text;
}

qint64 runtimeOf(const Job &j, qint64 now)
{
    if (j.runtimeMs >= 0)
        return j.runtimeMs;
    return j.startedAt > 0 && !JobStates::isTerminal(j.state) ? now - j.startedAt : -1;
}

Table jobsTable(const QList<JobView> &jobs, bool wide)
{
    QStringList headers = {QStringLiteral("ID"), QStringLiteral("STATE"), QStringLiteral("TYPE"),
        QStringLiteral("COMMAND"), QStringLiteral("AGENT"), QStringLiteral("GPUS"), QStringLiteral("CREATED"),
        QStringLiteral("RUNTIME"), QStringLiteral("EXIT")};
    if (wide)
        headers << QStringLiteral("ATTEMPT") << QStringLiteral("PRIORITY") << QStringLiteral("LABELS")
                << QStringLiteral("SUBMITTED-BY");
    Table t(headers);
    t.setDropOrder({2, 5, 4, 7, 6}); // narrow terminals: TYPE, GPUS, AGENT, RUNTIME, CREATED go first
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const JobView &v : jobs) {
        const Job &j = v.job;
        QStringList row = {j.id, JobStates::name(j.state), j.spec.type, commandText(v.json),
            j.agentId.isEmpty() ? QStringLiteral("-") : j.agentId, QString::number(j.spec.resources.gpus),
            relativeTime(j.createdAt, now), duration(runtimeOf(j, now)),
            j.exitCode ? QString::number(*j.exitCode) : QStringLiteral("-")};
        if (wide)
            row << QString::number(j.attempt) << QString::number(j.spec.priority) << labelsText(j.spec.labels)
                << j.submittedBy;
        t.add(row, {Color::None, stateColor(JobStates::name(j.state))});
    }
    return t;
}

bool splitPair(const QString &s, QChar sep, QString &k, QString &v)
{
    const qsizetype at = s.indexOf(sep);
    if (at <= 0)
        return false;
    k = s.left(at);
    v = s.mid(at + 1);
    return true;
}

// --- jobs run

int runJob(Cli &cli)
{
    QJsonObject body;
    const QStringList argv = cli.positional();
    const bool hasCommand = cli.isSet(QStringLiteral("command"));
    if (cli.isSet(QStringLiteral("image"))) {
        body.insert(QStringLiteral("type"), QStringLiteral("CONTAINER"));
        body.insert(QStringLiteral("image"), cli.value(QStringLiteral("image")));
        if (!argv.isEmpty())
            body.insert(QStringLiteral("cmd"), QJsonArray::fromStringList(argv));
    } else {
        if (hasCommand == !argv.isEmpty())
            return cli.usageError(hasCommand
                    ? QStringLiteral("give --command or an argv after --, not both")
                    : QStringLiteral("nothing to run: give -- ARGV… or --command \"SH STRING\""));
        if (hasCommand)
            body.insert(QStringLiteral("command"), cli.value(QStringLiteral("command")));
        else
            body.insert(QStringLiteral("argv"), QJsonArray::fromStringList(argv));
    }
    if (cli.isSet(QStringLiteral("type")))
        body.insert(QStringLiteral("type"), cli.value(QStringLiteral("type")));
    QJsonObject env, labels;
    QString k, v;
    for (const QString &e : cli.parser().values(QStringLiteral("env"))) {
        if (!splitPair(e, QLatin1Char('='), k, v))
            return cli.usageError(QStringLiteral("--env takes NAME=VALUE (got '%1')").arg(e.left(64)));
        env.insert(k, v);
    }
    for (const QString &l : cli.parser().values(QStringLiteral("label"))) {
        if (!splitPair(l, QLatin1Char('='), k, v))
            return cli.usageError(QStringLiteral("--label takes KEY=VALUE (got '%1')").arg(l.left(64)));
        labels.insert(k, v);
    }
    if (!env.isEmpty())
        body.insert(QStringLiteral("env"), env);
    if (!labels.isEmpty())
        body.insert(QStringLiteral("labels"), labels);
    if (cli.isSet(QStringLiteral("secret")))
        body.insert(
            QStringLiteral("secrets"), QJsonArray::fromStringList(cli.parser().values(QStringLiteral("secret"))));
    if (cli.isSet(QStringLiteral("artifact")))
        body.insert(
            QStringLiteral("artifacts"), QJsonArray::fromStringList(cli.parser().values(QStringLiteral("artifact"))));
    // numbers go to the server as numbers; it checks their ranges and answers 422 with the field
    auto number = [&](const char *flag, const char *field, QJsonObject &into) -> bool {
        if (!cli.isSet(QLatin1String(flag)))
            return true;
        bool ok = false;
        const double d = cli.value(QLatin1String(flag)).toDouble(&ok);
        if (!ok)
            return false;
        into.insert(QLatin1String(field), d);
        return true;
    };
    QJsonObject resources;
    for (const auto &[flag, field] : {std::pair {"cpu", "cpu"}, {"mem", "memGib"}, {"gpus", "gpus"}})
        if (!number(flag, field, resources))
            return cli.usageError(QStringLiteral("--%1 takes a number").arg(QLatin1String(flag)));
    if (!resources.isEmpty())
        body.insert(QStringLiteral("resources"), resources);
    for (const auto &[flag, field] : {std::pair {"priority", "priority"}, {"retries", "maxRetries"}})
        if (!number(flag, field, body))
            return cli.usageError(QStringLiteral("--%1 takes an integer").arg(QLatin1String(flag)));
    if (cli.isSet(QStringLiteral("timeout"))) {
        const qint64 s = Cli::parseDuration(cli.value(QStringLiteral("timeout")));
        if (s < 0)
            return cli.usageError(QStringLiteral("--timeout takes a duration: 90, 90s, 5m, 2h"));
        body.insert(QStringLiteral("timeoutSeconds"), s);
    }
    if (cli.isSet(QStringLiteral("workdir")))
        body.insert(QStringLiteral("workingDir"), cli.value(QStringLiteral("workdir")));
    // always idempotent: a submit retried after a dropped connection creates the job once
    const QString idem = cli.isSet(QStringLiteral("idempotency-key"))
        ? cli.value(QStringLiteral("idempotency-key"))
        : QStringLiteral("cli-") + QUuid::createUuid().toString(QUuid::WithoutBraces);

    const auto submitted
        = cli.await<SubmittedJob>([&](ClientCallback<SubmittedJob> cb) { cli.client().submitJob(body, idem, cb); });
    if (!submitted)
        return cli.fail(submitted.error());
    const QString id = submitted.value().id;
    if (cli.isSet(QStringLiteral("detach"))) {
        if (cli.output() == OutputMode::Json || cli.output() == OutputMode::Jsonl)
            cli.printJson(submitted.value().json);
        else
            cli.out(id + QLatin1Char('\n'));
        return ExitCode::Ok;
    }
    if (cli.stderrTty())
        cli.err(paint(id + QLatin1Char(' ') + submitted.value().state, Color::Grey, cli.color()) + QLatin1Char('\n'));
    LinePrinter printer {cli, false, cli.output() == OutputMode::Jsonl};
    FollowOptions fo;
    fo.attempt = 1;
    const FollowOutcome o = followJob(cli, id, fo, printer);
    if (o.end == FollowOutcome::End::Interrupted) {
        if (cli.isSet(QStringLiteral("cancel-on-interrupt"))) {
            const auto c = cli.await<JobView>(
                [&](ClientCallback<JobView> cb) { cli.client().cancelJob(id, QStringLiteral("interrupted"), cb); });
            cli.err(c ? QStringLiteral("\n%1 %2\n").arg(id, JobStates::name(c.value().job.state))
                      : QStringLiteral("\nerror: %1\n").arg(c.error().describe()));
        } else {
            cli.err(
                QStringLiteral("\n%1 keeps running; follow it again with: tanvrit-compute jobs logs -f %1\n").arg(id));
        }
        return ExitCode::Interrupted;
    }
    if (o.end == FollowOutcome::End::Failed)
        return cli.fail(o.error);
    const auto job = cli.await<JobView>([&](ClientCallback<JobView> cb) { cli.client().job(id, cb); });
    if (!job)
        return cli.fail(job.error());
    if (cli.output() == OutputMode::Json)
        cli.printJson(job.value().json);
    else if (cli.stderrTty())
        cli.err(paint(jobEndLine(job.value()), stateColor(JobStates::name(job.value().job.state)), cli.color())
            + QLatin1Char('\n'));
    return jobExitCode(job.value());
}

// --- jobs list

ClientResult<JobPage> listAll(Cli &cli, JobFilter f, bool all)
{
    JobPage merged;
    for (;;) {
        auto page = cli.await<JobPage>([&](ClientCallback<JobPage> cb) { cli.client().jobs(f, cb); });
        if (!page)
            return page.error();
        merged.jobs += page.value().jobs;
        if (!all || page.value().nextCursor.isEmpty()) {
            merged.nextCursor = page.value().nextCursor;
            break;
        }
        f.cursor = page.value().nextCursor;
    }
    QJsonArray items;
    for (const JobView &j : merged.jobs)
        items.append(j.json);
    merged.json = QJsonObject {{QStringLiteral("jobs"), items},
        {QStringLiteral("nextCursor"), merged.nextCursor.isEmpty() ? QJsonValue() : QJsonValue(merged.nextCursor)}};
    return merged;
}

int listJobs(Cli &cli)
{
    JobFilter f;
    f.state = cli.value(QStringLiteral("state")).toUpper();
    for (const QString &l : cli.parser().values(QStringLiteral("label"))) {
        QString k, v;
        if (!splitPair(l, QLatin1Char('='), k, v) && !splitPair(l, QLatin1Char(':'), k, v))
            return cli.usageError(QStringLiteral("--label takes KEY=VALUE (got '%1')").arg(l.left(64)));
        f.labels << k + QLatin1Char(':') + v;
    }
    f.since = cli.value(QStringLiteral("since"));
    f.until = cli.value(QStringLiteral("until"));
    const bool all = cli.isSet(QStringLiteral("all"));
    if (cli.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        f.limit = cli.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || f.limit < 1 || f.limit > 1000)
            return cli.usageError(QStringLiteral("--limit takes an integer from 1 to 1000"));
    } else if (all) {
        f.limit = 1000;
    }
    auto show = [&]() -> int {
        const auto page = listAll(cli, f, all);
        if (!page)
            return cli.fail(page.error());
        const Table t = jobsTable(page.value().jobs, cli.output() == OutputMode::Wide);
        cli.printList(page.value().json, page.value().json.value(QStringLiteral("jobs")).toArray(), t);
        return ExitCode::Ok;
    };
    if (!cli.isSet(QStringLiteral("watch")))
        return show();
    // --watch: redraw every 2 s (in place on a terminal) until Ctrl-C
    CliInterrupt interrupt;
    QEventLoop loop;
    QObject::connect(&interrupt, &CliInterrupt::interrupted, &loop, &QEventLoop::quit);
    QTimer timer;
    int rc = ExitCode::Ok;
    auto redraw = [&] {
        if (cli.stdoutTty())
            cli.out(QStringLiteral("\x1b[H\x1b[2J"));
        rc = show();
        if (rc != ExitCode::Ok && rc != ExitCode::Unreachable && rc != ExitCode::Timeout)
            loop.quit(); // a refusal will not change by waiting
        else if (cli.stdoutTty())
            cli.out(paint(QStringLiteral("every 2s · %1 · Ctrl-C to stop\n")
                              .arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))),
                Color::Grey, cli.color()));
    };
    QObject::connect(&timer, &QTimer::timeout, redraw);
    redraw();
    if (rc == ExitCode::Ok || rc == ExitCode::Unreachable || rc == ExitCode::Timeout) {
        timer.start(2000);
        loop.exec();
    }
    return interrupt.happened() ? ExitCode::Ok : rc;
}

// --- jobs get

int getJob(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("jobs get takes one job id"));
    const auto id = cli.resolveJob(cli.positional().first());
    if (!id)
        return cli.fail(id.error());
    const auto r = cli.await<JobView>([&](ClientCallback<JobView> cb) { cli.client().job(id.value(), cb); });
    if (!r)
        return cli.fail(r.error());
    const JobView &v = r.value();
    const Job &j = v.job;
    if (cli.output() == OutputMode::Json || cli.output() == OutputMode::Jsonl)
        return cli.printJson(v.json), ExitCode::Ok;
    if (cli.output() == OutputMode::Name)
        return cli.out(j.id + QLatin1Char('\n')), ExitCode::Ok;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto when = [&](qint64 ms) {
        return ms > 0 ? isoTime(ms) + QStringLiteral(" (") + relativeTime(ms, now) + QLatin1Char(')')
                      : QStringLiteral("-");
    };
    QList<QPair<QString, QString>> rows = {
        {QStringLiteral("ID"), j.id},
        {QStringLiteral("State"),
            paint(JobStates::name(j.state), stateColor(JobStates::name(j.state)), cli.color())
                + (j.exitCode ? QStringLiteral(" (exit %1)").arg(*j.exitCode) : QString())},
        {QStringLiteral("Type"), j.spec.type},
        {QStringLiteral("Command"), commandText(v.json)},
        {QStringLiteral("Agent"), j.agentId.isEmpty() ? QStringLiteral("-") : j.agentId},
        {QStringLiteral("Resources"),
            QStringLiteral("cpu %1, mem %2 GiB, gpus %3")
                .arg(j.spec.resources.cpu)
                .arg(j.spec.resources.memGib)
                .arg(j.spec.resources.gpus)},
        {QStringLiteral("Priority"), QString::number(j.spec.priority)},
        {QStringLiteral("Attempt"),
            QStringLiteral("%1 (retries %2 of %3, agent lost %4×)")
                .arg(j.attempt)
                .arg(j.retryCount)
                .arg(j.spec.maxRetries)
                .arg(j.lostCount)},
        {QStringLiteral("Timeout"),
            j.spec.timeoutSeconds > 0 ? duration(qint64(j.spec.timeoutSeconds) * 1000) : QStringLiteral("none")},
        {QStringLiteral("Labels"), labelsText(j.spec.labels)},
        {QStringLiteral("Submitted by"), j.submittedBy},
        {QStringLiteral("Created"), when(j.createdAt)},
        {QStringLiteral("Started"), when(j.startedAt)},
        {QStringLiteral("Finished"), when(j.finishedAt)},
        {QStringLiteral("Runtime"), duration(runtimeOf(j, now))},
        {QStringLiteral("CPU"),
            j.cpuSeconds >= 0 ? QStringLiteral("%1 s").arg(j.cpuSeconds, 0, 'f', 2) : QStringLiteral("-")},
        {QStringLiteral("Peak memory"), bytes(j.peakMemoryBytes)},
    };
    if (!j.spec.workingDir.isEmpty())
        rows.append({QStringLiteral("Working dir"), j.spec.workingDir});
    if (!j.error.isEmpty())
        rows.append({QStringLiteral("Error"), j.error});
    if (!v.pendingReason.isEmpty())
        rows.append({QStringLiteral("Pending"), v.pendingReason});
    QString s;
    for (const auto &r2 : rows)
        s += (r2.first + QLatin1Char(':')).leftJustified(14) + r2.second + QLatin1Char('\n');
    Table h({QStringLiteral("STATE"), QStringLiteral("AT"), QStringLiteral("ACTOR"), QStringLiteral("REASON"),
        QStringLiteral("ATTEMPT")});
    for (const JobTransition &t : j.history)
        h.add({JobStates::name(t.state), isoTime(t.atMs), t.actor, t.reason, QString::number(t.attempt)},
            {stateColor(JobStates::name(t.state))});
    s += QStringLiteral("\nHistory:\n")
        + h.render(cli.output() == OutputMode::Wide ? 0 : cli.terminalWidth(), cli.color());
    cli.out(s);
    return ExitCode::Ok;
}

// --- jobs cancel / retry

int cancelJobs(Cli &cli)
{
    if (cli.positional().isEmpty())
        return cli.usageError(QStringLiteral("jobs cancel takes one or more job ids"));
    int rc = ExitCode::Ok;
    for (const QString &arg : cli.positional()) {
        const auto id = cli.resolveJob(arg);
        const auto r = id ? cli.await<JobView>([&](ClientCallback<JobView> cb) {
            cli.client().cancelJob(id.value(), cli.value(QStringLiteral("reason")), cb);
        })
                          : ClientResult<JobView>(id.error());
        if (!r) {
            rc = cli.fail(r.error());
            continue;
        }
        if (cli.output() == OutputMode::Json || cli.output() == OutputMode::Jsonl)
            cli.printJson(r.value().json);
        else
            cli.out(r.value().job.id + QLatin1Char(' ') + JobStates::name(r.value().job.state) + QLatin1Char('\n'));
    }
    return rc;
}

int retryJob(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("jobs retry takes one job id"));
    const auto id = cli.resolveJob(cli.positional().first());
    if (!id)
        return cli.fail(id.error());
    const auto r = cli.await<JobView>([&](ClientCallback<JobView> cb) { cli.client().retryJob(id.value(), cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.output() == OutputMode::Json || cli.output() == OutputMode::Jsonl)
        cli.printJson(r.value().json);
    else
        cli.out(QStringLiteral("%1 %2 (attempt %3)\n")
                    .arg(r.value().job.id, JobStates::name(r.value().job.state))
                    .arg(r.value().job.attempt));
    return ExitCode::Ok;
}

} // namespace

void addJobsCommands(QList<CliCommand> &c)
{
    c.append({QStringLiteral("jobs run"),
        QStringLiteral("Submit a job and follow its output until it ends (exit code: the job's)"),
        QStringLiteral("[flags] -- ARGV…  |  [flags] --command \"SH STRING\""),
        QStringLiteral(
            "tanvrit-compute jobs run -- python3 train.py --epochs 3\n"
            "tanvrit-compute jobs run --gpus 1 --label gpu=a100 --timeout 2h --command 'nvidia-smi && ./bench'\n"
            "id=$(tanvrit-compute jobs run --detach -- make test)"),
        [](QCommandLineParser &p) {
            p.addOptions({
                Cli::option(QStringLiteral("d,detach"), QStringLiteral("Print the job id and return at once.")),
                Cli::option(
                    QStringLiteral("f,follow"), QStringLiteral("Follow the output until the job ends (the default).")),
                Cli::option(QStringLiteral("command"), QStringLiteral("Run this string with /bin/sh -c."),
                    QStringLiteral("SH")),
                Cli::option(QStringLiteral("type"),
                    QStringLiteral("Job type (COMMAND, CONTAINER, or one an agent offers)."), QStringLiteral("TYPE")),
                Cli::option(QStringLiteral("image"),
                    QStringLiteral("Run the argv in this container image (CONTAINER)."), QStringLiteral("REF")),
                Cli::option(QStringLiteral("gpus"), QStringLiteral("GPUs it needs."), QStringLiteral("N")),
                Cli::option(QStringLiteral("cpu"), QStringLiteral("CPU cores it needs."), QStringLiteral("N")),
                Cli::option(QStringLiteral("mem"), QStringLiteral("Memory it needs, GiB."), QStringLiteral("GIB")),
                Cli::option(QStringLiteral("label"), QStringLiteral("Agent label it needs (repeatable)."),
                    QStringLiteral("K=V")),
                Cli::option(
                    QStringLiteral("env"), QStringLiteral("Environment variable (repeatable)."), QStringLiteral("K=V")),
                Cli::option(QStringLiteral("secret"),
                    QStringLiteral("Secret it uses, redacted from its log (repeatable)."), QStringLiteral("NAME")),
                Cli::option(QStringLiteral("artifact"), QStringLiteral("Glob of files to collect (repeatable)."),
                    QStringLiteral("GLOB")),
                Cli::option(QStringLiteral("timeout"), QStringLiteral("Stop it after this long: 90, 90s, 5m, 2h."),
                    QStringLiteral("DURATION")),
                Cli::option(
                    QStringLiteral("priority"), QStringLiteral("-1000…1000, higher first."), QStringLiteral("N")),
                Cli::option(QStringLiteral("retries"), QStringLiteral("Automatic retries after a failure (0…10)."),
                    QStringLiteral("N")),
                Cli::option(QStringLiteral("workdir"), QStringLiteral("Working directory on the agent."),
                    QStringLiteral("DIR")),
                Cli::option(QStringLiteral("idempotency-key"),
                    QStringLiteral("Submitting again with the same key returns the same job."), QStringLiteral("KEY")),
                Cli::option(QStringLiteral("cancel-on-interrupt"),
                    QStringLiteral("Ctrl-C cancels the job (else it keeps running).")),
            });
            p.addPositionalArgument(QStringLiteral("argv"), QStringLiteral("The program and its arguments, after --."),
                QStringLiteral("-- ARGV…"));
        },
        runJob});
    c.append({QStringLiteral("jobs list"), QStringLiteral("List jobs, newest first"),
        QStringLiteral("[--state S] [--label K=V]… [--since T] [--until T] [--limit N] [--all] [--watch]"),
        QStringLiteral("tanvrit-compute jobs list --state RUNNING\n"
                       "tanvrit-compute jobs list --label team=ml -o wide --watch\n"
                       "tanvrit-compute jobs list --all -o jsonl | jq -r 'select(.exitCode != 0) | .id'"),
        [](QCommandLineParser &p) {
            p.addOptions({
                Cli::option(
                    QStringLiteral("state"), QStringLiteral("Only jobs in this state."), QStringLiteral("STATE")),
                Cli::option(QStringLiteral("label"),
                    QStringLiteral("Only jobs with this label (repeatable, all must match)."), QStringLiteral("K=V")),
                Cli::option(QStringLiteral("since"), QStringLiteral("Created at or after (ISO 8601 or epoch ms)."),
                    QStringLiteral("TIME")),
                Cli::option(QStringLiteral("until"), QStringLiteral("Created before (ISO 8601 or epoch ms)."),
                    QStringLiteral("TIME")),
                Cli::option(QStringLiteral("limit"), QStringLiteral("Jobs per page, 1–1000 (default 50)."),
                    QStringLiteral("N")),
                Cli::option(QStringLiteral("all"), QStringLiteral("Walk every page.")),
                Cli::option(QStringLiteral("w,watch"), QStringLiteral("Redraw every 2 s until Ctrl-C.")),
            });
        },
        listJobs});
    c.append({QStringLiteral("jobs get"), QStringLiteral("Show a job: fields, pending reason, history"),
        QStringLiteral("ID"),
        QStringLiteral("tanvrit-compute jobs get 01JD3\ntanvrit-compute jobs get job_01JD3Q… -o json | jq .history"),
        nullptr, getJob, QStringLiteral("jobs")});
    c.append({QStringLiteral("jobs logs"), QStringLiteral("Print a job's output; -f follows it until the job ends"),
        QStringLiteral("ID [-f] [--tail N] [--since SEQ] [--attempt N] [--stream stdout|stderr] [--timestamps]"),
        QStringLiteral("tanvrit-compute jobs logs -f 01JD3\ntanvrit-compute jobs logs --tail 100 --timestamps 01JD3\n"
                       "tanvrit-compute jobs logs --stream stderr --attempt 1 01JD3 2>&1 | less"),
        [](QCommandLineParser &p) {
            p.addOptions({Cli::option(QStringLiteral("f,follow"),
                              QStringLiteral("Follow until the job ends (across attempts and reconnects).")),
                Cli::option(
                    QStringLiteral("tail"), QStringLiteral("Start with the last N lines."), QStringLiteral("N")),
                Cli::option(QStringLiteral("since"), QStringLiteral("Lines after this seq."), QStringLiteral("SEQ")),
                Cli::option(QStringLiteral("attempt"), QStringLiteral("This attempt (default: the latest)."),
                    QStringLiteral("N")),
                Cli::option(
                    QStringLiteral("stream"), QStringLiteral("stdout or stderr only."), QStringLiteral("STREAM")),
                Cli::option(QStringLiteral("timestamps"), QStringLiteral("Prefix each line with its time."))});
        },
        jobLogs, QStringLiteral("jobs")});
    c.append({QStringLiteral("jobs wait"), QStringLiteral("Wait until a job ends; exit with its code"),
        QStringLiteral("ID [--timeout DURATION]"),
        QStringLiteral("tanvrit-compute jobs wait 01JD3 && echo done\ntanvrit-compute jobs wait --timeout 10m 01JD3"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(QStringLiteral("timeout"), QStringLiteral("Give up after this long (exit 73)."),
                QStringLiteral("DURATION")));
        },
        waitJob, QStringLiteral("jobs")});
    c.append({QStringLiteral("jobs cancel"), QStringLiteral("Cancel jobs"), QStringLiteral("ID… [--reason TEXT]"),
        QStringLiteral("tanvrit-compute jobs cancel 01JD3\ntanvrit-compute jobs list --state QUEUED -o name | xargs "
                       "tanvrit-compute jobs cancel"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(
                QStringLiteral("reason"), QStringLiteral("Why (kept in the history)."), QStringLiteral("TEXT")));
        },
        cancelJobs, QStringLiteral("jobs")});
    c.append({QStringLiteral("jobs retry"), QStringLiteral("Run a FAILED, TIMED_OUT or CANCELLED job again"),
        QStringLiteral("ID"), QStringLiteral("tanvrit-compute jobs retry 01JD3"), nullptr, retryJob,
        QStringLiteral("jobs")});
}

// jobs logs and jobs wait: reading a job's output page by page or live, and waiting for its end.
#include "CliInterrupt.h"
#include "JobFollow.h"

#include <QElapsedTimer>
#include <QTimer>

using namespace CliOutput;

// --- jobs logs

int jobLogs(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("jobs logs takes one job id"));
    const auto id = cli.resolveJob(cli.positional().first());
    if (!id)
        return cli.fail(id.error());
    LogRequest lr;
    FollowOptions fo;
    auto integer = [&](const char *flag, qint64 lo, qint64 hi, qint64 &into) {
        if (!cli.isSet(QLatin1String(flag)))
            return true;
        bool ok = false;
        into = cli.value(QLatin1String(flag)).toLongLong(&ok);
        return ok && into >= lo && into <= hi;
    };
    qint64 tail = -1, since = -1, attempt = 0;
    if (!integer("tail", 0, 100000, tail))
        return cli.usageError(QStringLiteral("--tail takes a number of lines from 0 to 100000"));
    if (!integer("since", 0, std::numeric_limits<qint64>::max() / 2, since))
        return cli.usageError(QStringLiteral("--since takes a line number (seq)"));
    if (!integer("attempt", 1, 1000000, attempt))
        return cli.usageError(QStringLiteral("--attempt takes an attempt number from 1"));
    const QString stream = cli.value(QStringLiteral("stream"));
    if (!stream.isEmpty() && stream != QLatin1String("stdout") && stream != QLatin1String("stderr"))
        return cli.usageError(QStringLiteral("--stream takes stdout or stderr"));
    const LinePrinter printer {cli, cli.isSet(QStringLiteral("timestamps")),
        cli.output() == OutputMode::Jsonl || cli.output() == OutputMode::Json};

    if (cli.isSet(QStringLiteral("follow"))) {
        fo.attempt = int(attempt);
        fo.since = since;
        fo.tail = int(tail);
        fo.stream = stream;
        fo.acrossAttempts = attempt == 0;
        const FollowOutcome o = followJob(cli, id.value(), fo, printer);
        if (o.end == FollowOutcome::End::Failed)
            return cli.fail(o.error);
        return o.end == FollowOutcome::End::Interrupted ? ExitCode::Interrupted : ExitCode::Ok;
    }
    lr.attempt = int(attempt);
    lr.since = since;
    lr.tail = int(tail);
    lr.stream = stream;
    lr.limit = tail > 10000 ? int(tail) : 10000;
    bool first = true;
    for (;;) {
        const auto page
            = cli.await<LogPage>([&](ClientCallback<LogPage> cb) { cli.client().logs(id.value(), lr, cb); });
        if (!page)
            return cli.fail(page.error());
        const LogPage &p = page.value();
        if (first && p.dropped > 0)
            printer.dropped(p.dropped, p.attempt);
        first = false;
        for (const LogLine &l : p.lines)
            printer.line(l, p.attempt);
        LinePrinter::flush();
        if (lr.tail >= 0 || p.lines.size() < lr.limit || p.lines.isEmpty())
            break;
        lr.attempt = p.attempt; // the next pages read the same attempt even if a new one starts
        lr.since = p.lines.last().seq;
    }
    return ExitCode::Ok;
}

// --- jobs wait

int waitJob(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("jobs wait takes one job id"));
    qint64 timeoutS = -1;
    if (cli.isSet(QStringLiteral("timeout"))
        && (timeoutS = Cli::parseDuration(cli.value(QStringLiteral("timeout")))) < 0)
        return cli.usageError(QStringLiteral("--timeout takes a duration: 90, 90s, 5m, 2h"));
    const auto id = cli.resolveJob(cli.positional().first());
    if (!id)
        return cli.fail(id.error());
    CliInterrupt interrupt;
    QElapsedTimer clock;
    clock.start();
    int pollMs = 100;
    for (;;) {
        const auto r = cli.await<JobView>([&](ClientCallback<JobView> cb) { cli.client().job(id.value(), cb); });
        if (!r && !(r.error().kind == ClientError::Kind::Unreachable || r.error().status == 503))
            return cli.fail(r.error());
        if (r && JobStates::isTerminal(r.value().job.state)) {
            if (cli.stderrTty())
                cli.err(QStringLiteral("\r\x1b[K"));
            if (cli.output() == OutputMode::Json || cli.output() == OutputMode::Jsonl)
                cli.printJson(r.value().json);
            else
                cli.out(paint(jobEndLine(r.value()), stateColor(JobStates::name(r.value().job.state)), cli.color())
                    + QLatin1Char('\n'));
            return jobExitCode(r.value());
        }
        if (timeoutS >= 0 && clock.elapsed() >= timeoutS * 1000)
            return cli.failWith(ExitCode::Timeout, QStringLiteral("timeout"),
                QStringLiteral("%1 did not end within %2").arg(id.value(), duration(timeoutS * 1000)));
        if (cli.stderrTty())
            cli.err(QStringLiteral("\r\x1b[Kwaiting for %1 (%2, %3)")
                        .arg(id.value(), r ? JobStates::name(r.value().job.state) : QStringLiteral("server away"),
                            duration(clock.elapsed())));
        QEventLoop loop;
        QObject::connect(&interrupt, &CliInterrupt::interrupted, &loop, &QEventLoop::quit);
        qint64 sleep = pollMs;
        if (timeoutS >= 0)
            sleep = std::min<qint64>(sleep, std::max<qint64>(0, timeoutS * 1000 - clock.elapsed()));
        QTimer::singleShot(int(sleep), &loop, &QEventLoop::quit);
        loop.exec();
        if (interrupt.happened()) {
            cli.err(QStringLiteral("\n%1 keeps running\n").arg(id.value()));
            return ExitCode::Interrupted;
        }
        pollMs = std::min(1000, pollMs * 2);
    }
}

#include "JobFollow.h"

#include "CliInterrupt.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimeZone>
#include <QTimer>

#include <cstdio>

namespace {
void put(FILE *f, const QByteArray &b)
{
    fwrite(b.constData(), 1, size_t(b.size()), f);
}
} // namespace

void LinePrinter::line(const LogLine &l, int attempt) const
{
    if (jsonl) {
        const QJsonObject o {{QStringLiteral("seq"), l.seq}, {QStringLiteral("ts"), l.tsMs},
            {QStringLiteral("stream"), l.streamName()}, {QStringLiteral("text"), l.text},
            {QStringLiteral("attempt"), attempt}};
        put(stdout, QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        return;
    }
    QByteArray b;
    if (timestamps)
        b = QDateTime::fromMSecsSinceEpoch(l.tsMs, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8() + ' ';
    b += l.text.toUtf8();
    b += '\n';
    if (l.stderrStream) {
        fflush(stdout); // keeps the two streams in the job's order on a terminal
        put(stderr, b);
    } else {
        put(stdout, b);
    }
}

void LinePrinter::dropped(qint64 count, int attempt) const
{
    if (jsonl) {
        put(stdout,
            QJsonDocument(QJsonObject {{QStringLiteral("dropped"), count}, {QStringLiteral("attempt"), attempt}})
                    .toJson(QJsonDocument::Compact)
                + '\n');
        return;
    }
    fflush(stdout);
    put(stderr,
        QStringLiteral("-- %1 lines dropped by the log size cap --\n").arg(CliOutput::thousands(count)).toUtf8());
}

void LinePrinter::attemptChanged(int attempt) const
{
    fflush(stdout);
    put(stderr, QStringLiteral("-- attempt %1 --\n").arg(attempt).toUtf8());
}

void LinePrinter::flush()
{
    fflush(stdout);
    fflush(stderr);
}

FollowOutcome followJob(Cli &cli, const QString &jobId, const FollowOptions &options, const LinePrinter &printer)
{
    FollowOutcome outcome;
    JobLogStream follower(&cli.client(), jobId, options);
    CliInterrupt interrupt;
    QEventLoop loop;
    bool flushQueued = false;
    // many lines arrive per read: flush once per event-loop turn, not per line
    auto queueFlush = [&] {
        if (flushQueued)
            return;
        flushQueued = true;
        QTimer::singleShot(0, &follower, [&] {
            flushQueued = false;
            LinePrinter::flush();
        });
    };
    QObject::connect(&follower, &JobLogStream::line, [&](const LogLine &l, int attempt) {
        printer.line(l, attempt);
        queueFlush();
    });
    QObject::connect(&follower, &JobLogStream::dropped, [&](qint64 n, int attempt) { printer.dropped(n, attempt); });
    QObject::connect(
        &follower, &JobLogStream::attemptChanged, [&](int attempt, int) { printer.attemptChanged(attempt); });
    QObject::connect(&follower, &JobLogStream::reconnecting, [&](const ClientError &why, int delayMs) {
        if (cli.stderrTty())
            cli.err(
                QStringLiteral("-- connection lost (%1); reconnecting in %2 ms --\n").arg(why.message).arg(delayMs));
    });
    QObject::connect(&follower, &JobLogStream::ended, [&](const QString &state, int) {
        outcome.end = FollowOutcome::End::JobEnded;
        outcome.state = state;
        loop.quit();
    });
    QObject::connect(&follower, &JobLogStream::failed, [&](const ClientError &e) {
        outcome.end = FollowOutcome::End::Failed;
        outcome.error = e;
        loop.quit();
    });
    QObject::connect(&interrupt, &CliInterrupt::interrupted, [&] {
        outcome.end = FollowOutcome::End::Interrupted;
        follower.stop();
        loop.quit();
    });
    // On a terminal, a job that waits says why (no agent with a free GPU, a label nobody carries, …)
    bool anyLine = false;
    QString lastReason;
    QObject::connect(&follower, &JobLogStream::line, [&] { anyLine = true; });
    QTimer pending;
    QObject::connect(&pending, &QTimer::timeout, [&] {
        if (anyLine) {
            pending.stop();
            return;
        }
        cli.client().job(jobId, [&, alive = QPointer<QTimer>(&pending)](ClientResult<JobView> r) {
            if (!alive || !r || anyLine || r.value().job.state != JobState::Queued)
                return;
            const QString reason = r.value().pendingReason;
            if (!reason.isEmpty() && reason != lastReason) {
                lastReason = reason;
                cli.err(CliOutput::paint(QStringLiteral("-- waiting: %1 --").arg(reason), CliOutput::Color::Yellow,
                            cli.color() && cli.stderrTty())
                    + QLatin1Char('\n'));
            }
        });
    });
    if (cli.stderrTty())
        pending.start(2000);
    follower.start();
    loop.exec();
    LinePrinter::flush();
    return outcome;
}

int jobExitCode(const JobView &v)
{
    const Job &j = v.job;
    switch (j.state) {
    case JobState::Succeeded:
        return 0;
    case JobState::TimedOut:
        return ExitCode::JobTimedOut;
    case JobState::Cancelled:
        return ExitCode::JobCancelled;
    case JobState::Failed:
        if (j.error == QLatin1String("agent_lost"))
            return ExitCode::JobAgentLost;
        if (j.exitCode && *j.exitCode > 0 && *j.exitCode < 256)
            return *j.exitCode;
        return ExitCode::Failure;
    default:
        return ExitCode::Failure;
    }
}

QString jobEndLine(const JobView &v)
{
    const Job &j = v.job;
    QString s = j.id + QLatin1Char(' ') + JobStates::name(j.state);
    if (j.runtimeMs >= 0)
        s += QStringLiteral(" in ") + CliOutput::duration(j.runtimeMs);
    if (j.exitCode)
        s += QStringLiteral(" (exit %1)").arg(*j.exitCode);
    else if (!j.error.isEmpty())
        s += QStringLiteral(" (%1)").arg(j.error);
    return s;
}

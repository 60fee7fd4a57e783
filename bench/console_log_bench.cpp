// The console's log view against a huge log: an embedded control plane and agent run `seq 1 N` (10 million
// lines by default), the log opens in a JobLogPane, then jumps to random positions and scrolls; prints the
// paint time per viewport, the time from a jump to its lines on screen, and the process's memory.
// bench/console_log_bench [--lines N] [--data-dir DIR (kept; a second run reuses its log)] [--jumps N] [--filter]
#include "ClientAwait.h"
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "EmbeddedBackend.h"
#include "JobLogPane.h"
#include "JobState.h"
#include "LogModel.h"
#include "LogView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cstdio>

namespace {

qint64 statusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').first().toLongLong();
    return -1;
}

bool waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!condition()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

void report(const char *name, QList<double> v, const char *unit)
{
    if (v.isEmpty())
        return;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min<qsizetype>(v.size() - 1, qsizetype(q * v.size()))]; };
    std::printf("%s n=%lld p50=%.3f%s p95=%.3f%s p99=%.3f%s max=%.3f%s\n", name, (long long)v.size(), at(0.5), unit,
        at(0.95), unit, at(0.99), unit, v.last(), unit);
}

}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as they are measured
    QCommandLineParser p;
    p.addOption({QStringLiteral("lines"), QStringLiteral("lines the job prints"), QStringLiteral("n"),
        QStringLiteral("10000000")});
    p.addOption({QStringLiteral("data-dir"), QStringLiteral("kept data dir (reused)"), QStringLiteral("dir")});
    p.addOption({QStringLiteral("jumps"), QStringLiteral("random jumps"), QStringLiteral("n"), QStringLiteral("200")});
    p.addOption({QStringLiteral("filter"), QStringLiteral("also time a filter over the whole log")});
    p.addHelpOption();
    p.process(app);
    const qint64 lines = p.value(QStringLiteral("lines")).toLongLong();
    QTemporaryDir temp;
    const QString dataDir = p.isSet(QStringLiteral("data-dir")) ? p.value(QStringLiteral("data-dir")) : temp.path();

    EmbeddedBackend backend;
    EmbeddedOptions o;
    o.dataDir = dataDir;
    o.port = 0;
    o.agentSlots = 2;
    o.logMaxBytes = 8LL << 30; // the whole log is kept
    QString url, ownerKey;
    QObject::connect(&backend, &EmbeddedBackend::ready, [&](const QUrl &u, const QString &key) {
        url = u.toString(QUrl::StripTrailingSlash);
        ownerKey = key;
    });
    backend.start(o);
    if (!waitFor([&] { return !url.isEmpty(); }, 60000)) {
        std::fprintf(stderr, "backend did not start\n");
        return 1;
    }
    ClientConnection c;
    c.server = url;
    c.apiKey = ownerKey;
    ComputeClient setup(c);

    QFile jobFile(dataDir + QStringLiteral("/console-log-bench.job"));
    QString jobId;
    if (jobFile.open(QIODevice::ReadOnly))
        jobId = QString::fromUtf8(jobFile.readAll()).trimmed();
    jobFile.close();
    if (jobId.isEmpty()) {
        QElapsedTimer t;
        t.start();
        // `seq 1 N` in 100 paced parts: the local agent ships about 80,000 lines a second, and a job that
        // prints faster than that for long fills its spool (the agent then drops a run for a marker line)
        const qint64 part = std::max<qint64>(1, lines / 100);
        const QString command
            = QStringLiteral("for i in $(seq 0 %1); do seq $((i*%2+1)) $(( (i+1)*%2 < %3 ? (i+1)*%2 : %3 )); "
                             "sleep %4; done")
                  .arg((lines - 1) / part)
                  .arg(part)
                  .arg(lines)
                  .arg(double(part) / 70000.0, 0, 'f', 2);
        const auto r = awaitResult<SubmittedJob>([&](auto cb) {
            setup.submitJob({{QStringLiteral("command"), command}}, QString(), cb);
        });
        if (!r) {
            std::fprintf(stderr, "submit: %s\n", qPrintable(r.error().describe()));
            return 1;
        }
        jobId = r.value().id;
        const bool done = waitFor(
            [&] {
                QTest::qWait(500);
                const auto j = awaitResult<JobView>([&](auto cb) { setup.job(jobId, cb); });
                return j && JobStates::isTerminal(j.value().job.state);
            },
            3600000);
        std::printf("log_written lines=%lld seconds=%.1f done=%d\n", (long long)lines, t.elapsed() / 1000.0, done);
        if (jobFile.open(QIODevice::WriteOnly))
            jobFile.write(jobId.toUtf8());
        jobFile.close();
    }
    const qint64 rssBefore = statusKb("VmRSS:");

    ConsoleSession session;
    session.connectTo(c, QStringLiteral("bench"));
    waitFor([&] { return session.state() == ConsoleSession::State::Connected; }, 30000);
    JobLogPane pane(&session);
    pane.resize(1200, 800);
    pane.show();
    LogView *v = pane.view();
    QElapsedTimer open;
    open.start();
    pane.showJob(jobId);
    if (!waitFor([&] { return v->rowCount() > 0 && v->isRowLoaded(v->rowCount() - 1); }, 60000)) {
        std::fprintf(stderr, "the log did not open\n");
        return 1;
    }
    std::printf("opened rows=%lld ms_to_last_line=%lld intact=%d\n", (long long)v->rowCount(),
        (long long)open.elapsed(),
        int(v->rowCount() == lines && v->rowText(v->rowCount() - 1) == QString::number(lines)));

    QList<double> paintMs, jumpMs, scrollPaintMs;
    auto paint = [&] {
        v->viewport()->repaint();
        return v->lastPaintNs() / 1e6;
    };
    auto *rng = QRandomGenerator::global();
    const int jumps = p.value(QStringLiteral("jumps")).toInt();
    for (int i = 0; i < jumps; ++i) {
        const qint64 row = rng->bounded(v->rowCount());
        QElapsedTimer t;
        t.start();
        v->scrollToRow(row);
        const qint64 top = v->topRow();
        v->viewport()->repaint(); // paints placeholders and asks for the range
        waitFor([&] { return v->isRowLoaded(top) && v->isRowLoaded(top + v->visibleRowCount() - 1); }, 30000);
        paintMs << paint();
        jumpMs << t.nsecsElapsed() / 1e6;
        if (!v->rowIsGap(top) && v->rowText(top) != QString::number(v->rowKey(top))) {
            std::fprintf(stderr, "wrong line at %lld: %s\n", (long long)top, qPrintable(v->rowText(top)));
            return 1;
        }
        // then the user scrolls from there: line by line and by pages, as a wheel and PageDown do
        for (int s = 0; s < 20; ++s) {
            v->verticalScrollBar()->triggerAction(
                s % 4 == 3 ? QAbstractSlider::SliderPageStepAdd : QAbstractSlider::SliderSingleStepAdd);
            QCoreApplication::processEvents();
            scrollPaintMs << paint();
        }
    }
    report("paint_after_jump_ms", paintMs, "");
    report("scroll_paint_ms", scrollPaintMs, "");
    report("jump_to_lines_on_screen_ms", jumpMs, "");
    LogModel *m = pane.model();
    std::printf("cache chunks=%d bytes=%lld fetches=%lld\n", m->cachedChunks(), (long long)m->cachedBytes(),
        (long long)m->fetchCount());
    const qint64 rss = statusKb("VmRSS:");
    std::printf("rss_kb before_view=%lld with_view=%lld delta=%lld peak=%lld (the process holds the embedded "
                "control plane and agent too)\n",
        (long long)rssBefore, (long long)rss, (long long)(rss - rssBefore), (long long)statusKb("VmHWM:"));

    if (p.isSet(QStringLiteral("filter"))) {
        QElapsedTimer t;
        t.start();
        v->setFilter(QStringLiteral("^12345"));
        // the scan runs on the GUI thread a slice at a time: the longest turn is how long the window stalls
        QList<double> turns;
        QDeadlineTimer deadline(3600000);
        while (!v->filterCaughtUp() && !deadline.hasExpired()) {
            QElapsedTimer turn;
            turn.start();
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            turns << turn.nsecsElapsed() / 1e6;
        }
        report("event_loop_turn_while_filtering_ms", turns, "");
        std::printf("filter_whole_log matches=%lld seconds=%.1f rss_kb=%lld\n", (long long)v->rowCount(),
            t.elapsed() / 1000.0, (long long)statusKb("VmRSS:"));
    }
    pane.showJob(QString());
    backend.stop();
    return 0;
}

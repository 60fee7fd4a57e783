// Frame times of the console's Jobs table with many jobs: a control plane in this process (its own thread, no
// agent, rate limits lifted) is filled through the API, then the real JobsPage scrolls its table to the end,
// fetching pages as it goes, and then takes a burst of live job.created events. One figure a line.
// Usage: QT_QPA_PLATFORM=offscreen console_jobs_bench [jobs=100000] [burst=2000]
#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "ControlPlane.h"
#include "JobsModel.h"
#include "JobsPage.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {
double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p / 100.0 * double(v.size())))];
}

void printFrames(const char *what, const std::vector<double> &ms)
{
    std::printf(
        "%s_frames %zu\n%s_frame_ms_p50 %.2f\n%s_frame_ms_p95 %.2f\n%s_frame_ms_p99 %.2f\n%s_frame_ms_max %.2f\n", what,
        ms.size(), what, percentile(ms, 50), what, percentile(ms, 95), what, percentile(ms, 99), what,
        percentile(ms, 100));
}

qint64 rssKib()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// Submits `count` jobs with `parallel` in flight; each carries an idempotency key so the client may retry it.
bool fill(ComputeClient &client, int count, int parallel, const QString &tag)
{
    int sent = 0, done = 0, failed = 0;
    std::function<void()> next = [&] {
        if (sent >= count)
            return;
        const int i = sent++;
        const QJsonObject body {{QStringLiteral("command"), QStringLiteral("echo %1 %2").arg(tag).arg(i)},
            {QStringLiteral("labels"), QJsonObject {{QStringLiteral("bench"), tag}}}};
        client.submitJob(body, QUuid::createUuid().toString(QUuid::WithoutBraces), [&](ClientResult<SubmittedJob> r) {
            ++done;
            if (!r && ++failed < 5)
                std::fprintf(stderr, "submit failed: %s\n", qPrintable(r.error().describe()));
            next();
        });
    };
    for (int k = 0; k < parallel; ++k)
        next();
    while (done < count)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return failed == 0;
}
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    QCoreApplication::setOrganizationName(QStringLiteral("Tanvrit"));
    QCoreApplication::setApplicationName(QStringLiteral("console-jobs-bench"));
    const int jobs = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int burst = argc > 2 ? std::atoi(argv[2]) : 2000;
    QTemporaryDir data, config;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, config.path());

    // the control plane on its own thread, as the console embeds it
    QThread planeThread;
    QObject host;
    host.moveToThread(&planeThread);
    planeThread.start();
    ControlPlane *plane = nullptr;
    QString error;
    QMetaObject::invokeMethod(
        &host,
        [&] {
            ControlPlaneConfig cfg;
            cfg.dataDir = data.path();
            cfg.port = 0;
            cfg.identity.limits.userPerMinute = 1e9;
            cfg.identity.limits.userPerHour = 1e9;
            cfg.identity.limits.plans.clear();
            plane = new ControlPlane;
            if (!plane->start(cfg, &error)) {
                delete plane;
                plane = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);
    if (!plane) {
        std::fprintf(stderr, "control plane: %s\n", qPrintable(error));
        return 1;
    }
    QFile keyFile(plane->adminKeyPath());
    keyFile.open(QIODevice::ReadOnly);
    ClientConnection conn;
    conn.server = plane->url().toString(QUrl::StripTrailingSlash);
    conn.apiKey = QString::fromUtf8(keyFile.readAll()).trimmed();

    ComputeClient filler(conn);
    QElapsedTimer clock;
    clock.start();
    if (!fill(filler, jobs, 64, QStringLiteral("fill")))
        std::fprintf(stderr, "some submits failed\n");
    std::printf("jobs %d\nfill_seconds %.1f\nfill_jobs_per_second %.0f\n", jobs, clock.elapsed() / 1000.0,
        jobs / (clock.elapsed() / 1000.0));
    const qint64 rssBefore = rssKib();

    ConsoleSession session;
    session.connectTo(conn, QStringLiteral("bench"));
    JobsPage page(&session);
    page.resize(1400, 900);
    page.show();
    QTableView *table = page.table();
    JobsModel *model = page.model();
    clock.restart();
    while (model->rowCount() == 0 && clock.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    std::printf("first_page_ms %lld\n", clock.elapsed());

    // scroll to the end a viewport at a time; at the bottom the view asks the model for the next page
    QScrollBar *bar = table->verticalScrollBar();
    std::vector<double> frames, fetchWaits, pageMs;
    QElapsedTimer total;
    total.start();
    for (;;) {
        QElapsedTimer t;
        t.start();
        bar->setValue(std::min(bar->value() + bar->pageStep(), bar->maximum()));
        table->viewport()->grab(); // one whole repaint of what is on screen
        frames.push_back(t.nsecsElapsed() / 1e6);
        if (bar->value() < bar->maximum())
            continue;
        if (!model->loading() && !model->canFetchMore({}))
            break;
        const int rows = model->rowCount();
        if (!model->loading())
            model->fetchMore({}); // what the view does when its scroll bar reaches the end
        QElapsedTimer wait;
        wait.start();
        while (model->rowCount() == rows && model->loading())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        fetchWaits.push_back(wait.nsecsElapsed() / 1e6);
        pageMs.push_back(double(model->lastPageMs()));
        if (model->pagesFetched() % 20 == 0)
            std::fprintf(stderr, "rows %d frames %zu\n", model->rowCount(), frames.size());
    }
    const double scrollSeconds = total.elapsed() / 1000.0;
    std::printf("rows_loaded %d\npages_fetched %d\nscroll_to_end_seconds %.1f\n", model->rowCount(),
        model->pagesFetched(), scrollSeconds);
    printFrames("scroll", frames);
    std::printf("page_fetch_ms_p50 %.1f\npage_fetch_ms_p95 %.1f\npage_fetch_ms_max %.1f\n", percentile(pageMs, 50),
        percentile(pageMs, 95), percentile(pageMs, 100));
    std::printf(
        "bottom_wait_ms_p50 %.1f\nbottom_wait_ms_max %.1f\n", percentile(fetchWaits, 50), percentile(fetchWaits, 100));
    std::printf("rss_kib_before_view %lld\nrss_kib_after_scroll %lld\n", rssBefore, rssKib());

    // a burst of live jobs while the view repaints: job.created events batched per event-loop turn
    bar->setValue(0);
    std::vector<double> liveFrames;
    const int target = model->rowCount() + burst;
    ComputeClient burster(conn);
    int sent = 0, done = 0;
    std::function<void()> next = [&] {
        if (sent >= burst)
            return;
        ++sent;
        burster.submitJob(
            {{QStringLiteral("command"), QStringLiteral("echo live")}}, QString(), [&](ClientResult<SubmittedJob>) {
                ++done;
                next();
            });
    };
    clock.restart();
    for (int k = 0; k < 32; ++k)
        next();
    while ((model->rowCount() < target || done < burst) && clock.elapsed() < 120000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        QElapsedTimer t;
        t.start();
        table->viewport()->grab();
        liveFrames.push_back(t.nsecsElapsed() / 1e6);
    }
    std::printf("live_burst_jobs %d\nlive_burst_seconds %.1f\nrows_after_burst %d\n", burst, clock.elapsed() / 1000.0,
        model->rowCount());
    printFrames("live", liveFrames);
    std::fflush(stdout);

    QMetaObject::invokeMethod(
        &host,
        [&] {
            plane->shutdown(2000, [&] {
                delete plane;
                planeThread.quit();
            });
        },
        Qt::QueuedConnection);
    planeThread.wait(10000);
    return 0;
}

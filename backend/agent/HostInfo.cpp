// /proc readers and the asynchronous GPU detection the agent's heartbeat uses.
#include "HostInfo.h"
#include "GpuInventory.h"

#include <QFile>
#include <QFutureWatcher>
#include <QPromise>
#include <QThreadPool>

#include <memory>

double HostInfo::memGib(const char *field)
{
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(prefix)) {
            const QList<QByteArray> parts = line.mid(prefix.size()).simplified().split(' ');
            return parts.value(0).toDouble() / (1024.0 * 1024.0); // kB -> GiB
        }
    }
    return 0;
}

double HostInfo::loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readAll().split(' ').value(0).toDouble();
}

void HostInfo::detectGpusAsync(QObject *context, std::function<void(const QList<GpuDevice> &)> done)
{
    auto promise = std::make_shared<QPromise<QList<GpuDevice>>>();
    auto *watcher = new QFutureWatcher<QList<GpuDevice>>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done = std::move(done)] {
        watcher->deleteLater();
        const QFuture<QList<GpuDevice>> f = watcher->future();
        done(f.resultCount() > 0 ? f.result() : QList<GpuDevice>());
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise] {
        promise->addResult(GpuInventory::detect());
        promise->finish();
    });
}

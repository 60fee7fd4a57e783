// Hands out whole GPUs to jobs on one agent: exactly N devices per job, never one device to two jobs.
#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

// Not thread-safe: owned and used by the agent's thread.
class GpuAllocator
{
public:
    explicit GpuAllocator(QList<int> deviceIndexes);

    // The job's devices: its existing ones if it already holds some, [] for count 0,
    // nullopt if fewer than count devices are free (or count < 0).
    std::optional<QList<int>> allocate(const QString &jobId, int count);
    void release(const QString &jobId);   // no-op for an unknown job
    int freeCount() const;
    QList<int> devicesOf(const QString &jobId) const;   // [] if none
    QString ownerOf(int deviceIndex) const;             // the job key holding it, or empty

    // CUDA_VISIBLE_DEVICES value for the given indexes: {0, 2} -> "0,2".
    static QString cudaVisibleDevices(const QList<int> &idx);

private:
    QList<int> m_devices;               // all, in the order given, without duplicates
    QHash<int, QString> m_owner;        // device index -> job holding it
    QHash<QString, QList<int>> m_byJob;
};

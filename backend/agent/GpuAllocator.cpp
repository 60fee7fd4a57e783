// Whole-GPU allocation for the jobs running on one agent.
#include "GpuAllocator.h"

#include <QStringList>

GpuAllocator::GpuAllocator(QList<int> deviceIndexes)
{
    for (int idx : std::as_const(deviceIndexes)) {
        if (!m_devices.contains(idx))
            m_devices.append(idx);
    }
}

std::optional<QList<int>> GpuAllocator::allocate(const QString &jobId, int count)
{
    if (const auto it = m_byJob.constFind(jobId); it != m_byJob.cend())
        return *it;
    if (count < 0)
        return std::nullopt;
    if (count == 0)
        return QList<int>();
    if (freeCount() < count)
        return std::nullopt;
    QList<int> picked;
    for (int idx : std::as_const(m_devices)) {
        if (m_owner.contains(idx))
            continue;
        picked.append(idx);
        if (picked.size() == count)
            break;
    }
    for (int idx : std::as_const(picked))
        m_owner.insert(idx, jobId);
    m_byJob.insert(jobId, picked);
    return picked;
}

void GpuAllocator::release(const QString &jobId)
{
    const QList<int> held = m_byJob.take(jobId);
    for (int idx : held)
        m_owner.remove(idx);
}

int GpuAllocator::freeCount() const
{
    return int(m_devices.size() - m_owner.size());
}

QList<int> GpuAllocator::devicesOf(const QString &jobId) const
{
    return m_byJob.value(jobId);
}

QString GpuAllocator::ownerOf(int deviceIndex) const
{
    return m_owner.value(deviceIndex);
}

QString GpuAllocator::cudaVisibleDevices(const QList<int> &idx)
{
    QStringList parts;
    parts.reserve(idx.size());
    for (int i : idx)
        parts.append(QString::number(i));
    return parts.join(u',');
}

// Finds the machine's NVIDIA GPUs: NVML loaded at run time, else nvidia-smi's CSV; none -> empty.
#pragma once

#include "Agent.h"

#include <QByteArray>
#include <QList>

namespace GpuInventory {
// Never fails: a machine without NVIDIA drivers or GPUs yields an empty list.
QList<GpuDevice> detect();
// Parses `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu
// --format=csv,noheader,nounits`; "[N/A]"-style fields read as 0, malformed lines are skipped.
QList<GpuDevice> parseNvidiaSmiCsv(const QByteArray &csv);
}

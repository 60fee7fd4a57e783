// What the agent reports about its machine: memory and load from /proc, and GPU detection run off the
// event loop (NVML or nvidia-smi may take a while).
#pragma once

#include "Agent.h"

#include <QList>

#include <functional>

class QObject;

namespace HostInfo {
double memGib(const char *meminfoField); // "MemTotal", "MemAvailable"; 0 when unknown
double loadAverage(); // 1-minute load average; 0 when unknown
// GpuInventory::detect() on the global thread pool; done runs on context's thread (not once it is gone).
void detectGpusAsync(QObject *context, std::function<void(const QList<GpuDevice> &)> done);
}

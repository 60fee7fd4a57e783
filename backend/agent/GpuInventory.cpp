// GPU discovery: NVML through dlopen (no build-time dependency on the driver), nvidia-smi as fallback.
#include "GpuInventory.h"

#include <QProcess>
#include <QStandardPaths>

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace {

// The few NVML declarations we need (nvml.h is not installed on build machines).
using nvmlReturn_t = int;
constexpr nvmlReturn_t kNvmlSuccess = 0;
struct nvmlDevice_st;
using nvmlDevice_t = nvmlDevice_st *;
struct nvmlMemory_t
{
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
struct nvmlUtilization_t
{
    unsigned int gpu;
    unsigned int memory;
};
constexpr unsigned kNameBufferSize = 96;   // NVML_DEVICE_NAME_V2_BUFFER_SIZE
constexpr unsigned kUuidBufferSize = 96;   // >= NVML_DEVICE_UUID_V2_BUFFER_SIZE (80)
constexpr int kNvidiaSmiTimeoutMs = 5000;

class NvmlLibrary
{
public:
    NvmlLibrary() : m_handle(::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL)) { }
    ~NvmlLibrary()
    {
        if (m_handle)
            ::dlclose(m_handle);
    }
    NvmlLibrary(const NvmlLibrary &) = delete;
    NvmlLibrary &operator=(const NvmlLibrary &) = delete;

    bool isLoaded() const { return m_handle != nullptr; }

    template<typename Fn>
    Fn resolve(const char *name) const
    {
        return reinterpret_cast<Fn>(::dlsym(m_handle, name));
    }

private:
    void *m_handle;
};

// nullopt when NVML is missing or unusable, so the caller may try nvidia-smi.
std::optional<QList<GpuDevice>> detectWithNvml()
{
    NvmlLibrary lib;
    if (!lib.isLoaded())
        return std::nullopt;

    const auto init = lib.resolve<nvmlReturn_t (*)()>("nvmlInit_v2");
    const auto shutdown = lib.resolve<nvmlReturn_t (*)()>("nvmlShutdown");
    const auto getCount = lib.resolve<nvmlReturn_t (*)(unsigned *)>("nvmlDeviceGetCount_v2");
    const auto getHandle = lib.resolve<nvmlReturn_t (*)(unsigned, nvmlDevice_t *)>("nvmlDeviceGetHandleByIndex_v2");
    const auto getName = lib.resolve<nvmlReturn_t (*)(nvmlDevice_t, char *, unsigned)>("nvmlDeviceGetName");
    const auto getUuid = lib.resolve<nvmlReturn_t (*)(nvmlDevice_t, char *, unsigned)>("nvmlDeviceGetUUID");
    const auto getMemory = lib.resolve<nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_t *)>("nvmlDeviceGetMemoryInfo");
    const auto getUtilization =
        lib.resolve<nvmlReturn_t (*)(nvmlDevice_t, nvmlUtilization_t *)>("nvmlDeviceGetUtilizationRates");
    if (!init || !shutdown || !getCount || !getHandle || !getName || !getUuid || !getMemory || !getUtilization)
        return std::nullopt;
    if (init() != kNvmlSuccess)
        return std::nullopt;

    QList<GpuDevice> devices;
    unsigned count = 0;
    if (getCount(&count) != kNvmlSuccess) {
        shutdown();
        return std::nullopt;
    }
    for (unsigned i = 0; i < count; ++i) {
        nvmlDevice_t device = nullptr;
        if (getHandle(i, &device) != kNvmlSuccess)
            continue;   // e.g. a GPU the user may not access
        GpuDevice gpu;
        gpu.index = int(i);
        char name[kNameBufferSize] = {};
        if (getName(device, name, kNameBufferSize) == kNvmlSuccess)
            gpu.model = QString::fromUtf8(name);
        char uuid[kUuidBufferSize] = {};
        if (getUuid(device, uuid, kUuidBufferSize) == kNvmlSuccess)
            gpu.uuid = QString::fromUtf8(uuid);
        nvmlMemory_t memory {};
        if (getMemory(device, &memory) == kNvmlSuccess) {
            gpu.memoryTotalMiB = qint64(memory.total / (1024 * 1024));
            gpu.memoryUsedMiB = qint64(memory.used / (1024 * 1024));
        }
        nvmlUtilization_t utilization {};
        if (getUtilization(device, &utilization) == kNvmlSuccess)
            gpu.utilizationPercent = int(qMin(utilization.gpu, 100u));
        devices.append(gpu);
    }
    shutdown();
    return devices;
}

QList<GpuDevice> detectWithNvidiaSmi()
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("nvidia-smi"));
    if (program.isEmpty())
        return {};
    QProcess smi;
    smi.setProcessChannelMode(QProcess::SeparateChannels);
    smi.start(program, {QStringLiteral("--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu"),
                        QStringLiteral("--format=csv,noheader,nounits")});
    if (!smi.waitForStarted(kNvidiaSmiTimeoutMs))
        return {};
    if (!smi.waitForFinished(kNvidiaSmiTimeoutMs)) {
        smi.kill();
        smi.waitForFinished(1000);
        return {};
    }
    if (smi.exitStatus() != QProcess::NormalExit || smi.exitCode() != 0)
        return {};
    return GpuInventory::parseNvidiaSmiCsv(smi.readAllStandardOutput());
}

// A numeric field: "[N/A]", "[Not Supported]", "N/A" and empty read as 0; anything else
// that is not a number makes the line malformed.
std::optional<qint64> numericField(const QByteArray &field)
{
    const QByteArray f = field.trimmed();
    if (f.isEmpty() || f.startsWith('[') || f.compare("N/A", Qt::CaseInsensitive) == 0)
        return 0;
    bool ok = false;
    const qint64 integer = f.toLongLong(&ok);
    if (ok)
        return integer;
    const double real = f.toDouble(&ok);
    if (ok && std::isfinite(real))
        return qint64(std::llround(real));
    return std::nullopt;
}

} // namespace

QList<GpuDevice> GpuInventory::parseNvidiaSmiCsv(const QByteArray &csv)
{
    QList<GpuDevice> devices;
    for (const QByteArray &rawLine : csv.split('\n')) {
        const QByteArray line = rawLine.trimmed();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> fields = line.split(',');
        if (fields.size() < 6)
            continue;
        bool ok = false;
        const int index = fields.first().trimmed().toInt(&ok);
        if (!ok || index < 0)
            continue;
        // A model name containing commas spans several fields; the last three are numbers.
        const qsizetype n = fields.size();
        const auto total = numericField(fields[n - 3]);
        const auto used = numericField(fields[n - 2]);
        const auto utilization = numericField(fields[n - 1]);
        if (!total || !used || !utilization)
            continue;
        QByteArrayList nameParts = fields.mid(2, n - 5);
        GpuDevice gpu;
        gpu.index = index;
        gpu.uuid = QString::fromUtf8(fields[1].trimmed());
        gpu.model = QString::fromUtf8(nameParts.join(',').trimmed());
        gpu.memoryTotalMiB = qMax<qint64>(0, *total);
        gpu.memoryUsedMiB = qMax<qint64>(0, *used);
        gpu.utilizationPercent = int(std::clamp<qint64>(*utilization, 0, 100));
        devices.append(gpu);
    }
    return devices;
}

QList<GpuDevice> GpuInventory::detect()
{
    if (auto nvml = detectWithNvml())
        return *nvml;
    return detectWithNvidiaSmi();
}

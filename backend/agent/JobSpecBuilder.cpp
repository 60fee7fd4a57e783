// Assignment JSON -> JobProcess::Spec. Secrets stay off argv: a container gets its environment by name
// (`-e NAME`), the values travel in the engine's own environment.
#include "JobSpecBuilder.h"
#include "JobSandbox.h"
#include "GpuAllocator.h"

#include <QDir>
#include <QJsonArray>

#include <algorithm>

const QString JobSpecBuilder::kCommand = QStringLiteral("COMMAND");
const QString JobSpecBuilder::kContainer = QStringLiteral("CONTAINER");

JobSpecBuilder::JobSpecBuilder(QString workRoot, int graceMs)
    : m_workRoot(std::move(workRoot))
    , m_graceMs(graceMs)
{
}

bool JobSpecBuilder::build(
    const QJsonObject &a, const QString &type, const QList<int> &devices, JobProcess::Spec &spec, QString *error) const
{
    spec.jobId = a.value(QStringLiteral("jobId")).toString();
    spec.attempt = a.value(QStringLiteral("attempt")).toInt(1);
    spec.workRoot = m_workRoot;
    const QJsonObject resources = a.value(QStringLiteral("resources")).toObject();
    if (m_sandbox) // jobs directory, user, cgroup and limits; a container engine's client runs as the agent
        m_sandbox->apply(spec, resources, type == kContainer);
    spec.graceMs = m_graceMs;
    spec.timeoutSeconds = qMax(0, a.value(QStringLiteral("timeoutSeconds")).toInt());
    const QJsonObject env = a.value(QStringLiteral("env")).toObject();
    for (auto it = env.begin(); it != env.end(); ++it)
        spec.env.insert(it.key(), it->isString() ? it->toString() : it->toVariant().toString());
    for (const QJsonValue &v : a.value(QStringLiteral("redact")).toArray()) {
        if (!v.toString().isEmpty())
            spec.redact.append(v.toString());
    }
    const QString wd = a.value(QStringLiteral("workingDir")).toString();
    if (!wd.isEmpty())
        spec.workingDir = QDir(spec.workRoot).absoluteFilePath(wd); // relative: under jobs/

    if (type == kContainer)
        return buildContainer(a, devices, spec, error);

    const QString command = a.value(QStringLiteral("command")).toString();
    QStringList argv;
    for (const QJsonValue &v : a.value(QStringLiteral("argv")).toArray())
        argv.append(v.toString());
    if (command.isEmpty() && (argv.isEmpty() || argv.first().isEmpty())) {
        *error = tr("nothing to run: neither command nor argv");
        return false;
    }
    spec.command = command;
    spec.argv = argv;
    // A job sees exactly the GPUs it was given; one that asked for none sees none. The indexes are
    // NVML's, which count in PCI bus order; CUDA's default order is fastest first, so say which.
    if (m_hasGpus)
        spec.env.insert(QStringLiteral("CUDA_DEVICE_ORDER"), QStringLiteral("PCI_BUS_ID"));
    if (!devices.isEmpty())
        spec.env.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), GpuAllocator::cudaVisibleDevices(devices));
    else if (m_hasGpus && !spec.env.contains(QStringLiteral("CUDA_VISIBLE_DEVICES")))
        spec.env.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), QString());
    return true;
}

bool JobSpecBuilder::buildContainer(
    const QJsonObject &a, const QList<int> &devices, JobProcess::Spec &spec, QString *error) const
{
    const QString image = a.value(QStringLiteral("image")).toString();
    if (image.isEmpty()) {
        *error = tr("CONTAINER job without an image");
        return false;
    }
    // An image that starts with '-' would be read by the engine as an option (--privileged, -v /:/host).
    const bool blank = std::any_of(
        image.cbegin(), image.cend(), [](QChar c) { return c.isSpace() || c.category() == QChar::Other_Control; });
    if (image.startsWith(QLatin1Char('-')) || blank) {
        *error = tr("the image \"%1\" is not an image reference (it starts with '-' or holds blanks)")
                     .arg(image.left(200));
        return false;
    }
    if (m_containerEngine.isEmpty()) {
        *error = tr("no container engine (podman or docker) answers on this agent");
        return false;
    }
    // Named, so a stop reaches the container itself and not only the engine's client process.
    const QString name = QStringLiteral("tanvrit-%1-%2").arg(spec.jobId).arg(spec.attempt);
    spec.argv = {m_containerEngine, QStringLiteral("run"), QStringLiteral("--rm"), QStringLiteral("--name"), name,
        QStringLiteral("--label"), QStringLiteral("tanvrit.job=%1/%2").arg(spec.jobId).arg(spec.attempt)};
    spec.stopArgv = {m_containerEngine, QStringLiteral("stop"), QStringLiteral("-t"),
        QString::number(std::max(1, spec.graceMs / 1000)), name};
    spec.killArgv = {m_containerEngine, QStringLiteral("rm"), QStringLiteral("-f"), name};
    // `-e NAME` takes the value from the engine's own environment (spec.env): values stay off argv/ps.
    for (auto it = spec.env.cbegin(); it != spec.env.cend(); ++it)
        spec.argv << QStringLiteral("-e") << it.key();
    if (!devices.isEmpty()) {
        if (m_containerEngine == QLatin1String("docker")) {
            spec.argv << QStringLiteral("--gpus")
                      << QStringLiteral("\"device=%1\"").arg(GpuAllocator::cudaVisibleDevices(devices));
        } else {
            for (int d : devices)
                spec.argv << QStringLiteral("--device") << QStringLiteral("nvidia.com/gpu=%1").arg(d);
        }
    }
    if (m_sandbox) // the container is not in our cgroup: the engine enforces the same limits
        spec.argv << m_sandbox->containerLimitArgs(a.value(QStringLiteral("resources")).toObject());
    spec.argv << QStringLiteral("--") << image; // the end of the engine's options, whatever the image is
    const QString command = a.value(QStringLiteral("command")).toString();
    QStringList cmd;
    for (const QJsonValue &v : a.value(QStringLiteral("cmd")).toArray())
        cmd.append(v.toString());
    if (cmd.isEmpty() && !command.isEmpty())
        cmd = {QStringLiteral("/bin/sh"), QStringLiteral("-c"), command};
    else if (cmd.isEmpty()) {
        for (const QJsonValue &v : a.value(QStringLiteral("argv")).toArray())
            cmd.append(v.toString());
    }
    spec.argv << cmd;
    return true;
}

// Finds a container engine that answers (podman, then docker), each asked asynchronously with a timeout.
// A client binary on PATH is not enough: a docker client without a daemon cannot run anything.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

class QProcess;

class ContainerProbe : public QObject
{
    Q_OBJECT

public:
    explicit ContainerProbe(QObject *parent = nullptr);
    ~ContainerProbe() override;

    // Probes the engines in order; finished() once, with the first that answered or an empty name.
    void start(int timeoutMs = 10000, QStringList engines = {QStringLiteral("podman"), QStringLiteral("docker")});

Q_SIGNALS:
    void finished(const QString &engine, const QString &detail);

private:
    void tryNext();
    void done(const QString &engine);

    QStringList m_engines;
    QStringList m_notes; // why each engine was passed over, for the start-up line
    int m_timeoutMs = 10000;
    QProcess *m_process = nullptr;
    bool m_finished = false;
};

// `podman info` and `docker version --format {{.Server.Version}}` exit 0 only when the engine can run
// containers (podman's storage and runtime are usable; docker's daemon answered). `docker info` would do
// too but scans the client's plugins first (up to a second here). Output is discarded; the exit status counts.
#include "ContainerProbe.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

ContainerProbe::ContainerProbe(QObject *parent)
    : QObject(parent)
{
}

ContainerProbe::~ContainerProbe()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000);
    }
}

void ContainerProbe::start(int timeoutMs, QStringList engines)
{
    m_engines = std::move(engines);
    m_timeoutMs = timeoutMs;
    m_finished = false;
    m_notes.clear();
    tryNext();
}

void ContainerProbe::tryNext()
{
    while (!m_engines.isEmpty()) {
        const QString engine = m_engines.takeFirst();
        const QString path = QStandardPaths::findExecutable(engine);
        if (path.isEmpty())
            continue;
        auto *p = new QProcess(this);
        m_process = p;
        p->setProgram(path);
        p->setArguments(engine == QLatin1String("docker") ? QStringList {QStringLiteral("version"),
                            QStringLiteral("--format"), QStringLiteral("{{.Server.Version}}")}
                                                          : QStringList {QStringLiteral("info")});
        p->setStandardInputFile(QProcess::nullDevice());
        p->setStandardOutputFile(QProcess::nullDevice());
        p->setStandardErrorFile(QProcess::nullDevice());
        auto *timer = new QTimer(p);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, p, [this, p, engine] {
            m_notes << QStringLiteral("%1: no answer within %2 ms").arg(engine).arg(m_timeoutMs);
            p->disconnect(this);
            p->kill();
            p->waitForFinished(1000);
            p->deleteLater();
            m_process = nullptr;
            tryNext();
        });
        connect(p, &QProcess::finished, this, [this, p, engine](int code, QProcess::ExitStatus status) {
            p->deleteLater();
            m_process = nullptr;
            if (status == QProcess::NormalExit && code == 0)
                return done(engine);
            m_notes << QStringLiteral("%1 does not answer (exit %2)").arg(engine).arg(code);
            tryNext();
        });
        connect(p, &QProcess::errorOccurred, this, [this, p, engine](QProcess::ProcessError e) {
            if (e != QProcess::FailedToStart)
                return;
            p->deleteLater();
            m_process = nullptr;
            m_notes << QStringLiteral("%1: %2").arg(engine, p->errorString());
            tryNext();
        });
        timer->start(m_timeoutMs);
        p->start();
        return;
    }
    done(QString());
}

void ContainerProbe::done(const QString &engine)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished(engine, m_notes.join(QStringLiteral("; ")));
}

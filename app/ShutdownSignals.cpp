// Blocking the signals before any thread starts makes the signalfd the only place they arrive.
#include "ShutdownSignals.h"

#include <csignal>
#include <sys/signalfd.h>
#include <unistd.h>

ShutdownSignals::ShutdownSignals(QObject *parent) : QObject(parent)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    signal(SIGPIPE, SIG_IGN);
    m_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m_fd < 0)
        return;
    m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, [this] {
        signalfd_siginfo info;
        while (read(m_fd, &info, sizeof info) == sizeof info) {}
        m_notifier->setEnabled(false);
        Q_EMIT requested();
    });
}

ShutdownSignals::~ShutdownSignals()
{
    m_notifier.reset();
    if (m_fd >= 0)
        close(m_fd);
}

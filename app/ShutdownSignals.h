// SIGTERM/SIGINT delivered on the event loop (through a signalfd), once, as a Qt signal.
#pragma once

#include <QObject>
#include <QSocketNotifier>
#include <memory>

class ShutdownSignals : public QObject
{
    Q_OBJECT
public:
    // Blocks SIGTERM and SIGINT in this and every later thread (call before starting threads) and
    // ignores SIGPIPE.
    explicit ShutdownSignals(QObject *parent = nullptr);
    ~ShutdownSignals() override;

Q_SIGNALS:
    void requested();

private:
    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

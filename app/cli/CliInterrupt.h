// Ctrl-C while a command follows or waits: SIGINT (and SIGTERM) become a Qt signal on the event loop, so the
// command can decide (leave the job running, or cancel it) and exit 130 instead of dying mid-write.
#pragma once

#include <QObject>

class QSocketNotifier;

class CliInterrupt : public QObject
{
    Q_OBJECT
public:
    explicit CliInterrupt(QObject *parent = nullptr);
    ~CliInterrupt() override;
    bool happened() const { return m_happened; }

signals:
    void interrupted();

private:
    QSocketNotifier *m_notifier = nullptr;
    bool m_happened = false;
};

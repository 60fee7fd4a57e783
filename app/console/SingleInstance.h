// One console per user and data directory: a second launch asks the first to come forward and exits,
// instead of starting a second control plane on the same data.
#pragma once

#include <QObject>

class QLocalServer;

class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(const QString &key, QObject *parent = nullptr);
    // True when this process is the first: it listens from now on. False when another one answered
    // (it was asked to come forward).
    bool claim();
    QString serverName() const { return m_name; }

signals:
    void raiseRequested();

private:
    QString m_name;
    QLocalServer *m_server = nullptr;
};

// Saves a job attempt's whole log to a file: pages of lines streamed from the server one after the other and
// written as they come (QSaveFile: the file appears complete or not at all), never the whole log in memory.
#pragma once

#include <QObject>
#include <QPointer>
#include <QSaveFile>
#include <memory>

class ComputeClient;
struct LogPage;

class LogSaver : public QObject
{
    Q_OBJECT
public:
    static constexpr int PageLines = 20000;

    LogSaver(ComputeClient *client, const QString &jobId, int attempt, const QString &path, QObject *parent = nullptr);
    ~LogSaver() override;
    void start();
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void progress(qint64 lines, qint64 total);
    void finished(bool ok, const QString &error);

private:
    void next();
    void fail(const QString &error);

    ComputeClient *m_client;
    QString m_jobId;
    int m_attempt;
    QString m_path;
    std::unique_ptr<QSaveFile> m_file;
    qint64 m_since = 0;
    qint64 m_lastSeq = 0;
    qint64 m_written = 0;
    bool m_running = false;
    bool m_first = true;
};

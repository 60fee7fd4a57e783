// The agent's outbox on disk: when a job ends, its result and the log lines the control plane has not
// acknowledged yet are appended to <work-dir>/outbox.spool (JSON lines; later acknowledgements too), so an
// agent killed between a job's end and its report still reports it after a restart, and the job does not
// run twice. A running job's lines are not written: if the agent dies, the job dies with it.
#pragma once

#include "LogLine.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

class AgentSpool
{
public:
    // One attempt as an earlier agent process left it.
    struct Entry
    {
        QString jobId;
        int attempt = 1;
        qint64 pid = 0;
        bool begun = false; // it ran here (else only a result was owed: the job never started)
        QList<LogLine> lines; // not acknowledged by the server, in seq order
        qint64 nextSeq = 1;
        std::optional<QJsonObject> result;
    };
    struct Contents
    {
        QString nodeId; // whose reports these are; another node's are not sent
        QList<Entry> entries; // in the order they began
    };

    explicit AgentSpool(QString path);
    ~AgentSpool();
    AgentSpool(const AgentSpool &) = delete;
    AgentSpool &operator=(const AgentSpool &) = delete;

    QString path() const { return m_path; }
    // What an earlier process left (nothing when there is no file). Unreadable lines are skipped.
    Contents read() const;
    // Replaces the file with these records (written to a temporary file created 0600, then renamed) and
    // keeps it open for appending.
    bool rewrite(const QList<QByteArray> &records, QString *error = nullptr);
    // Appends one record with a single write(2): it survives a crash of the agent (not of the machine).
    void append(const QByteArray &record);
    qint64 size() const { return m_size; }
    bool isOpen() const { return m_fd >= 0; }
    void close();

    // Records, one JSON object per line.
    static QByteArray nodeRecord(const QString &nodeId);
    static QByteArray beginRecord(const QString &jobId, int attempt, qint64 pid);
    static QByteArray linesRecord(
        const QString &jobId, int attempt, const QList<LogLine> &lines, qsizetype from = 0, qsizetype count = -1);
    static QByteArray ackRecord(const QString &jobId, int attempt, qint64 nextSeq);
    static QByteArray resultRecord(const QJsonObject &result);
    static QByteArray doneRecord(const QString &jobId, int attempt);

private:
    QString m_path;
    int m_fd = -1;
    qint64 m_size = 0;
    bool m_writeFailed = false; // logged once
};

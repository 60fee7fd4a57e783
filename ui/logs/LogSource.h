// What a LogView shows: lines addressed by a key (a job's seq, or an arrival counter on the Logs page) in
// [firstKey, endKey), loaded on request. The view asks for what it paints; the source fetches or keeps it.
#pragma once

#include <QByteArrayView>
#include <QObject>
#include <QString>

struct LogLineRef
{
    QByteArrayView text; // UTF-8, ANSI escapes included; valid until the event loop runs again
    qint64 seq = 0;
    qint64 tsMs = 0;
    bool stderrStream = false;
    qint64 gap = 0; // > 0: the row stands for that many lines dropped by the log size cap
    int source = -1; // the Logs page: index of the job
};

class LogSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~LogSource() override;
    virtual qint64 firstKey() const = 0;
    virtual qint64 endKey() const = 0;
    // False when the line is not loaded yet: request() it and wait for loaded().
    virtual bool line(qint64 key, LogLineRef &out) = 0;
    // The lines [from, to) are wanted soon (the view paints them, a scan reads them).
    virtual void request(qint64 from, qint64 to) = 0;
    virtual bool hasSourceColumn() const { return false; }
    virtual QString sourceName(int source) const
    {
        Q_UNUSED(source);
        return {};
    }

signals:
    void appended(); // endKey grew (coalesced, a few times a second at most)
    void loaded(); // requested lines arrived (or a fetch failed: ask again later)
    void reset(); // everything changed (another job or attempt): keys start afresh
    void firstKeyChanged(qint64 previous); // older lines went (size cap, or the Logs page's bound)
};

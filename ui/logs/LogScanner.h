// Walks a LogSource in the background, a slice per event-loop turn, fetching what is not loaded: collects
// every key whose line matches a regex (the live filter, over the whole log and then each new line), or
// finds the next/previous matching row of a view (search). Never holds more than a bounded list of keys.
#pragma once

#include <QList>
#include <QObject>
#include <QRegularExpression>
#include <functional>

class LogSource;
struct LogLineRef;

class LogScanner : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 MaxMatches = 2000000; // 16 MB of keys
    static constexpr int SliceLines = 20000; // per event-loop turn
    static constexpr int FetchAhead = 32000; // lines asked for at once when the scan reaches unloaded lines

    LogScanner(LogSource *source, const QRegularExpression &re, QObject *parent = nullptr);

    // Collects matching keys from the source's first line on, then keeps up with new lines.
    void startCollect();
    // Finds the next (step 1) or previous (step -1) row from `fromRow` (excluded) among `rowCount` rows.
    void startFind(qint64 fromRow, int step, qint64 rowCount, std::function<qint64(qint64)> rowKey);
    void stop();

    static bool matches(const QRegularExpression &re, const LogLineRef &line);

    const QList<qint64> &keys() const { return m_keys; }
    bool truncated() const { return m_truncated; }
    bool caughtUp() const { return m_caughtUp; }
    qint64 done() const { return m_done; }
    qint64 total() const { return m_total; }
    // The source lost its oldest keys: forget those matches (returns how many went).
    qint64 dropKeysBefore(qint64 key);

signals:
    void progress(qint64 done, qint64 total);
    void keysAdded(); // Collect: new matches
    void caughtUpChanged(bool caughtUp);
    void found(qint64 row); // Find
    void notFound(); // Find: walked every row

private:
    void step();
    void schedule();

    enum class Mode { Idle, Collect, Find };
    LogSource *m_source;
    QRegularExpression m_re;
    Mode m_mode = Mode::Idle;
    qint64 m_pos = 0; // Collect: the next key; Find: the next row
    int m_step = 1;
    qint64 m_rowCount = 0;
    qint64 m_startRow = 0;
    std::function<qint64(qint64)> m_rowKey;
    QList<qint64> m_keys;
    bool m_truncated = false;
    bool m_caughtUp = false;
    bool m_waiting = false; // for the source's loaded()
    bool m_scheduled = false;
    qint64 m_done = 0;
    qint64 m_total = 0;
};

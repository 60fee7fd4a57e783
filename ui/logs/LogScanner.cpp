#include "LogScanner.h"

#include "AnsiText.h"
#include "LogSource.h"

#include <QTimer>

LogScanner::LogScanner(LogSource *source, const QRegularExpression &re, QObject *parent)
    : QObject(parent)
    , m_source(source)
    , m_re(re)
{
    connect(m_source, &LogSource::loaded, this, [this] {
        if (m_waiting) {
            m_waiting = false;
            schedule();
        }
    });
    connect(m_source, &LogSource::appended, this, [this] {
        if (m_mode == Mode::Collect && m_caughtUp)
            schedule();
    });
}

bool LogScanner::matches(const QRegularExpression &re, const LogLineRef &line)
{
    if (line.gap > 0)
        return false;
    // the visible text is searched, not the escape codes around it
    return re.match(AnsiText::strip(line.text)).hasMatch();
}

void LogScanner::startCollect()
{
    m_mode = Mode::Collect;
    m_pos = m_source->firstKey();
    m_keys.clear();
    m_truncated = false;
    m_caughtUp = false;
    m_done = 0;
    schedule();
}

void LogScanner::startFind(qint64 fromRow, int step, qint64 rowCount, std::function<qint64(qint64)> rowKey)
{
    m_mode = Mode::Find;
    m_step = step < 0 ? -1 : 1;
    m_rowCount = rowCount;
    m_rowKey = std::move(rowKey);
    m_startRow = fromRow;
    m_pos = fromRow + m_step;
    m_done = 0;
    m_total = rowCount;
    schedule();
}

void LogScanner::stop()
{
    m_mode = Mode::Idle;
    m_waiting = false;
}

qint64 LogScanner::dropKeysBefore(qint64 key)
{
    qint64 n = 0;
    while (n < m_keys.size() && m_keys[n] < key)
        ++n;
    if (n)
        m_keys.remove(0, n);
    if (m_mode == Mode::Collect && m_pos < key)
        m_pos = key;
    return n;
}

void LogScanner::schedule()
{
    if (m_scheduled || m_mode == Mode::Idle)
        return;
    m_scheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_scheduled = false;
        step();
    });
}

void LogScanner::step()
{
    if (m_mode == Mode::Idle || m_waiting)
        return;
    LogLineRef ref;
    if (m_mode == Mode::Collect) {
        const qint64 end = m_source->endKey();
        m_total = end - m_source->firstKey();
        const qint64 before = m_keys.size();
        int budget = SliceLines;
        while (m_pos < end && budget-- > 0) {
            if (!m_source->line(m_pos, ref)) {
                m_source->request(m_pos, std::min(end, m_pos + FetchAhead));
                if (!m_source->line(m_pos, ref)) { // not synchronously available: wait for loaded()
                    m_waiting = true;
                    break;
                }
            }
            if (matches(m_re, ref)) {
                if (m_keys.size() < MaxMatches)
                    m_keys.append(m_pos);
                else
                    m_truncated = true;
            }
            ++m_pos;
        }
        m_done = m_pos - m_source->firstKey();
        if (m_keys.size() != before)
            emit keysAdded();
        emit progress(m_done, m_total);
        const bool caught = m_pos >= end;
        if (caught != m_caughtUp) {
            m_caughtUp = caught;
            emit caughtUpChanged(caught);
        }
        if (!caught && !m_waiting)
            schedule();
        return;
    }
    int budget = SliceLines;
    while (m_pos >= 0 && m_pos < m_rowCount && budget-- > 0) {
        const qint64 key = m_rowKey(m_pos);
        if (!m_source->line(key, ref)) {
            if (m_step > 0)
                m_source->request(key, key + FetchAhead);
            else
                m_source->request(std::max<qint64>(0, key - FetchAhead + 1), key + 1);
            if (!m_source->line(key, ref)) {
                m_waiting = true;
                emit progress(m_done, m_total);
                return;
            }
        }
        if (matches(m_re, ref)) {
            m_mode = Mode::Idle;
            emit found(m_pos);
            return;
        }
        m_pos += m_step;
        ++m_done;
    }
    emit progress(m_done, m_total);
    if (m_pos < 0 || m_pos >= m_rowCount) {
        m_mode = Mode::Idle;
        emit notFound();
        return;
    }
    schedule();
}

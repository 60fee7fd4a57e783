// Incremental parser of a text/event-stream: bytes in as they arrive, whole events out (id, event, data).
#pragma once

#include <QByteArray>
#include <QList>

struct SseEvent
{
    QByteArray id; // empty when the event had no id line
    QByteArray event; // "message" when the event had no event line
    QByteArray data; // data lines joined with \n
};

class SseParser
{
public:
    // Appends bytes and returns the events they complete. Comments (":…") are skipped.
    QList<SseEvent> feed(const QByteArray &bytes);
    // Bytes held for an event not yet complete: a bound for a misbehaving server.
    qsizetype pending() const { return m_buffer.size() - m_pos; }

private:
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    SseEvent m_current;
    bool m_hasField = false;
};

#include "SseParser.h"

QList<SseEvent> SseParser::feed(const QByteArray &bytes)
{
    QList<SseEvent> out;
    m_buffer.append(bytes);
    for (;;) {
        const qsizetype nl = m_buffer.indexOf('\n', m_pos);
        if (nl < 0)
            break;
        qsizetype end = nl;
        if (end > m_pos && m_buffer.at(end - 1) == '\r')
            --end;
        const QByteArrayView line(m_buffer.constData() + m_pos, end - m_pos);
        m_pos = nl + 1;
        if (line.isEmpty()) {
            if (m_hasField) {
                if (m_current.event.isEmpty())
                    m_current.event = "message";
                out.append(std::move(m_current));
            }
            m_current = {};
            m_hasField = false;
            continue;
        }
        if (line.startsWith(':'))
            continue;
        const qsizetype colon = line.indexOf(':');
        const QByteArrayView field = colon < 0 ? line : line.first(colon);
        QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
        m_hasField = true;
        if (field == "data") {
            if (!m_current.data.isEmpty())
                m_current.data.append('\n');
            m_current.data.append(value);
        } else if (field == "id") {
            m_current.id = value.toByteArray();
        } else if (field == "event") {
            m_current.event = value.toByteArray();
        }
    }
    // drop what was consumed once it is most of the buffer (keeps appends amortised O(1))
    if (m_pos == m_buffer.size()) {
        m_buffer.clear();
        m_pos = 0;
    } else if (m_pos > 65536 && m_pos * 2 > m_buffer.size()) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    return out;
}

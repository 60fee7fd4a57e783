// Part 2 (secret vaults): a job with secrets holds back a line whose end could begin a secret until the
// next line of its stream arrives (or briefly, or its stream ends), so a value split across the line
// boundary is masked in both. Lines get their sequence numbers when they leave, so numbers stay in order.
#include "JobProcess.h"

#include <QDateTime>

namespace {
constexpr qint64 kHoldMs = 100; // the second half of a split value comes in the same moment, or never
}

void JobProcess::queueLine(Stream &s, LogLine line)
{
    if (s.held) {
        m_redactor.redactAcross(s.held->text, line.text);
        LogLine prev = std::move(*s.held);
        s.held.reset();
        prev.seq = m_nextSeq++;
        m_pending.append(std::move(prev));
    }
    if (m_redactor.mayContinue(line.text)) {
        s.held = std::move(line);
        s.heldAtMs = QDateTime::currentMSecsSinceEpoch();
        return;
    }
    line.seq = m_nextSeq++;
    m_pending.append(std::move(line));
}

bool JobProcess::releaseHeld(bool all)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    bool still = false;
    for (Stream *s : {&m_out, &m_err}) {
        if (!s->held)
            continue;
        if (all || s->fd < 0 || now - s->heldAtMs >= kHoldMs) {
            LogLine line = std::move(*s->held);
            s->held.reset();
            line.seq = m_nextSeq++;
            m_pending.append(std::move(line));
        } else {
            still = true;
        }
    }
    return still;
}

// Mirrors the framing rules of Qt 6.4's request parser (qhttpserverrequest.cpp): a request line up to
// LF, header lines up to an empty line (CRLF or LF), then Content-Length bytes of body. Where Qt is
// lenient in a way that could make the two disagree about where a request ends, this refuses instead.
#include "RequestScanner.h"

#include <cstring>

namespace {
bool isBlank(char c)
{
    return c == '\v' || c == '\n' || c == '\r' || c == ' ' || c == '\t';
}

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}
}

RequestScanner::RequestScanner(qint64 maxBodyBytes, qsizetype maxHeadBytes)
    : m_maxBody(maxBodyBytes)
    , m_maxHead(maxHeadBytes)
{
}

void RequestScanner::refuse(int status, const char *code, const QString &message)
{
    m_phase = Phase::Refused;
    m_refusal = {status, QByteArray(code), message};
    m_head.clear();
}

void RequestScanner::feed(const char *data, qsizetype size)
{
    qsizetype i = 0;
    while (i < size) {
        switch (m_phase) {
        case Phase::Refused:
        case Phase::Upgraded:
            return;
        case Phase::Idle:
            if (isBlank(data[i])) {
                ++i;
                ++m_offset;
                continue;
            }
            m_phase = Phase::Head;
            m_requestStart = m_offset;
            m_head.clear();
            m_requestLineDone = false;
            continue;
        case Phase::Head: {
            // Take bytes up to and including the next LF; the head ends at an empty line.
            const char *nl = static_cast<const char *>(std::memchr(data + i, '\n', size_t(size - i)));
            const qsizetype take = nl ? qsizetype(nl - (data + i)) + 1 : size - i;
            if (m_head.size() + take > m_maxHead) {
                m_offset += take;
                return refuse(431, "invalid_request",
                    QStringLiteral("the request line and headers are longer than %1 bytes").arg(m_maxHead));
            }
            m_head.append(data + i, take);
            i += take;
            m_offset += take;
            if (!nl)
                return;
            // The first line is the request line; an empty line after it ends the head.
            if (!m_requestLineDone) {
                m_requestLineDone = true;
                continue;
            }
            if (m_head.endsWith("\n\n") || m_head.endsWith("\n\r\n"))
                endOfHead();
            continue;
        }
        case Phase::Body: {
            const qint64 take = std::min<qint64>(m_bodyLeft, size - i);
            m_bodyLeft -= take;
            i += take;
            m_offset += take;
            if (m_bodyLeft == 0) {
                ++m_completed;
                m_phase = m_upgradeAfterBody ? Phase::Upgraded : Phase::Idle;
            }
            continue;
        }
        }
    }
}

void RequestScanner::endOfHead()
{
    const QByteArray head = m_head;
    m_head.clear();
    const QList<QByteArray> lines = head.split('\n');
    int lengths = 0;
    qint64 length = 0;
    bool upgrade = false;
    bool websocket = false;
    // lines[0] is the request line; the last two are the empty line and what follows the final LF
    for (qsizetype n = 1; n < lines.size(); ++n) {
        QByteArray line = lines.at(n);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break;
        if (line.startsWith(' ') || line.startsWith('\t'))
            return refuse(400, "invalid_request", QStringLiteral("folded header lines are not accepted"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return refuse(400, "invalid_request", QStringLiteral("a header line without a name and a colon"));
        const QByteArray name = line.left(colon).toLower();
        for (char c : name)
            if (!isTokenChar(c))
                return refuse(400, "invalid_request", QStringLiteral("a header name with a character it may not have"));
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            ++lengths;
            bool digits = !value.isEmpty() && value.size() <= 18;
            for (char c : value)
                digits = digits && c >= '0' && c <= '9';
            if (!digits)
                return refuse(400, "invalid_request", QStringLiteral("malformed Content-Length header"));
            length = value.toLongLong();
        } else if (name == "transfer-encoding") {
            return refuse(400, "invalid_request", QStringLiteral("send the body with a Content-Length, not chunked"));
        } else if (name == "connection") {
            upgrade = upgrade || value.toLower().contains("upgrade");
        } else if (name == "upgrade") {
            websocket = value.compare("websocket", Qt::CaseInsensitive) == 0;
        }
    }
    if (lengths > 1)
        return refuse(400, "invalid_request", QStringLiteral("more than one Content-Length header"));
    // artifacts (Part 1): an upload part may be larger than other bodies
    const qint64 maxBody = !m_largePrefix.isEmpty() && lines.at(0).startsWith(m_largePrefix)
        ? std::max(m_maxBody, m_largeMax)
        : m_maxBody;
    if (length > maxBody)
        return refuse(413, "payload_too_large",
            QStringLiteral("the body is %1 bytes; the limit is %2").arg(length).arg(maxBody));
    m_upgradeAfterBody = upgrade && websocket;
    m_bodyLeft = length;
    if (length > 0) {
        m_phase = Phase::Body;
        return;
    }
    ++m_completed;
    m_phase = m_upgradeAfterBody ? Phase::Upgraded : Phase::Idle;
}

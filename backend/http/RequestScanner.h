// Finds request boundaries in the raw bytes of one HTTP/1.1 connection, ahead of Qt's parser, so
// limits hold for every request on it (pipelined ones too): the head is bounded, a body needs one
// plain Content-Length within the limit, and anything whose framing Qt might read differently
// (several or malformed lengths, chunked bodies, folded or colon-less header lines) is refused.
#pragma once

#include <QByteArray>
#include <QString>

#include <algorithm>

class RequestScanner
{
public:
    enum class Phase {
        Idle, // between requests (blank lines before a request line are skipped, as Qt does)
        Head, // inside a request line or header block
        Body, // inside a body of known length
        Refused, // a request broke a rule: refusal() says which; nothing more is scanned
        Upgraded, // a WebSocket handshake ended the HTTP stream
    };
    struct Refusal
    {
        int status = 0;
        QByteArray code;
        QString message;
    };

    RequestScanner(qint64 maxBodyBytes, qsizetype maxHeadBytes = 64 * 1024);

    // Artifacts (Part 1): requests whose request line starts with `prefix` (e.g. "PUT /api/compute/artifacts/upload/")
    // may carry bodies up to `maxBytes` (one upload part) instead of the general limit.
    void allowLargerBodies(const QByteArray &prefix, qint64 maxBytes)
    {
        m_largePrefix = prefix;
        m_largeMax = maxBytes;
    }

    // Scans the next bytes of the stream; stops at the first refusal or at an upgrade.
    void feed(const char *data, qsizetype size);

    // Body bytes still expected, and a way to count them without looking at them (artifact upload
    // parts are megabytes: copying each arrival of them to scan nothing would cost more than the upload)
    qint64 bodyLeft() const { return m_phase == Phase::Body ? m_bodyLeft : 0; }
    void skipBody(qint64 n) { feed(nullptr, std::min(n, bodyLeft())); }

    Phase phase() const { return m_phase; }
    const Refusal &refusal() const { return m_refusal; }
    qint64 scanned() const { return m_offset; } // stream bytes scanned so far
    qint64 requestStart() const { return m_requestStart; } // where the current (or refused) request began
    qint64 completed() const { return m_completed; } // requests whose head and body were scanned whole

private:
    void endOfHead();
    void refuse(int status, const char *code, const QString &message);

    qint64 m_maxBody;
    QByteArray m_largePrefix; // artifacts (Part 1)
    qint64 m_largeMax = 0;
    qsizetype m_maxHead;
    Phase m_phase = Phase::Idle;
    Refusal m_refusal;
    QByteArray m_head; // the current head so far (bounded by m_maxHead)
    bool m_requestLineDone = false;
    qint64 m_bodyLeft = 0;
    bool m_upgradeAfterBody = false;
    qint64 m_offset = 0;
    qint64 m_requestStart = 0;
    qint64 m_completed = 0;
};

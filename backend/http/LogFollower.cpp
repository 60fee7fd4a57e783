// Frames: SSE "id: <seq>\nevent: line\ndata: {…}\n\n"; the WebSocket form sends the same JSON objects
// with an "event" field. The end event carries the job's state once the attempt is finished and
// every stored line was sent.
#include "LogFollower.h"

#include <QTimer>

namespace {
constexpr qint64 kHighWater = 256 * 1024;
thread_local int g_live = 0; // per HTTP thread, as the control plane it belongs to

}

QByteArray logLineJson(const LogLine &l)
{
    QByteArray o;
    o.reserve(l.text.size() + 64);
    l.appendWireJson(o);
    return o;
}

void appendLineJson(QByteArray &out, const RawLogLine &l)
{
    out += "{\"seq\":";
    appendNumber(out, l.seq);
    out += ",\"ts\":";
    appendNumber(out, l.tsMs);
    out += l.stderrStream ? ",\"stream\":\"stderr\",\"text\":\"" : ",\"stream\":\"stdout\",\"text\":\"";
    // Stored text is UTF-8 with \\ \n \r \t already escaped the JSON way; what is left to escape is
    // the quote and the other control characters.
    const char *p = l.escapedText;
    const char *end = p + l.escapedLength;
    while (p < end) {
        const char *run = p;
        while (p < end && *p != '"' && uchar(*p) >= 0x20)
            ++p;
        out.append(run, p - run);
        if (p == end)
            break;
        if (*p == '"') {
            out += "\\\"";
        } else {
            char buf[8];
            snprintf(buf, sizeof buf, "\\u%04x", uchar(*p));
            out += buf;
        }
        ++p;
    }
    out += "\"}";
}

int LogFollower::liveCount()
{
    return g_live;
}

LogFollower::LogFollower(LogService &logs, Principal principal, LogService::Target target, qint64 nextSeq,
    StreamFilter filter, QTcpSocket *sse, QWebSocket *ws)
    : m_logs(logs)
    , m_principal(std::move(principal))
    , m_target(std::move(target))
    , m_filter(filter)
    , m_sse(sse)
    , m_ws(ws)
{
    ++g_live;
    m_cursor.nextSeq = std::max<qint64>(1, nextSeq);
}

LogFollower::~LogFollower()
{
    --g_live;
    if (m_token)
        m_logs.unsubscribe(m_token);
}

void LogFollower::start()
{
    m_token = m_logs.subscribe(m_target.jobId, [this] { schedulePump(); });
    if (m_sse) {
        // a comment every 15 s: proxies keep the stream open and a client notices a dead connection
        auto *keepAlive = new QTimer(this);
        connect(keepAlive, &QTimer::timeout, this, [this] {
            if (!m_done && m_sse && m_sse->bytesToWrite() == 0)
                m_sse->write(": keep-alive\n\n");
        });
        keepAlive->start(15000);
        connect(m_sse, &QTcpSocket::bytesWritten, this, [this] { schedulePump(); });
        connect(m_sse, &QTcpSocket::disconnected, this, &QObject::deleteLater);
        connect(m_sse, &QObject::destroyed, this, &QObject::deleteLater);
        // a client that sends more data on a streaming socket is not expected; ignore it
    } else if (m_ws) {
        connect(m_ws, &QWebSocket::bytesWritten, this, [this] { schedulePump(); });
        connect(m_ws, &QWebSocket::disconnected, this, &QObject::deleteLater);
        connect(m_ws, &QObject::destroyed, this, &QObject::deleteLater);
    }
    schedulePump();
}

qint64 LogFollower::buffered() const
{
    if (m_sse)
        return m_sse->bytesToWrite();
    if (m_ws)
        return m_ws->bytesToWrite();
    return 0;
}

void LogFollower::schedulePump()
{
    if (m_pumpQueued || m_done)
        return;
    m_pumpQueued = true;
    QTimer::singleShot(0, this, [this] {
        m_pumpQueued = false;
        pump();
    });
}

void LogFollower::send(const QByteArray &sseFrame, const QByteArray &wsMessage)
{
    if (m_sse)
        m_sse->write(sseFrame);
    else if (m_ws)
        m_ws->sendTextMessage(QString::fromUtf8(wsMessage));
}

void LogFollower::pump()
{
    if (m_done || (!m_sse && !m_ws))
        return;
    while (buffered() < kHighWater) {
        // Lines go from their stored form straight into JSON: no QString per line and follower.
        QByteArray batch;
        QList<QByteArray> messages; // WebSocket: one message per line
        const LogReadResult r = m_logs.scan(m_target, m_cursor, 2000, kHighWater, [&](const RawLogLine &l) {
            if ((m_filter == StreamFilter::Stdout && l.stderrStream)
                || (m_filter == StreamFilter::Stderr && !l.stderrStream))
                return;
            if (m_sse) {
                batch += "id: ";
                appendNumber(batch, l.seq);
                batch += "\nevent: line\ndata: ";
                appendLineJson(batch, l);
                batch += "\n\n";
            } else {
                QByteArray json;
                appendLineJson(json, l);
                messages.append(json);
            }
        });
        if (r.droppedBefore > 0) {
            const QByteArray d = "{\"event\":\"dropped\",\"dropped\":" + QByteArray::number(r.droppedBefore) + '}';
            send("event: dropped\ndata: " + d + "\n\n", d);
        }
        if (r.count == 0) {
            if (!m_target.finished) {
                // re-check: the job may have finished since we started following
                const auto t = m_logs.target(m_principal, m_target.jobId, m_target.attempt);
                if (t && t.value().finished) {
                    m_target = t.value();
                    continue; // read once more: lines stored before the end are sent first
                }
                return; // wait to be woken
            }
            finish();
            return;
        }
        if (m_sse && !batch.isEmpty())
            m_sse->write(batch);
        for (const QByteArray &m : std::as_const(messages))
            m_ws->sendTextMessage(QString::fromUtf8(m));
    }
}

void LogFollower::finish()
{
    m_done = true;
    // A replaced attempt (agent lost, automatic retry) ends while the job goes on: latestAttempt says
    // which attempt to follow next.
    const QByteArray end = "{\"event\":\"end\",\"state\":\"" + m_target.state.toUtf8() + "\",\"attempt\":"
        + QByteArray::number(m_target.attempt) + ",\"latestAttempt\":" + QByteArray::number(m_target.latestAttempt)
        + ",\"nextSeq\":" + QByteArray::number(m_cursor.nextSeq) + '}';
    if (m_sse) {
        m_sse->write("event: end\ndata: " + end + "\n\n");
        m_sse->disconnectFromHost();
    } else if (m_ws) {
        m_ws->sendTextMessage(QString::fromUtf8(end));
        m_ws->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("end of log"));
    }
}

// One live reader of a job's log (SSE or WebSocket). It reads from storage only while its socket has
// room (back-pressure), so a slow client never makes the server buffer more than ~256 KiB for it,
// and catches up from storage when it falls behind. Cleans itself up when the peer goes away.
#pragma once

#include "FollowerQuota.h"
#include "LogService.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QWebSocket>

class LogFollower : public QObject
{
    Q_OBJECT
public:
    enum class StreamFilter { Both, Stdout, Stderr };
    LogFollower(LogService &logs, Principal principal, LogService::Target target, qint64 nextSeq, StreamFilter filter,
        QTcpSocket *sse, QWebSocket *ws);
    ~LogFollower() override;
    void start();
    void holdTicket(FollowerQuota::Ticket ticket) { m_ticket = std::move(ticket); }
    static int liveCount();

private:
    void schedulePump();
    void pump();
    qint64 buffered() const;
    void send(const QByteArray &sseFrame, const QByteArray &wsMessage);
    void finish();

    LogService &m_logs;
    Principal m_principal;
    LogService::Target m_target;
    LogCursor m_cursor;
    StreamFilter m_filter;
    QPointer<QTcpSocket> m_sse;
    QPointer<QWebSocket> m_ws;
    int m_token = 0;
    bool m_pumpQueued = false;
    bool m_done = false;
    FollowerQuota::Ticket m_ticket;
};

QByteArray logLineJson(const LogLine &l);
// The same JSON from a line as stored (no decoding).
void appendLineJson(QByteArray &out, const RawLogLine &l);

// A Server-Sent Events reader for the end-to-end suites: one raw TCP connection per stream, parsed
// frame by frame; it can read slowly (small read buffer, small chunks on a timer) to apply back-pressure.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <memory>

class QTcpSocket;

struct SseEvent
{
    qint64 id = -1;       // the frame's `id:`, -1 when it had none
    QByteArray type;      // the frame's `event:` ("message" when it had none)
    QByteArray data;      // the `data:` lines joined with '\n'
    QJsonObject json;     // data parsed, when it is a JSON object
};

class SseStream
{
public:
    SseStream(QUrl base, QString apiKey, QString pathAndQuery, QByteArray lastEventId = {});
    ~SseStream();
    SseStream(const SseStream &) = delete;
    SseStream &operator=(const SseStream &) = delete;

    // Reads at most chunkBytes every intervalMs, with a read buffer of chunkBytes. Call before open().
    void setSlowReader(qint64 chunkBytes, int intervalMs);
    void open();    // connects and sends the GET; returns at once
    void abort();   // drops the connection (as a client that goes away)

    int status() const { return m_status; }                  // 0 until the status line arrived
    QByteArray header(const QByteArray &lowerName) const { return m_headers.value(lowerName); }
    bool closed() const;   // the server closed (and everything it sent was read), the connection failed, or abort()
    const QList<SseEvent> &events() const { return m_events; }
    QList<SseEvent> eventsOfType(const QByteArray &type) const;
    QList<qint64> lineSeqs() const;                           // ids of the `line` events, in arrival order
    bool hasEnd() const;                                      // an `end` event arrived
    SseEvent endEvent() const;
    qint64 lastId() const { return m_lastId; }                // the last `id:` seen, -1 if none
    QByteArray rawTail(int bytes = 1500) const { return m_raw.right(bytes); }
    QString describe() const;                                 // status, counts and the raw tail, for messages

private:
    void onReadable();
    void consume(const QByteArray &bytes);
    void parseFrames();

    QUrl m_base;
    QString m_key;
    QString m_path;
    QByteArray m_lastEventId;
    std::unique_ptr<QTcpSocket> m_sock;
    QTimer m_slowTimer;
    qint64 m_chunk = 0;
    int m_status = 0;
    bool m_headersDone = false;
    bool m_chunked = false;
    bool m_remoteGone = false;
    bool m_aborted = false;
    QMap<QByteArray, QByteArray> m_headers;
    QByteArray m_head;      // bytes before the end of the headers
    QByteArray m_wire;      // body bytes still to de-chunk (chunked replies only)
    QByteArray m_body;      // de-chunked body not yet split into frames
    QByteArray m_raw;       // the whole de-chunked body, for messages (capped)
    QList<SseEvent> m_events;
    qint64 m_lastId = -1;
};

// A Server-Sent Events reader over a raw QTcpSocket: HTTP/1.1 GET, headers, an optional chunked body,
// then frames separated by a blank line ("id:", "event:", "data:", ":" comments).
#include "SseStream.h"

#include <QJsonDocument>
#include <QTcpSocket>

namespace {
constexpr qsizetype kRawCap = 64 * 1024;
}

SseStream::SseStream(QUrl base, QString apiKey, QString pathAndQuery, QByteArray lastEventId)
    : m_base(std::move(base)), m_key(std::move(apiKey)), m_path(std::move(pathAndQuery)),
      m_lastEventId(std::move(lastEventId)), m_sock(std::make_unique<QTcpSocket>())
{
    QTcpSocket *s = m_sock.get();
    QObject::connect(s, &QTcpSocket::connected, s, [this, s] {
        QByteArray req = "GET " + m_path.toUtf8() + " HTTP/1.1\r\nHost: " + m_base.host().toUtf8() + ':'
            + QByteArray::number(m_base.port()) + "\r\nAccept: text/event-stream\r\n";
        if (!m_key.isEmpty())
            req += "X-API-Key: " + m_key.toUtf8() + "\r\n";
        if (!m_lastEventId.isEmpty())
            req += "Last-Event-ID: " + m_lastEventId + "\r\n";
        s->write(req + "\r\n");
    });
    QObject::connect(s, &QTcpSocket::readyRead, s, [this] {
        if (m_chunk <= 0)
            onReadable();
    });
    QObject::connect(s, &QTcpSocket::disconnected, s, [this] {
        m_remoteGone = true;
        if (m_chunk <= 0)
            onReadable();
    });
    QObject::connect(s, &QTcpSocket::errorOccurred, s, [this](QAbstractSocket::SocketError e) {
        if (e != QAbstractSocket::RemoteHostClosedError)
            m_remoteGone = true;   // refused, reset…: no disconnected() may follow
    });
    QObject::connect(&m_slowTimer, &QTimer::timeout, s, [this] { onReadable(); });
}

SseStream::~SseStream()
{
    m_slowTimer.stop();
    if (m_sock)
        m_sock->abort();
}

void SseStream::setSlowReader(qint64 chunkBytes, int intervalMs)
{
    m_chunk = chunkBytes;
    m_sock->setReadBufferSize(chunkBytes);
    m_slowTimer.setInterval(intervalMs);
}

void SseStream::open()
{
    m_sock->connectToHost(m_base.host(), quint16(m_base.port()));
    if (m_chunk > 0)
        m_slowTimer.start();
}

void SseStream::abort()
{
    m_slowTimer.stop();
    m_sock->abort();
    m_aborted = true;
}

bool SseStream::closed() const
{
    return m_aborted || (m_remoteGone && m_sock->bytesAvailable() == 0);
}

void SseStream::onReadable()
{
    if (!m_sock->isOpen())
        return;
    if (m_chunk > 0) {
        consume(m_sock->read(m_chunk));
        if (m_remoteGone && m_sock->bytesAvailable() == 0)
            m_slowTimer.stop();
        return;
    }
    consume(m_sock->readAll());
}

void SseStream::consume(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    QByteArray in = bytes;
    if (!m_headersDone) {
        m_head += in;
        const qsizetype end = m_head.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = m_head.left(end).split('\n');
        m_status = lines.value(0).trimmed().split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                m_headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        m_chunked = m_headers.value("transfer-encoding").toLower().contains("chunked");
        m_headersDone = true;
        in = m_head.mid(end + 4);
        m_head.clear();
    }
    if (m_chunked) {
        m_wire += in;
        for (;;) {
            const qsizetype eol = m_wire.indexOf("\r\n");
            if (eol < 0)
                break;
            bool ok = false;
            const qsizetype size = m_wire.left(eol).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok || size == 0) {
                m_wire.clear();
                break;
            }
            if (m_wire.size() < eol + 2 + size + 2)
                break;
            m_body += m_wire.mid(eol + 2, size);
            m_raw += m_wire.mid(eol + 2, size);
            m_wire.remove(0, eol + 2 + size + 2);
        }
    } else {
        m_body += in;
        m_raw += in;
    }
    if (m_raw.size() > 2 * kRawCap)
        m_raw = m_raw.right(kRawCap);
    parseFrames();
}

void SseStream::parseFrames()
{
    m_body.replace("\r\n", "\n");
    for (;;) {
        const qsizetype end = m_body.indexOf("\n\n");
        if (end < 0)
            return;
        const QByteArray frame = m_body.left(end);
        m_body.remove(0, end + 2);
        SseEvent e;
        bool any = false;
        QList<QByteArray> data;
        for (const QByteArray &line : frame.split('\n')) {
            if (line.isEmpty() || line.startsWith(':'))
                continue;
            const qsizetype colon = line.indexOf(':');
            const QByteArray field = colon < 0 ? line : line.left(colon);
            QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
            if (value.startsWith(' '))
                value.remove(0, 1);
            if (field == "id") {
                bool ok = false;
                e.id = value.toLongLong(&ok);
                if (!ok)
                    e.id = -1;
                any = true;
            } else if (field == "event") {
                e.type = value;
                any = true;
            } else if (field == "data") {
                data << value;
                any = true;
            }
        }
        if (!any)
            continue;   // a comment-only frame (": connected", ": keep-alive")
        if (e.type.isEmpty())
            e.type = "message";
        e.data = data.join('\n');
        const QJsonDocument doc = QJsonDocument::fromJson(e.data);
        if (doc.isObject())
            e.json = doc.object();
        if (e.id >= 0)
            m_lastId = e.id;
        m_events.append(e);
    }
}

QList<SseEvent> SseStream::eventsOfType(const QByteArray &type) const
{
    QList<SseEvent> out;
    for (const SseEvent &e : m_events)
        if (e.type == type)
            out.append(e);
    return out;
}

QList<qint64> SseStream::lineSeqs() const
{
    QList<qint64> out;
    for (const SseEvent &e : m_events)
        if (e.type == "line")
            out.append(e.id);
    return out;
}

bool SseStream::hasEnd() const
{
    return !eventsOfType("end").isEmpty();
}

SseEvent SseStream::endEvent() const
{
    const QList<SseEvent> ends = eventsOfType("end");
    return ends.isEmpty() ? SseEvent{} : ends.last();
}

QString SseStream::describe() const
{
    return QStringLiteral("GET %1 (Last-Event-ID %2): HTTP %3, %4 events, %5 line events, last id %6, closed %7; tail: %8")
        .arg(m_path, m_lastEventId.isEmpty() ? QStringLiteral("none") : QString::fromLatin1(m_lastEventId))
        .arg(m_status)
        .arg(m_events.size())
        .arg(lineSeqs().size())
        .arg(m_lastId)
        .arg(closed() ? QStringLiteral("yes") : QStringLiteral("no"))
        .arg(QString::fromUtf8(m_raw.right(600)));
}

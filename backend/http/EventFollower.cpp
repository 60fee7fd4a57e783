// SSE frames "id: <seq>\nevent: <type>\ndata: <json>\n\n"; a comment line every 15 s keeps proxies open.
#include "EventFollower.h"

#include <QTimer>

namespace {
constexpr qint64 kHighWater = 256 * 1024;
}

EventFollower::EventFollower(EventBus &bus, QString workspaceId, qint64 after, QStringList types, QTcpSocket *socket)
    : m_bus(bus), m_workspace(std::move(workspaceId)), m_last(after), m_types(std::move(types)), m_socket(socket)
{
}

void EventFollower::start()
{
    connect(&m_bus, &EventBus::published, this, &EventFollower::onPublished);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_behind)
            catchUp();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    auto *keepAlive = new QTimer(this);
    connect(keepAlive, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->write(": keep-alive\n\n");
    });
    keepAlive->start(15000);
    m_socket->write(": connected\n\n");
    catchUp();
}

void EventFollower::write(const StoredEvent &e)
{
    m_last = e.seq;
    if (!m_types.isEmpty() && !m_types.contains(e.type))
        return;
    m_socket->write("id: " + QByteArray::number(e.seq) + "\nevent: " + e.type.toUtf8() + "\ndata: " + e.doc + "\n\n");
}

void EventFollower::onPublished(const StoredEvent &e)
{
    if (!m_socket || e.workspaceId != m_workspace || e.seq <= m_last)
        return;
    if (m_behind || m_socket->bytesToWrite() > kHighWater) {
        m_behind = true;
        return;
    }
    write(e);
}

void EventFollower::catchUp()
{
    while (m_socket && m_socket->bytesToWrite() < kHighWater) {
        const QList<StoredEvent> batch = m_bus.since(m_workspace, m_last, 500);
        for (const StoredEvent &e : batch)
            write(e);
        if (batch.size() < 500) {
            m_behind = false;
            // events of other workspaces may lie between; never go backwards
            m_last = std::max(m_last, m_bus.lastSeq());
            return;
        }
    }
    m_behind = true;
}

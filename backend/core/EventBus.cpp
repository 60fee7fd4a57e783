// The ring holds the most recent events; a follower further behind reads the events table.
#include "EventBus.h"
#include "AgentRepository.h"
#include "Job.h"
#include "Store.h"

#include <QDateTime>
#include <QJsonDocument>

namespace {
constexpr size_t kRingSize = 20000;
}

EventBus::EventBus(Store &store, QObject *parent) : QObject(parent), m_store(store) {}

bool EventBus::load()
{
    m_nextSeq = EventRepository::maxSeq(m_store.reader()) + 1;
    m_lastAnnounced = m_nextSeq - 1;
    return true;
}

StoredEvent EventBus::make(const QString &workspaceId, const QString &type, const QJsonObject &data)
{
    StoredEvent e;
    e.seq = m_nextSeq++;
    e.workspaceId = workspaceId;
    e.type = type;
    e.at = QDateTime::currentMSecsSinceEpoch();
    e.doc = QJsonDocument(QJsonObject{{QStringLiteral("seq"), e.seq},
                                      {QStringLiteral("type"), type},
                                      {QStringLiteral("at"), isoTime(e.at)},
                                      {QStringLiteral("workspaceId"), workspaceId},
                                      {QStringLiteral("data"), data}})
                .toJson(QJsonDocument::Compact);
    return e;
}

void EventBus::announce(const StoredEvent &e)
{
    m_lastAnnounced = std::max(m_lastAnnounced, e.seq);
    m_ring.push_back(e);
    if (m_ring.size() > kRingSize)
        m_ring.pop_front();
    Q_EMIT published(e);
}

QList<StoredEvent> EventBus::since(const QString &workspaceId, qint64 after, int limit)
{
    QList<StoredEvent> out;
    if (!m_ring.empty() && m_ring.front().seq <= after + 1) {
        for (const auto &e : m_ring) {
            if (e.seq > after && e.workspaceId == workspaceId) {
                out.append(e);
                if (out.size() >= limit)
                    break;
            }
        }
        return out;
    }
    qint64 cursor = after;
    while (out.size() < limit) {
        const QList<StoredEvent> chunk = EventRepository::after(m_store.reader(), cursor, 1000);
        if (chunk.isEmpty())
            break;
        for (const auto &e : chunk) {
            cursor = e.seq;
            if (e.workspaceId == workspaceId) {
                out.append(e);
                if (out.size() >= limit)
                    break;
            }
        }
    }
    return out;
}

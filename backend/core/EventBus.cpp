// The ring holds the most recent events; a follower further behind reads the events table.
#include "EventBus.h"
#include "AgentRepository.h"
#include "Job.h"
#include "Store.h"

#include <QDateTime>
#include <QJsonDocument>

namespace {
constexpr size_t kRingSize = 4096;
constexpr int kPruneSlice = 5000; // events deleted per writer operation
}

EventBus::EventBus(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
}

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
    e.doc = QJsonDocument(QJsonObject {{QStringLiteral("seq"), e.seq}, {QStringLiteral("type"), type},
                              {QStringLiteral("at"), isoTime(e.at)}, {QStringLiteral("workspaceId"), workspaceId},
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

void EventBus::setRetentionDays(int days)
{
    m_retentionDays = days;
    if (!m_retention) {
        m_retention = new QTimer(this);
        m_retention->setInterval(3600 * 1000);
        connect(m_retention, &QTimer::timeout, this, &EventBus::startPruning);
    }
    if (days <= 0) {
        m_retention->stop();
        return;
    }
    m_retention->start();
    QTimer::singleShot(10000, this, &EventBus::startPruning);
}

void EventBus::startPruning()
{
    if (m_retentionDays <= 0 || m_pruning)
        return; // off, or a walk is already under way
    m_pruning = true;
    pruneSlice();
}

void EventBus::pruneSlice()
{
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - qint64(m_retentionDays) * 86400 * 1000;
    auto deleted = std::make_shared<int>(0);
    m_store.writer().enqueue(
        [cutoff, deleted](SqlSession &s) {
            *deleted = EventRepository::pruneOldest(s, cutoff, kPruneSlice);
            return *deleted >= 0;
        },
        [this, deleted](bool ok) {
            if (ok && *deleted > 0)
                m_pruned += *deleted;
            if (ok && *deleted == kPruneSlice) {
                QTimer::singleShot(0, this, &EventBus::pruneSlice); // more to go: the next slice
                return;
            }
            if (m_pruned > 0)
                qInfo().noquote() << "event retention removed" << m_pruned << "events older than" << m_retentionDays
                                  << "days";
            m_pruned = 0;
            m_pruning = false;
        });
}

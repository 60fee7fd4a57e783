// Events (job.created, job.transitioned, job.terminal, agent.*): numbered, stored with the change
// they describe, announced after the commit, and kept in a ring for fast resume of /v0/events.
#pragma once

#include "StoredEvent.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <deque>

class Store;

class EventBus : public QObject
{
    Q_OBJECT
public:
    explicit EventBus(Store &store, QObject *parent = nullptr);
    bool load();

    // Allocates the next sequence number; store the result in the same transaction as the change.
    StoredEvent make(const QString &workspaceId, const QString &type, const QJsonObject &data);
    // Call once the event's transaction committed.
    void announce(const StoredEvent &e);

    // Events with seq > after for this workspace, from the ring or the store; at most limit.
    QList<StoredEvent> since(const QString &workspaceId, qint64 after, int limit);
    qint64 lastSeq() const { return m_lastAnnounced; } // newest event announced

    // Events older than `days` are deleted from the store (hourly, and once soon after start), in
    // slices that let other writes through; 0 keeps them forever.
    void setRetentionDays(int days);

Q_SIGNALS:
    void published(const StoredEvent &e);

private:
    void startPruning();
    void pruneSlice();

    Store &m_store;
    QTimer *m_retention = nullptr;
    int m_retentionDays = 0;
    bool m_pruning = false;
    qint64 m_pruned = 0;
    qint64 m_nextSeq = 1;
    qint64 m_lastAnnounced = 0;
    std::deque<StoredEvent> m_ring;
};

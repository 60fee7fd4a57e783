// The Jobs page's table model: pages of /v0/jobs fetched as the view scrolls (cursor, 500 a page), kept live
// from the session's event stream with updates batched once per event-loop turn. Cheap enough for 100,000 rows.
#pragma once

#include "ClientError.h"
#include "ClientTypes.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QStringList>
#include <optional>

class ConsoleSession;

class JobsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        StateColumn,
        TypeColumn,
        CommandColumn,
        AgentColumn,
        GpusColumn,
        CreatedColumn,
        RuntimeColumn,
        ExitCodeColumn,
        ColumnCount
    };
    enum Role { JobIdRole = Qt::UserRole + 1, StateRole, SearchTextRole };
    static constexpr int PageSize = 500;

    explicit JobsModel(ConsoleSession *session, QObject *parent = nullptr);

    // The server-side filter (state, labels "k:v", id prefix); changing it reloads from the first page.
    void setServerFilter(const QString &state, const QStringList &labels, const QString &idPrefix);
    QString stateFilter() const { return m_state; }
    void reload();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    int rowOf(const QString &jobId) const; // -1 when not loaded
    QString jobIdAt(int row) const;
    bool loading() const { return m_fetching; }
    bool loadedOnce() const { return m_loadedOnce; }
    bool hasFilter() const { return !m_state.isEmpty() || !m_labels.isEmpty() || !m_idPrefix.isEmpty(); }
    // Fetches one job and puts it in its place when it passes the filter and is newer than the last loaded row.
    void ensureJob(const QString &jobId);
    qint64 lastPageMs() const { return m_lastPageMs; }
    int pagesFetched() const { return m_pages; }

signals:
    void pageLoaded(int rows); // rows now loaded
    void failed(const QString &message);
    void jobChanged(const QString &jobId); // a job's row changed (state or full fields)
    void emptyChanged(bool empty);

private:
    struct Row
    {
        QString id;
        QString state;
        QString type;
        QString command;
        QString agentId;
        int gpus = 0;
        qint64 createdAt = 0;
        qint64 startedAt = 0;
        qint64 finishedAt = 0;
        qint64 runtimeMs = -1;
        std::optional<int> exitCode;
        bool stale = false; // full fields to be fetched again (when it is painted)
    };
    struct Update
    {
        QString state;
        std::optional<int> exitCode;
    };
    static Row rowFrom(const JobView &view);
    void onEvent(const ClientEvent &event);
    void scheduleFlush();
    void flush();
    void requestFull(const QString &id) const;
    void pumpFull();
    void applyFull(const JobView &view);
    void insertRows(int at, const QList<Row> &rows);
    void reindex();
    bool passes(const Row &row) const;
    void setEmpty(bool empty);

    ConsoleSession *m_session;
    QList<Row> m_rows;
    QHash<QString, qint64> m_key; // id → key; row = key - m_base (prepends and appends keep it valid)
    qint64 m_base = 0;
    QString m_state;
    QStringList m_labels;
    QString m_idPrefix;
    QString m_cursor;
    bool m_atEnd = false;
    bool m_fetching = false;
    bool m_loadedOnce = false;
    bool m_empty = false;
    quint64 m_generation = 0; // answers for an earlier filter or connection are dropped
    qint64 m_lastPageMs = 0;
    int m_pages = 0;
    // batched event updates
    QStringList m_created; // in arrival order
    QSet<QString> m_createdSet;
    QHash<QString, Update> m_updates;
    bool m_flushQueued = false;
    // lazy full-field fetches
    mutable QStringList m_wanted;
    mutable QSet<QString> m_wantedSet;
    mutable bool m_pumpQueued = false;
    int m_inFlight = 0;
};

// The Jobs table model: cursor pages fetched on demand, event updates batched per event-loop turn, full fields
// of changed rows fetched again only when a view paints them.
#include "JobsModel.h"

#include "ComputeClient.h"
#include "ConsoleSession.h"
#include "JobState.h"
#include "UiFormat.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPalette>
#include <QPointer>
#include <QTimer>
#include <algorithm>

namespace {
constexpr int MaxFullFetches = 4; // full-field fetches in flight at once
constexpr int CommandChars = 240; // what the table shows of a command; the detail pane has all of it

QString bareId(const QString &id)
{
    return id.startsWith(QLatin1String("job_"), Qt::CaseInsensitive) ? id.mid(4) : id;
}
}

JobsModel::JobsModel(ConsoleSession *session, QObject *parent)
    : QAbstractTableModel(parent)
    , m_session(session)
{
    connect(m_session, &ConsoleSession::event, this, &JobsModel::onEvent);
    connect(m_session, &ConsoleSession::reset, this, &JobsModel::reload);
}

void JobsModel::setServerFilter(const QString &state, const QStringList &labels, const QString &idPrefix)
{
    if (state == m_state && labels == m_labels && idPrefix == m_idPrefix)
        return;
    m_state = state;
    m_labels = labels;
    m_idPrefix = idPrefix;
    reload();
}

void JobsModel::reload()
{
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_key.clear();
    m_base = 0;
    m_cursor.clear();
    m_atEnd = false;
    m_fetching = false;
    m_loadedOnce = false;
    m_pages = 0;
    m_created.clear();
    m_createdSet.clear();
    m_updates.clear();
    m_wanted.clear();
    m_wantedSet.clear();
    m_inFlight = 0;
    endResetModel();
    fetchMore({});
}

int JobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn:
        return tr("ID");
    case StateColumn:
        return tr("State");
    case TypeColumn:
        return tr("Type");
    case CommandColumn:
        return tr("Command");
    case AgentColumn:
        return tr("Agent");
    case GpusColumn:
        return tr("GPUs");
    case CreatedColumn:
        return tr("Created");
    case RuntimeColumn:
        return tr("Runtime");
    case ExitCodeColumn:
        return tr("Exit code");
    default:
        return {};
    }
}

QVariant JobsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    if (r.stale && (role == Qt::DisplayRole))
        requestFull(r.id);
    switch (role) {
    case JobIdRole:
        return r.id;
    case StateRole:
        return r.state;
    case SearchTextRole:
        return QStringList {r.id, r.state, r.type, r.command, r.agentId}.join(QLatin1Char(' '));
    case Qt::ForegroundRole:
        if (index.column() == StateColumn)
            return UiFormat::stateColor(r.state, QApplication::palette());
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == GpusColumn || index.column() == RuntimeColumn || index.column() == ExitCodeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == CreatedColumn)
            return UiFormat::localTime(QDateTime::fromMSecsSinceEpoch(r.createdAt, Qt::UTC));
        if (index.column() == CommandColumn)
            return r.command;
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case IdColumn:
        return r.id;
    case StateColumn:
        return r.state;
    case TypeColumn:
        return r.type;
    case CommandColumn:
        return r.command;
    case AgentColumn:
        return r.agentId;
    case GpusColumn:
        return r.gpus > 0 ? QVariant(r.gpus) : QVariant();
    case CreatedColumn:
        return r.createdAt > 0 ? UiFormat::relativeTime(QDateTime::fromMSecsSinceEpoch(r.createdAt, Qt::UTC))
                               : QString();
    case RuntimeColumn: {
        const bool live = r.state == QLatin1String("RUNNING") || r.state == QLatin1String("CANCELLING");
        if (live && r.startedAt > 0)
            return UiFormat::duration(QDateTime::currentMSecsSinceEpoch() - r.startedAt);
        if (r.runtimeMs >= 0)
            return UiFormat::duration(r.runtimeMs);
        if (r.startedAt > 0 && r.finishedAt >= r.startedAt)
            return UiFormat::duration(r.finishedAt - r.startedAt);
        return {};
    }
    case ExitCodeColumn:
        return r.exitCode ? QVariant(*r.exitCode) : QVariant();
    default:
        return {};
    }
}

bool JobsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && !m_fetching;
}

void JobsModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_atEnd || m_fetching)
        return;
    m_fetching = true;
    JobFilter f;
    f.state = m_state;
    f.labels = m_labels;
    f.idPrefix = m_idPrefix;
    f.limit = PageSize;
    f.cursor = m_cursor;
    const quint64 generation = m_generation;
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    QPointer<JobsModel> self(this);
    m_session->client()->jobs(f, [self, generation, clock](ClientResult<JobPage> r) {
        if (!self || self->m_generation != generation)
            return;
        self->m_fetching = false;
        if (!r) {
            self->m_atEnd = true; // a failed page is not retried by scrolling; reload() starts again
            emit self->failed(r.error().describe());
            return;
        }
        self->m_lastPageMs = clock->elapsed();
        ++self->m_pages;
        QList<Row> rows;
        rows.reserve(r.value().jobs.size());
        for (const JobView &v : r.value().jobs) {
            if (!self->m_key.contains(v.job.id))
                rows.append(rowFrom(v));
        }
        self->m_cursor = r.value().nextCursor;
        self->m_atEnd = self->m_cursor.isEmpty();
        self->m_loadedOnce = true;
        if (!rows.isEmpty())
            self->insertRows(int(self->m_rows.size()), rows);
        self->setEmpty(self->m_rows.isEmpty() && self->m_atEnd);
        emit self->pageLoaded(int(self->m_rows.size()));
    });
}

int JobsModel::rowOf(const QString &jobId) const
{
    const auto it = m_key.constFind(jobId);
    return it == m_key.constEnd() ? -1 : int(*it - m_base);
}

QString JobsModel::jobIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : QString();
}

JobsModel::Row JobsModel::rowFrom(const JobView &view)
{
    const Job &j = view.job;
    Row r;
    r.id = j.id;
    r.state = JobStates::name(j.state);
    r.type = j.spec.type;
    if (!j.spec.argv.isEmpty())
        r.command = j.spec.argv.join(QLatin1Char(' '));
    else if (!j.spec.cmd.isEmpty())
        r.command = (j.spec.image + QLatin1Char(' ') + j.spec.cmd.join(QLatin1Char(' '))).trimmed();
    else
        r.command = j.spec.command;
    r.command = r.command.left(CommandChars).simplified();
    r.agentId = j.agentId;
    r.gpus = j.spec.resources.gpus;
    r.createdAt = j.createdAt;
    r.startedAt = j.startedAt;
    r.finishedAt = j.finishedAt;
    r.runtimeMs = j.runtimeMs;
    r.exitCode = j.exitCode;
    return r;
}

void JobsModel::onEvent(const ClientEvent &event)
{
    if (!event.type.startsWith(QLatin1String("job.")))
        return;
    const QString id = event.data.value(QLatin1String("jobId")).toString();
    if (id.isEmpty())
        return;
    if (event.type == QLatin1String("job.created")) {
        if (!m_key.contains(id) && !m_createdSet.contains(id)) {
            m_created.append(id);
            m_createdSet.insert(id);
        }
        // its own time of creation stands in until the full fields come
        m_updates[id].state = event.data.value(QLatin1String("state")).toString();
    } else if (event.type == QLatin1String("job.transitioned") || event.type == QLatin1String("job.terminal")) {
        Update &u = m_updates[id];
        u.state = event.data.value(QLatin1String("state")).toString();
        const QJsonValue exit = event.data.value(QLatin1String("exitCode"));
        if (exit.isDouble())
            u.exitCode = exit.toInt();
    } else {
        return;
    }
    scheduleFlush();
}

void JobsModel::scheduleFlush()
{
    if (m_flushQueued)
        return;
    m_flushQueued = true;
    QTimer::singleShot(0, this, &JobsModel::flush);
}

void JobsModel::flush()
{
    m_flushQueued = false;
    const QStringList created = std::exchange(m_created, {});
    const QSet<QString> createdSet = std::exchange(m_createdSet, {});
    const QHash<QString, Update> updates = std::exchange(m_updates, {});
    if (!m_loadedOnce)
        return; // the first page, still coming, has them

    // new jobs: newest first at the top, when they pass the filter
    QList<Row> top;
    for (auto it = created.crbegin(); it != created.crend(); ++it) {
        Row r;
        r.id = *it;
        r.state = updates.value(*it).state;
        r.exitCode = updates.value(*it).exitCode;
        r.createdAt = QDateTime::currentMSecsSinceEpoch();
        r.stale = true;
        if (!m_labels.isEmpty()) {
            ensureJob(r.id); // labels are not in the event: decided on the full job
            continue;
        }
        if (passes(r))
            top.append(r);
    }
    if (!top.isEmpty()) {
        const bool wasEmpty = m_rows.isEmpty();
        insertRows(0, top);
        if (wasEmpty)
            setEmpty(false);
    }

    // changed jobs: their state at once, the rest when painted; dataChanged per run of adjacent rows
    QList<int> changed;
    for (auto it = updates.cbegin(); it != updates.cend(); ++it) {
        if (createdSet.contains(it.key()))
            continue;
        const int row = rowOf(it.key());
        if (row < 0) {
            if (!m_state.isEmpty() && it->state == m_state)
                ensureJob(it.key()); // it entered the filtered state
            continue;
        }
        Row &r = m_rows[row];
        if (!it->state.isEmpty())
            r.state = it->state;
        if (it->exitCode)
            r.exitCode = it->exitCode;
        if (r.state == QLatin1String("RUNNING") && r.startedAt == 0)
            r.startedAt = QDateTime::currentMSecsSinceEpoch();
        r.stale = true;
        changed.append(row);
    }
    std::sort(changed.begin(), changed.end());
    for (qsizetype i = 0; i < changed.size();) {
        qsizetype j = i;
        while (j + 1 < changed.size() && changed[j + 1] == changed[j] + 1)
            ++j;
        emit dataChanged(index(changed[i], 0), index(changed[j], ColumnCount - 1));
        i = j + 1;
    }
    for (auto it = updates.cbegin(); it != updates.cend(); ++it)
        emit jobChanged(it.key());
}

bool JobsModel::passes(const Row &row) const
{
    if (!m_state.isEmpty() && row.state != m_state)
        return false;
    if (!m_idPrefix.isEmpty() && !bareId(row.id).startsWith(bareId(m_idPrefix), Qt::CaseInsensitive))
        return false;
    return true;
}

void JobsModel::requestFull(const QString &id) const
{
    if (m_wantedSet.contains(id))
        return;
    m_wantedSet.insert(id);
    m_wanted.append(id);
    if (!m_pumpQueued) {
        m_pumpQueued = true;
        QTimer::singleShot(0, const_cast<JobsModel *>(this), &JobsModel::pumpFull);
    }
}

void JobsModel::pumpFull()
{
    m_pumpQueued = false;
    QPointer<JobsModel> self(this);
    const quint64 generation = m_generation;
    while (m_inFlight < MaxFullFetches && !m_wanted.isEmpty()) {
        const QString id = m_wanted.takeFirst();
        const int row = rowOf(id);
        if (row < 0) {
            m_wantedSet.remove(id);
            continue;
        }
        m_rows[row].stale = false; // a later event marks it again
        ++m_inFlight;
        m_session->client()->job(id, [self, generation, id](ClientResult<JobView> r) {
            if (!self || self->m_generation != generation)
                return;
            --self->m_inFlight;
            self->m_wantedSet.remove(id);
            if (r)
                self->applyFull(r.value());
            self->pumpFull();
        });
    }
}

void JobsModel::applyFull(const JobView &view)
{
    const int row = rowOf(view.job.id);
    if (row < 0)
        return;
    Row fresh = rowFrom(view);
    fresh.stale = m_rows[row].stale;
    m_rows[row] = fresh;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    emit jobChanged(view.job.id);
}

void JobsModel::ensureJob(const QString &jobId)
{
    QPointer<JobsModel> self(this);
    const quint64 generation = m_generation;
    m_session->client()->job(jobId, [self, generation](ClientResult<JobView> r) {
        if (!self || self->m_generation != generation || !r)
            return;
        const JobView &v = r.value();
        if (self->rowOf(v.job.id) >= 0) {
            self->applyFull(v);
            return;
        }
        Row row = rowFrom(v);
        if (!self->passes(row))
            return;
        for (const QString &l : self->m_labels) {
            const qsizetype colon = l.indexOf(QLatin1Char(':'));
            if (v.job.spec.labels.value(l.left(colon)) != l.mid(colon + 1))
                return;
        }
        // newest first: ids are ULIDs, so their order is their creation order
        const auto pos = std::lower_bound(self->m_rows.cbegin(), self->m_rows.cend(), row.id,
            [](const Row &a, const QString &id) { return a.id > id; });
        const int at = int(pos - self->m_rows.cbegin());
        if (at == self->m_rows.size() && !self->m_atEnd)
            return; // a later page brings it
        const bool wasEmpty = self->m_rows.isEmpty();
        self->insertRows(at, {row});
        if (wasEmpty)
            self->setEmpty(false);
        emit self->jobChanged(v.job.id);
    });
}

void JobsModel::insertRows(int at, const QList<Row> &rows)
{
    const int n = int(rows.size());
    beginInsertRows({}, at, at + n - 1);
    if (at == 0 && !m_rows.isEmpty()) {
        m_base -= n;
        for (int i = n - 1; i >= 0; --i)
            m_rows.prepend(rows.at(i)); // QList keeps room at its front: no shift of the others
        for (int i = 0; i < n; ++i)
            m_key.insert(rows.at(i).id, m_base + i);
    } else if (at == m_rows.size()) {
        m_rows.append(rows);
        for (int i = 0; i < n; ++i)
            m_key.insert(rows.at(i).id, m_base + at + i);
    } else {
        for (int i = 0; i < n; ++i)
            m_rows.insert(at + i, rows.at(i));
        reindex(); // rare: a job that entered the filter between loaded rows
    }
    endInsertRows();
}

void JobsModel::reindex()
{
    m_key.clear();
    m_base = 0;
    for (int i = 0; i < m_rows.size(); ++i)
        m_key.insert(m_rows.at(i).id, i);
}

void JobsModel::setEmpty(bool empty)
{
    if (empty == m_empty)
        return;
    m_empty = empty;
    emit emptyChanged(empty);
}

// Group commit: drain the queue, run every op inside one transaction (each in a savepoint so one
// failure does not undo the others), COMMIT (fsync), then hand all completions back in one event.
#include "StoreWriter.h"
#include "SqlSession.h"

#include <QDebug>
#include <QSqlError>
#include <vector>

StoreWriter::StoreWriter(QObject *parent)
    : QObject(parent)
{
}

StoreWriter::~StoreWriter()
{
    stop();
}

bool StoreWriter::start(const QString &dbPath, QString *error)
{
    m_thread = std::thread([this, dbPath] { run(dbPath); });
    std::unique_lock lock(m_startMutex);
    m_startCv.wait(lock, [this] { return m_startState != 0; });
    if (m_startState < 0) {
        if (error)
            *error = m_startError;
        m_thread.join();
        return false;
    }
    m_started = true;
    return true;
}

void StoreWriter::stop()
{
    if (!m_started)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_one();
    m_thread.join();
    m_started = false;
}

bool StoreWriter::enqueue(Op op, Done done, Admission admission)
{
    {
        std::lock_guard lock(m_mutex);
        if (admission == Admission::IfRoom && qsizetype(m_queue.size()) >= m_maxQueued.load())
            return false;
        m_queue.push_back({std::move(op), std::move(done)});
    }
    m_cv.notify_one();
    return true;
}

void StoreWriter::run(QString dbPath)
{
    SqlSession session;
    QString err;
    const bool ok = session.open(dbPath, QStringLiteral("writer"), &err);
    {
        std::lock_guard lock(m_startMutex);
        m_startState = ok ? 1 : -1;
        m_startError = err;
    }
    m_startCv.notify_all();
    if (!ok)
        return;

    std::deque<Item> batch;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty() && m_stopping)
                break;
            batch.swap(m_queue);
        }
        std::vector<char> results(batch.size(), 0);
        bool committed = session.exec(QStringLiteral("BEGIN IMMEDIATE"), &err);
        if (committed) {
            for (size_t i = 0; i < batch.size(); ++i) {
                session.exec(QStringLiteral("SAVEPOINT op"));
                const bool opOk = batch[i].op(session);
                results[i] = opOk;
                if (!opOk)
                    session.exec(QStringLiteral("ROLLBACK TO op"));
                session.exec(QStringLiteral("RELEASE op"));
            }
            committed = session.exec(QStringLiteral("COMMIT"), &err);
            if (!committed) {
                qWarning().noquote() << "store: commit failed:" << err;
                session.exec(QStringLiteral("ROLLBACK"));
            }
        } else {
            qWarning().noquote() << "store: begin failed:" << err;
        }
        ++m_batches;
        auto dones = std::make_shared<std::vector<std::pair<Done, bool>>>();
        dones->reserve(batch.size());
        for (size_t i = 0; i < batch.size(); ++i)
            if (batch[i].done)
                dones->emplace_back(std::move(batch[i].done), committed && results[i]);
        batch.clear();
        if (!dones->empty())
            QMetaObject::invokeMethod(
                this,
                [dones] {
                    for (auto &[done, okFlag] : *dones)
                        done(okFlag);
                },
                Qt::QueuedConnection);
    }
    session.close();
}

// The single writer: operations from any thread are queued and committed in batches on the writer
// thread (group commit); each operation's completion runs on the owner's thread after its batch is durable.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

class SqlSession;

class StoreWriter : public QObject
{
    Q_OBJECT
public:
    using Op = std::function<bool(SqlSession &)>; // return false to roll this op back
    using Done = std::function<void(bool ok)>;

    explicit StoreWriter(QObject *parent = nullptr);
    ~StoreWriter() override;

    bool start(const QString &dbPath, QString *error);
    void stop(); // commits what is queued, then joins

    // Whether an op may wait behind a full queue. Changes the server owes to work already accepted
    // (an agent's result, a requeue) always queue; new work (a submit) is refused when the queue is full.
    enum class Admission { Always, IfRoom };

    // Thread-safe. `done` runs on this object's thread once the op is committed (or failed). Returns
    // false, without queueing and without calling `done`, when admission is IfRoom and the queue is full.
    bool enqueue(Op op, Done done = {}, Admission admission = Admission::Always);
    void setMaxQueued(qsizetype n) { m_maxQueued = n; }
    qsizetype maxQueued() const { return m_maxQueued; }

    quint64 batches() const { return m_batches; }

private:
    struct Item
    {
        Op op;
        Done done;
    };
    void run(QString dbPath);

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Item> m_queue;
    bool m_stopping = false;
    bool m_started = false;
    std::mutex m_startMutex;
    std::condition_variable m_startCv;
    int m_startState = 0; // 0 pending, 1 ok, -1 failed
    QString m_startError;
    quint64 m_batches = 0;
    std::atomic<qsizetype> m_maxQueued {20000};
};

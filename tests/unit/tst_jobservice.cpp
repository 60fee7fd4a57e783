// JobService in-process over a temporary store: submit, cancel, retry, transitions, idempotency (with
// expiry and a bound in memory), a full writer queue, and a failed write that must change nothing.
#include "CoreFixture.h"
#include "IdempotencyCache.h"

class TestJobService : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void submitIsVisibleOnlyAfterItsCommit();
    void cancelThenRetryStartsAttemptTwo();
    void transitionsWaitForTheChangeInFlight();
    void idempotentSubmitReturnsTheFirstJob();
    void idempotencyCacheExpiresAndIsBounded();
    void fullWriterQueueRefusesSubmitsWith503();
    void failedWriteChangesNothing();
    void restartReloadsQueuedJobsCompactly();

private:
    std::unique_ptr<CoreFixture> m_core;
};

void TestJobService::init()
{
    m_core = std::make_unique<CoreFixture>();
    QVERIFY(m_core->start());
}

void TestJobService::cleanup()
{
    m_core.reset();
}

void TestJobService::submitIsVisibleOnlyAfterItsCommit()
{
    QSignalSpy published(m_core->events.get(), &EventBus::published);
    std::optional<Result<JobPtr>> answer;
    m_core->jobs->submit(
        m_core->owner(), JobSpec::fromJson({{"command", "true"}}).value(), {}, [&](Result<JobPtr> r) { answer = r; });
    QCOMPARE(m_core->jobs->queue().size(), 0);
    QCOMPARE(published.size(), 0);
    QTRY_VERIFY(answer.has_value());
    QVERIFY(answer->ok());
    const QString id = answer->value()->id;
    QVERIFY(m_core->jobs->queue().contains(id));
    QCOMPARE(published.size(), 1);
    QCOMPARE(m_core->jobJson(id).value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(m_core->jobs->stateCounts().value(JobState::Queued), 1);
}

void TestJobService::cancelThenRetryStartsAttemptTwo()
{
    const auto job = m_core->submit({{"command", "true"}});
    QVERIFY(job.ok());
    const QString id = job.value()->id;
    const Principal p = m_core->owner();
    auto cancelled = m_core->call([&](JobCallback cb) { m_core->jobs->cancel(p, id, {}, cb); });
    QVERIFY(cancelled.ok());
    QCOMPARE(cancelled.value()->state, JobState::Cancelled);
    QVERIFY(!m_core->jobs->queue().contains(id));
    // cancelling again is idempotent
    QVERIFY(m_core->call([&](JobCallback cb) { m_core->jobs->cancel(p, id, {}, cb); }).ok());

    auto retried = m_core->call([&](JobCallback cb) { m_core->jobs->retry(p, id, cb); });
    QVERIFY(retried.ok());
    QCOMPARE(retried.value()->attempt, 2);
    QVERIFY(m_core->jobs->queue().contains(id));
    const QJsonObject json = m_core->jobJson(id);
    QCOMPARE(json.value("state").toString(), QStringLiteral("QUEUED"));
    QCOMPARE(json.value("attempt").toInt(), 2);
    QCOMPARE(json.value("history").toArray().size(), 3);
    // a queued job cannot be retried
    auto again = m_core->call([&](JobCallback cb) { m_core->jobs->retry(p, id, cb); });
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, ErrorCode::Conflict);
}

void TestJobService::transitionsWaitForTheChangeInFlight()
{
    const QString agent = m_core->registerAgent(QStringLiteral("a1"), 1);
    QVERIFY(!agent.isEmpty());
    const auto job = m_core->submit({{"command", "true"}});
    QVERIFY(job.ok());
    const QString id = job.value()->id;
    QTRY_VERIFY(m_core->jobs->find(id) != nullptr);
    JobPtr j = m_core->jobs->find(id);
    QCOMPARE(j->state, JobState::Assigned);
    // two changes asked for at once: the second is checked against the first's committed result
    int answered = 0;
    QVERIFY(m_core->jobs->transition(
        j, JobState::Running, QStringLiteral("test"), QStringLiteral("started"), {}, [&](bool ok) { answered += ok; }));
    QCOMPARE(j->state, JobState::Assigned); // nothing changes before the commit
    QVERIFY(m_core->jobs->transition(
        j, JobState::Succeeded, QStringLiteral("test"), QStringLiteral("done"), [](Job &x) { x.exitCode = 0; },
        [&](bool ok) { answered += ok; }));
    QTRY_COMPARE(answered, 2);
    const QJsonObject json = m_core->jobJson(id);
    QCOMPARE(json.value("state").toString(), QStringLiteral("SUCCEEDED"));
    const QJsonArray history = json.value("history").toArray();
    QCOMPARE(history.size(), 4);
    QCOMPARE(history.at(2).toObject().value("state").toString(), QStringLiteral("RUNNING"));
    QVERIFY(m_core->jobs->find(id) == nullptr);
    QVERIFY(!m_core->jobs->isUnfinished(id));
}

void TestJobService::idempotentSubmitReturnsTheFirstJob()
{
    // the second submit arrives while the first is being stored
    std::optional<Result<JobPtr>> a, b;
    const JobSpec spec = JobSpec::fromJson({{"command", "true"}}).value();
    m_core->jobs->submit(m_core->owner(), spec, {QStringLiteral("k1")}, [&](Result<JobPtr> r) { a = r; });
    m_core->jobs->submit(m_core->owner(), spec, {QStringLiteral("k1")}, [&](Result<JobPtr> r) { b = r; });
    QTRY_VERIFY(a.has_value() && b.has_value());
    QVERIFY(a->ok() && b->ok());
    QCOMPARE(b->value()->id, a->value()->id);
    const auto c = m_core->submit({{"command", "true"}}, QStringLiteral("k1"));
    QCOMPARE(c.value()->id, a->value()->id);
    QCOMPARE(m_core->jobs->queue().size(), 1);
    // after a restart the store answers
    QVERIFY(m_core->restartServices());
    QCOMPARE(m_core->jobs->cachedIdempotencyKeys(), 0);
    const auto d = m_core->submit({{"command", "true"}}, QStringLiteral("k1"));
    QCOMPARE(d.value()->id, a->value()->id);
    QCOMPARE(m_core->submit({{"command", "true"}}, QStringLiteral("k2")).value()->id == a->value()->id, false);
}

void TestJobService::idempotencyCacheExpiresAndIsBounded()
{
    IdempotencyCache cache(3, 1000);
    for (int i = 0; i < 5; ++i)
        cache.insert(QStringLiteral("ws"), QStringLiteral("k%1").arg(i), QStringLiteral("job%1").arg(i), 100 + i);
    QCOMPARE(cache.size(), 3); // the oldest went first
    QVERIFY(!cache.find(QStringLiteral("ws"), QStringLiteral("k0"), 200));
    QCOMPARE(cache.find(QStringLiteral("ws"), QStringLiteral("k4"), 200).value_or(QString()), QStringLiteral("job4"));
    QVERIFY(!cache.find(QStringLiteral("other"), QStringLiteral("k4"), 200));
    QVERIFY(!cache.find(QStringLiteral("ws"), QStringLiteral("k4"), 104 + 1000)); // expired
    cache.expire(103 + 1000);
    QCOMPARE(cache.size(), 1);
    cache.expire(104 + 1000);
    QCOMPARE(cache.size(), 0);

    // the service forgets keys older than the window, in memory and in the store
    QVERIFY(m_core->submit({{"command", "true"}}, QStringLiteral("old")).ok());
    QCOMPARE(m_core->jobs->cachedIdempotencyKeys(), 1);
    m_core->jobs->expireIdempotencyKeys(QDateTime::currentMSecsSinceEpoch() + IdempotencyCache::kWindowMs + 1);
    QCOMPARE(m_core->jobs->cachedIdempotencyKeys(), 0);
    bool pruned = false; // the store's prune was queued first: wait for what follows it
    m_core->store->writer().enqueue([](SqlSession &) { return true; }, [&pruned](bool) { pruned = true; });
    QTRY_VERIFY(pruned);
    const auto again = m_core->submit({{"command", "true"}}, QStringLiteral("old"));
    QVERIFY(again.ok());
    QCOMPARE(m_core->jobs->queue().size(), 2); // a new job: the key had expired
}

void TestJobService::fullWriterQueueRefusesSubmitsWith503()
{
    m_core->store->writer().setMaxQueued(0);
    QSignalSpy published(m_core->events.get(), &EventBus::published);
    const auto r = m_core->submit({{"command", "true"}});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Unavailable);
    QCOMPARE(r.error().httpStatus(), 503);
    QVERIFY(r.error().detail.value("retryAfter").toInt() >= 1);
    QCOMPARE(m_core->jobs->queue().size(), 0);
    QCOMPARE(published.size(), 0);
    m_core->store->writer().setMaxQueued(20000);
    QVERIFY(m_core->submit({{"command", "true"}}).ok());
}

void TestJobService::failedWriteChangesNothing()
{
    const auto job = m_core->submit({{"command", "true"}, {"labels", QJsonObject {{"pool", "none"}}}});
    QVERIFY(job.ok());
    const QString id = job.value()->id;
    QTRY_VERIFY(!m_core->jobJson(id).value("pendingReason").toString().isEmpty());
    const QJsonObject before = m_core->jobJson(id);
    const auto countsBefore = m_core->jobs->stateCounts();
    QVERIFY(m_core->sql(QStringLiteral("CREATE TRIGGER refuse BEFORE UPDATE ON jobs WHEN NEW.state = 'CANCELLED' "
                                       "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")));
    QSignalSpy published(m_core->events.get(), &EventBus::published);
    QSignalSpy changed(m_core->jobs.get(), &JobService::jobChanged);
    const Principal p = m_core->owner();
    const auto r = m_core->call([&](JobCallback cb) { m_core->jobs->cancel(p, id, {}, cb); });
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Unavailable);
    QCOMPARE(m_core->jobJson(id), before);
    QVERIFY(m_core->jobs->queue().contains(id));
    QCOMPARE(m_core->jobs->stateCounts(), countsBefore);
    QCOMPARE(published.size(), 0);
    QCOMPARE(changed.size(), 0);

    QVERIFY(m_core->sql(QStringLiteral("DROP TRIGGER refuse")));
    QVERIFY(m_core->call([&](JobCallback cb) { m_core->jobs->cancel(p, id, {}, cb); }).ok());
    QCOMPARE(m_core->jobJson(id).value("state").toString(), QStringLiteral("CANCELLED"));
    QCOMPARE(published.size(), 2); // job.transitioned, job.terminal
}

void TestJobService::restartReloadsQueuedJobsCompactly()
{
    for (int i = 0; i < 30; ++i)
        QVERIFY(m_core
                    ->submit({{"command", "true"}, {"priority", i % 3},
                        {"labels", QJsonObject {{"pool", i % 2 ? "a" : "b"}}}})
                    .ok());
    QVERIFY(m_core->restartServices());
    QCOMPARE(m_core->jobs->queue().size(), 30);
    QCOMPARE(m_core->jobs->queue().profiles().size(), 2); // jobs asking for the same share one profile
    QCOMPARE(m_core->jobs->queueDepth(), 30);
    // highest priority first, then oldest
    int last = 1000;
    QString lastId;
    for (const auto &[key, entry] : m_core->jobs->queue().order()) {
        QVERIFY(-key.first <= last);
        if (-key.first == last)
            QVERIFY(key.second > lastId);
        last = -key.first;
        lastId = key.second;
    }
}

QTEST_GUILESS_MAIN(TestJobService)
#include "tst_jobservice.moc"

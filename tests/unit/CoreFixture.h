// In-process control-plane core for unit suites: a temporary store and the real services over it
// (no HTTP). `sql` runs a statement on a connection of its own, e.g. a trigger that refuses a write.
#pragma once

#include "AgentService.h"
#include "AuthService.h"
#include "EventBus.h"
#include "JobService.h"
#include "Metrics.h"
#include "Scheduler.h"
#include "SqlSession.h"
#include "Store.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

class CoreFixture
{
public:
    explicit CoreFixture(int agentTimeoutSeconds = 600)
        : m_timeout(agentTimeoutSeconds)
    {
    }

    bool start()
    {
        QString err;
        store = std::make_unique<Store>();
        if (!store->open(dir.path(), &err))
            return fail(err);
        auth = std::make_unique<AuthService>(*store);
        if (!auth->bootstrap(&err))
            return fail(err);
        return startServices();
    }
    // A restart of the services on the same store (what a server restart reloads).
    bool restartServices()
    {
        scheduler.reset();
        agents.reset();
        jobs.reset();
        events.reset();
        return startServices();
    }
    Principal owner() const
    {
        Principal p;
        p.keyId = QStringLiteral("key_test");
        p.workspaceId = auth->defaultWorkspaceId();
        p.role = Role::Owner;
        return p;
    }
    bool sql(const QString &statement)
    {
        SqlSession s;
        QString err;
        const bool ok = s.open(store->dbPath(), QStringLiteral("fixture"), &err) && s.exec(statement, &err);
        if (!ok)
            qWarning().noquote() << err;
        return ok;
    }
    // Submits and waits for the answer.
    Result<JobPtr> submit(const QJsonObject &body, const QString &idempotencyKey = {})
    {
        std::optional<Result<JobPtr>> out;
        auto spec = JobSpec::fromJson(body);
        if (!spec)
            return spec.error();
        jobs->submit(owner(), spec.value(), {idempotencyKey}, [&out](Result<JobPtr> r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 5000))
            return ApiError::internal(QStringLiteral("no answer"));
        return *out;
    }
    Result<JobPtr> call(const std::function<void(JobCallback)> &fn)
    {
        std::optional<Result<JobPtr>> out;
        fn([&out](Result<JobPtr> r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 5000))
            return ApiError::internal(QStringLiteral("no answer"));
        return *out;
    }
    QJsonObject jobJson(const QString &id)
    {
        const auto j = jobs->jobJson(owner(), id);
        return j ? QJsonDocument::fromJson(j.value()).object() : QJsonObject();
    }
    // Registers an agent in-process; its id, or empty.
    QString registerAgent(const QString &name, int slotCount, const QMap<QString, QString> &labels = {},
        const QStringList &capabilities = {QStringLiteral("COMMAND")}, double cpu = 8, double memGib = 16)
    {
        RegisterRequest r;
        r.name = name;
        r.labels = labels;
        r.capabilities = capabilities;
        r.cpu = cpu;
        r.memGib = memGib;
        r.slotCount = slotCount;
        QString id;
        bool answered = false;
        agents->registerAgent(owner(), r, [&](Result<QJsonObject> res) {
            answered = true;
            if (res)
                id = res.value().value(QStringLiteral("nodeId")).toString();
        });
        (void)QTest::qWaitFor([&] { return answered; }, 5000);
        return id;
    }

    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<AuthService> auth;
    std::unique_ptr<EventBus> events;
    std::unique_ptr<JobService> jobs;
    std::unique_ptr<AgentService> agents;
    std::unique_ptr<Scheduler> scheduler;
    Metrics metrics;

private:
    bool startServices()
    {
        QString err;
        events = std::make_unique<EventBus>(*store);
        events->load();
        jobs = std::make_unique<JobService>(*store, *events);
        if (!jobs->load(&err))
            return fail(err);
        agents = std::make_unique<AgentService>(*store, *auth, *jobs, *events, m_timeout);
        agents->load();
        scheduler = std::make_unique<Scheduler>(*jobs, *agents, metrics);
        scheduler->start();
        return true;
    }
    bool fail(const QString &err)
    {
        qWarning().noquote() << err;
        return false;
    }
    int m_timeout;
};

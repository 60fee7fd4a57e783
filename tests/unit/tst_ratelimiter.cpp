// RateLimiter, LoginThrottle and KeyQuotas in process, on a clock the test moves: bursts, refill,
// Retry-After, the person/key/plan/agent budgets, sign-in locks, key quotas, and that their tables stay
// bounded however many distinct callers come (the per-caller state a soak would otherwise grow).
#include "Access.h"
#include "KeyQuotas.h"
#include "LoginThrottle.h"
#include "RateLimiter.h"

#include <QTest>

namespace {
Principal person(const QString &user, const QString &key = {}, const QString &plan = QStringLiteral("hobby"))
{
    Principal p;
    p.kind = key.isEmpty() ? Principal::Kind::User : Principal::Kind::Key;
    p.userId = user;
    p.keyId = key;
    p.familyId = QStringLiteral("fam_1");
    p.workspaceId = QStringLiteral("ws_1");
    p.plan = plan;
    return p;
}

int retryAfter(const Status &st)
{
    return st ? 0 : st.error().detail.value(QStringLiteral("retryAfter")).toInt();
}
}

class TestRateLimiter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void burstThenRefill()
    {
        RateLimits l;
        l.userPerMinute = 60;
        l.userPerHour = 0;
        RateLimiter r(l);
        const qint64 t0 = 1'000'000;
        for (int i = 0; i < 60; ++i)
            QVERIFY(r.admit(person(QStringLiteral("u1")), t0));
        const Status refused = r.admit(person(QStringLiteral("u1")), t0);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::RateLimited);
        QCOMPARE(retryAfter(refused), 1); // one request per second comes back
        QVERIFY(!r.admit(person(QStringLiteral("u1")), t0 + 500));
        QVERIFY(r.admit(person(QStringLiteral("u1")), t0 + 1000));
    }

    void keysCountAsTheirPerson()
    {
        RateLimits l;
        l.userPerMinute = 10;
        l.userPerHour = 0;
        RateLimiter r(l);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(r.admit(person(QStringLiteral("u1")), 0));
            QVERIFY(r.admit(person(QStringLiteral("u1"), QStringLiteral("key_a")), 0));
        }
        QVERIFY(!r.admit(person(QStringLiteral("u1"), QStringLiteral("key_b")), 0));
        QVERIFY(r.admit(person(QStringLiteral("u2")), 0)); // someone else is unaffected
    }

    void hourlyBudget()
    {
        RateLimits l;
        l.userPerMinute = 0;
        l.userPerHour = 100;
        RateLimiter r(l);
        for (int i = 0; i < 100; ++i)
            QVERIFY(r.admit(person(QStringLiteral("u1")), 0));
        const Status refused = r.admit(person(QStringLiteral("u1")), 0);
        QVERIFY(!refused);
        QCOMPARE(retryAfter(refused), 36); // 3600 s / 100 requests
    }

    void planRate()
    {
        RateLimits l;
        l.userPerMinute = 0;
        l.userPerHour = 0;
        QVERIFY(l.setPlan(QStringLiteral("team=5/5")));
        QVERIFY(!l.setPlan(QStringLiteral("team")));
        QVERIFY(!l.setPlan(QStringLiteral("team=-1/5")));
        RateLimiter r(l);
        // the plan's budget is the workspace's, shared by its people
        for (int i = 0; i < 5; ++i)
            QVERIFY(r.admit(person(QStringLiteral("u%1").arg(i), {}, QStringLiteral("team")), 0));
        QVERIFY(!r.admit(person(QStringLiteral("u9"), {}, QStringLiteral("team")), 0));
        QVERIFY(r.admit(person(QStringLiteral("u9"), {}, QStringLiteral("team")), 200)); // 5/s: one back in 200 ms
        QVERIFY(r.admit(person(QStringLiteral("u9"), {}, QStringLiteral("hobby")), 0)); // hobby: no plan limit
    }

    void agentsHaveTheirOwnCeiling()
    {
        RateLimits l;
        l.userPerMinute = 1;
        l.nodePerMinute = 3;
        RateLimiter r(l);
        Principal node;
        node.kind = Principal::Kind::Node;
        node.nodeId = QStringLiteral("node_1");
        node.userId = QStringLiteral("u1"); // a node key never spends a person's budget
        QVERIFY(r.admit(person(QStringLiteral("u1")), 0));
        QVERIFY(!r.admit(person(QStringLiteral("u1")), 0));
        for (int i = 0; i < 3; ++i)
            QVERIFY(r.admit(node, 0));
        QVERIFY(!r.admit(node, 0));
    }

    void tableStaysBounded()
    {
        RateLimiter r;
        // 300,000 distinct people, an hour and a bit apart in two waves: idle full buckets are dropped
        for (int i = 0; i < 150000; ++i)
            QVERIFY(r.admit(person(QStringLiteral("a%1").arg(i)), 0));
        for (int i = 0; i < 150000; ++i)
            QVERIFY(r.admit(person(QStringLiteral("b%1").arg(i)), 3'700'000));
        QVERIFY2(r.tracked() <= 200000, qPrintable(QString::number(r.tracked())));
    }

    void loginThrottle()
    {
        LoginThrottle t({3, 5, 60'000, 120'000});
        const QString addr = QStringLiteral("10.0.0.1");
        for (int i = 0; i < 3; ++i) {
            QVERIFY(t.check(addr, QStringLiteral("ana@x.io"), 0));
            t.failed(addr, QStringLiteral("ana@x.io"), 0);
        }
        const Status locked = t.check(addr, QStringLiteral("ana@x.io"), 1000);
        QVERIFY(!locked);
        QCOMPARE(retryAfter(locked), 119);
        QVERIFY(t.check(addr, QStringLiteral("li@x.io"), 1000)); // another account from the same address
        t.failed(addr, QStringLiteral("li@x.io"), 1000);
        t.failed(addr, QStringLiteral("li@x.io"), 1000);
        QVERIFY(!t.check(addr, QStringLiteral("zoe@x.io"), 1000)); // the address's 5 failures are spent
        QVERIFY(t.check(QStringLiteral("10.0.0.2"), QStringLiteral("zoe@x.io"), 1000));
        QVERIFY(t.check(addr, QStringLiteral("ana@x.io"), 121'000)); // the lock runs out
        for (int i = 0; i < 150000; ++i)
            t.failed(QStringLiteral("10.1.%1").arg(i), QString(), 200'000 + i * 10);
        QVERIFY(t.tracked() <= 100000);
    }

    void keyQuotas()
    {
        KeyQuotas q;
        Principal k = person(QStringLiteral("u1"), QStringLiteral("key_1"));
        k.allowedJobTypes = {QStringLiteral("COMMAND")};
        k.maxConcurrentJobs = 2;
        k.maxJobsPerHour = 3;
        const Status wrongType = q.admit(k, QStringLiteral("render"), QStringLiteral("job_x"), 0);
        QVERIFY(!wrongType);
        QCOMPARE(wrongType.error().code, ErrorCode::Forbidden);
        QVERIFY(q.admit(k, QStringLiteral("COMMAND"), QStringLiteral("job_1"), 0));
        QVERIFY(q.admit(k, QStringLiteral("COMMAND"), QStringLiteral("job_2"), 1000));
        const Status busy = q.admit(k, QStringLiteral("COMMAND"), QStringLiteral("job_3"), 2000);
        QCOMPARE(busy.error().code, ErrorCode::Conflict);
        q.finished(QStringLiteral("job_1"));
        QVERIFY(q.admit(k, QStringLiteral("COMMAND"), QStringLiteral("job_3"), 2000));
        q.finished(QStringLiteral("job_2"));
        const Status hourly = q.admit(k, QStringLiteral("COMMAND"), QStringLiteral("job_4"), 3000);
        QCOMPARE(hourly.error().code, ErrorCode::RateLimited);
        QCOMPARE(retryAfter(hourly), 3597); // the first submit leaves the hour at 3,600 s
        q.withdraw(QStringLiteral("job_3")); // a submit that was not stored gives its slot back
        QVERIFY(q.admit(k, QStringLiteral("COMMAND"), QStringLiteral("job_4"), 3000));
        for (const char *id : {"job_3", "job_4"}) {
            q.committed(QLatin1String(id));
            q.finished(QLatin1String(id));
        }
        QCOMPARE(q.trackedJobs(), 0);
    }

    void roleTable()
    {
        Principal member = person(QStringLiteral("u1"));
        Principal admin = member;
        admin.role = Role::Admin;
        Principal owner = member;
        owner.role = Role::Owner;
        Principal node;
        node.kind = Principal::Kind::Node;
        node.nodeId = QStringLiteral("node_1");
        QVERIFY(Access::allows(member, Permission::SubmitJobs));
        QVERIFY(!Access::allows(member, Permission::ManageAnyJob));
        QVERIFY(Access::allows(admin, Permission::InviteMembers));
        QVERIFY(!Access::allows(admin, Permission::InviteOwners));
        QVERIFY(Access::allows(owner, Permission::ManageBilling));
        QVERIFY(!Access::allows(node, Permission::ReadJobs));
        QVERIFY(Access::allows(node, Permission::AgentPlane));
        QVERIFY(!Access::allows(owner, Permission::AgentPlane));
        const Status refused = Access::require(member, Permission::ReadAudit);
        QCOMPARE(refused.error().code, ErrorCode::Forbidden);
        QCOMPARE(refused.error().detail.value(QStringLiteral("requiredRole")).toString(), QStringLiteral("admin"));
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"

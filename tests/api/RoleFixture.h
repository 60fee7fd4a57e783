// The people of the identity suites: workspace A (the server's first) with an owner, an admin, a member and a
// spare member, workspace B owned by A's owner with an outsider as its member, a revoked key, a probe job of A.
#pragma once

#include "TestServer.h"
#include "TestTeam.h"

#include <QJsonValue>
#include <QObject>

#include <memory>
#include <optional>

class RoleFixture : public QObject
{
protected:
    // Starts the server and sets up the people (QVERIFY inside: check QTest::currentTestFailed()).
    void setUpTeam();
    void tearDownTeam();

    QString submit(const TestServer::Headers &who = {}); // a `true` job; the admin key's when who is empty
    QString jobState(const QString &id);
    QJsonValue jobSnapshot(const QString &id); // {state, attempt}
    QJsonValue jobPageSnapshot(); // ids of A's first page of jobs
    QString registerNode(); // a node of A, registered with the admin key
    QJsonValue memberSnapshot(const QString &userOrEmail); // A's member or invitation rows for them

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestTeam> m_team;
    QString m_a, m_b;
    std::optional<TestPerson> m_owner, m_admin, m_member, m_outsider, m_victim;
    QString m_revokedKey;
    QString m_probeJob; // a job of A: no answer to the outsider may mention it
};

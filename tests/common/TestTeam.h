// People for identity tests: invites an email into a workspace with a role (through the admin key),
// registers it, and mints it an API key, so a suite can act as owner, admin, member or outsider.
#pragma once

#include "TestServer.h"

#include <optional>

struct TestPerson
{
    QString email;
    QString password;
    QString userId;
    QString workspaceId; // the workspace they were added to
    QString role;
    QString accessToken;
    QString refreshToken;
    QString apiKey; // minted with their token in workspaceId, role = their role
    QString keyId;

    // Authorization: Bearer <access token>, acting in `workspace` when given (X-Workspace-Id).
    TestServer::Headers bearer(const QString &workspace = {}) const;
    TestServer::Headers key() const; // X-API-Key: <apiKey>
};

class TestTeam
{
public:
    explicit TestTeam(TestServer &server)
        : m_server(server)
    {
    }

    // The admin key's workspace (the server's first).
    QString defaultWorkspace();
    // Invites `email` (default: a fresh one) into `workspaceId` as `role` with `inviter` (default the admin
    // key), registers them, and mints them a key; nullopt (with a qWarning of the reply) on any failure.
    std::optional<TestPerson> addPerson(
        const QString &workspaceId, const QString &role, const TestServer::Headers &inviter = {}, QString email = {});
    // A workspace owned by `owner` (POST /v0/workspaces with their token); its id or empty.
    QString createWorkspace(const TestPerson &owner, const QString &name);
    // Requests as someone: no admin key, these headers.
    TestServer::Reply as(
        const TestServer::Headers &who, const QByteArray &method, const QString &path, const QJsonObject &body = {});
    TestServer::Reply asRaw(
        const TestServer::Headers &who, const QByteArray &method, const QString &path, const QByteArray &body);

    static TestServer::Headers keyHeader(const QString &key);

private:
    TestServer &m_server;
    int m_counter = 0;
};

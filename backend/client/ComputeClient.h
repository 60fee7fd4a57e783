// The typed asynchronous client of a control plane's HTTP API. Every call answers once, on the thread the
// client lives on, with a value or a ClientError. Calls that are safe to repeat (GET, DELETE, cancel, a submit
// carrying an idempotency key) are retried with backoff on a dropped connection, 502/503/504 and short 429s;
// a session's access token is refreshed before it expires and once on a 401. No credential is ever logged.
#pragma once

#include "ClientError.h"
#include "ClientTypes.h"
#include "ArtifactTypes.h"
#include "SecretTypes.h" // part 2: secret vaults
#include "WebhookTypes.h" // part 3: webhooks
#include "ScheduleTypes.h" // schedules (part 4)

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrlQuery>
#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QSslConfiguration;

template <typename T> using ClientCallback = std::function<void(ClientResult<T>)>;

struct ApiRequest
{
    QByteArray method = "GET";
    QString path; // "/v0/jobs"
    QUrlQuery query;
    QByteArray body; // JSON; empty: none
    QList<QPair<QByteArray, QByteArray>> headers;
    bool retrySafe = false; // GET and DELETE are always retry-safe
    bool anonymous = false; // sent without credentials (sign-in routes)
};

struct ApiAnswer
{
    int status = 0;
    QByteArray body;
    QJsonObject json; // when the body is a JSON object
    QHash<QByteArray, QByteArray> headers; // lower-case names
};

class ComputeClient : public QObject
{
    Q_OBJECT
public:
    explicit ComputeClient(ClientConnection connection, QObject *parent = nullptr);
    ~ComputeClient() override;

    const ClientConnection &connection() const { return m_conn; }
    void setConnection(const ClientConnection &connection);
    QUrl url(const QString &path, const QUrlQuery &query = {}) const;

    // The raw call: any path, the answer whatever its JSON. Error statuses become ClientErrors.
    void send(ApiRequest request, ClientCallback<ApiAnswer> done);
    // A request with the connection's credentials and TLS settings, for streams the caller reads itself.
    // Refreshes a session first when it is about to expire.
    void prepareStream(const QString &path, const QUrlQuery &query,
        std::function<void(ClientResult<QNetworkReply *>)> opened,
        const QList<QPair<QByteArray, QByteArray>> &headers = {});

    // --- sign-in
    void login(const QString &email, const QString &password, ClientCallback<Session> done);
    void refreshSession(ClientCallback<Session> done);
    void logout(ClientCallback<bool> done);
    void whoAmI(ClientCallback<WhoAmI> done);

    // --- jobs
    // `body` is a submit body (docs/api.md); an empty idempotencyKey makes the submit not retry-safe.
    void submitJob(const QJsonObject &body, const QString &idempotencyKey, ClientCallback<SubmittedJob> done);
    void job(const QString &id, ClientCallback<JobView> done);
    void jobs(const JobFilter &filter, ClientCallback<JobPage> done);
    void cancelJob(const QString &id, const QString &reason, ClientCallback<JobView> done);
    void retryJob(const QString &id, ClientCallback<JobView> done);
    void logs(const QString &jobId, const LogRequest &request, ClientCallback<LogPage> done);

    // --- agents
    void agents(ClientCallback<AgentList> done);
    void agent(const QString &id, ClientCallback<AgentView> done);
    void drainAgent(const QString &id, ClientCallback<AgentView> done);
    // With a deadline: jobs still on the agent after deadlineSeconds are cancelled ("drain deadline").
    void drainAgent(const QString &id, int deadlineSeconds, ClientCallback<AgentView> done);
    // Asks the agent to rotate its node key (it does so itself, over its push channel or next heartbeat).
    void rotateAgentKey(const QString &id, ClientCallback<AgentView> done);
    // An admin or owner API key (expiring after `days`), and the exact command that starts an agent with it.
    void joinCommand(int days, ClientCallback<JoinCommand> done);

    // --- dashboard
    void stats(ClientCallback<FleetStats> done);
    void removeAgent(const QString &id, ClientCallback<bool> done);

    // --- workspaces and members
    void workspaces(ClientCallback<WorkspaceList> done);
    void createWorkspace(const QString &name, ClientCallback<WorkspaceView> done);
    void members(const QString &workspaceId, ClientCallback<MemberList> done);
    void invite(
        const QString &workspaceId, const QString &email, const QString &role, ClientCallback<QJsonObject> done);
    // `member`: a user id or an email (also of an invitation).
    void setMemberRole(
        const QString &workspaceId, const QString &member, const QString &role, ClientCallback<QJsonObject> done);
    void removeMember(const QString &workspaceId, const QString &member, ClientCallback<bool> done);

    // --- API keys
    void createKey(const QJsonObject &body, ClientCallback<KeyView> done);
    void keys(bool includeRevoked, ClientCallback<KeyList> done);
    void revokeKey(const QString &id, ClientCallback<KeyView> done);

    // --- audit
    // One page of an export (format jsonl or csv); follow nextCursor until it is empty.
    void auditExport(const QString &workspaceId, const AuditFilter &filter, const QString &format,
        const QString &cursor, ClientCallback<AuditChunk> done);
    void auditVerify(const QString &workspaceId, ClientCallback<AuditVerdict> done);

    // --- artifacts (Part 1; ComputeClientArtifacts.cpp). Download a link's bytes with ArtifactFetch.
    void artifacts(const QString &jobId, ClientCallback<JobArtifacts> done);
    // A signed download link by artifact id, or by name (the newest attempt's).
    void artifactLink(
        const QString &jobId, const QString &artifactId, const QString &name, ClientCallback<ArtifactLink> done);
    // --- part 2: secret vaults (ComputeClientSecrets.cpp); `vault` is a vault's id or name. Values go out only.
    void secretVaults(ClientCallback<SecretVaultList> done);
    void createSecretVault(const QString &name, const QString &description, ClientCallback<SecretVaultView> done);
    void deleteSecretVault(const QString &vault, ClientCallback<bool> done);
    void secrets(const QString &vault, ClientCallback<SecretList> done);
    void putSecret(const QString &vault, const QString &name, const QString &value, ClientCallback<SecretView> done);
    void deleteSecret(const QString &vault, const QString &name, ClientCallback<bool> done);
    // --- webhooks (part 3; ComputeClientWebhooks.cpp)
    void createWebhook(const QJsonObject &body, ClientCallback<WebhookView> done); // secret in the answer only
    void webhooks(ClientCallback<WebhookList> done);
    void webhook(const QString &id, ClientCallback<WebhookView> done);
    void updateWebhook(const QString &id, const QJsonObject &body, ClientCallback<WebhookView> done);
    void deleteWebhook(const QString &id, ClientCallback<bool> done);
    void rotateWebhookSecret(const QString &id, ClientCallback<WebhookView> done);
    void testWebhook(const QString &id, ClientCallback<WebhookDeliveryView> done);
    void webhookDeliveries(const QString &id, int limit, const QString &cursor, ClientCallback<WebhookDeliveryPage> done);
    void resendWebhookDelivery(const QString &id, const QString &deliveryId, ClientCallback<WebhookDeliveryView> done);
    // --- schedules (part 4; ComputeClientSchedules.cpp)
    void schedules(ClientCallback<ScheduleList> done);
    void schedule(const QString &id, ClientCallback<ScheduleView> done);
    void createSchedule(const QJsonObject &body, ClientCallback<ScheduleView> done);
    void updateSchedule(const QString &id, const QJsonObject &changes, ClientCallback<ScheduleView> done);
    void setSchedulePaused(const QString &id, bool paused, ClientCallback<ScheduleView> done);
    void deleteSchedule(const QString &id, ClientCallback<bool> done);
    // The next five run times of a cron expression in a zone (empty: UTC), before anything is saved.
    void previewSchedule(const QString &cron, const QString &timeZone, ClientCallback<SchedulePreview> done);
    void scheduleRuns(const QString &id, int limit, ClientCallback<JobPage> done); // newest first

signals:
    // The session's tokens changed (refreshed): store them where the caller keeps them.
    void sessionRefreshed(const Session &session);

private:
    struct Pending;
    void withFreshToken(std::function<void(ClientResult<bool>)> then);
    void dispatch(std::shared_ptr<Pending> p);
    void finished(std::shared_ptr<Pending> p, QNetworkReply *reply);
    QNetworkRequest makeRequest(const QString &path, const QUrlQuery &query) const;
    static ClientError transportError(QNetworkReply *reply);
    void call(ApiRequest request, std::function<void(ClientResult<QJsonObject>)> done);

    ClientConnection m_conn;
    QNetworkAccessManager *m_nam;
    std::unique_ptr<QSslConfiguration> m_ssl;
    QString m_sslError; // why the CA file could not be used
    bool m_refreshing = false;
    QList<std::function<void(ClientResult<bool>)>> m_afterRefresh;
};

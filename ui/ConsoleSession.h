// The console's one connection to a control plane: the client every page calls through, the shared
// /v0/events stream, who we are there, and the connection's state (banner, reconnect with backoff).
#pragma once

#include "ClientError.h"
#include "ClientTypes.h"

#include <QObject>
#include <QSet>
#include <QTimer>

class ComputeClient;
class EventStream;

class ConsoleSession : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Connecting, Connected, Reconnecting, Failed };
    Q_ENUM(State)

    explicit ConsoleSession(QObject *parent = nullptr);
    ~ConsoleSession() override;

    // The pointer is stable for the session's life; its connection changes with connectTo().
    ComputeClient *client() const { return m_client; }

    // (Re)connects: asks who we are, then opens /v0/events and emits reset(). A server that is away is
    // retried with backoff (1 s doubling to 30 s); refused credentials stop at Failed.
    void connectTo(const ClientConnection &connection, const QString &profileName);
    void disconnectFromServer();
    void retryNow();

    State state() const { return m_state; }
    ClientError lastError() const { return m_lastError; }
    QString profileName() const { return m_profile; }
    const WhoAmI &me() const { return m_me; }
    QString role() const { return m_me.role; }
    bool isAdmin() const;
    QString serverUrl() const;
    QString apiKey() const;
    QString workspaceId() const { return m_me.workspaceId; }
    // Changes the workspace a signed-in person acts in (an API key acts in its own): reconnects.
    void switchWorkspace(const QString &workspaceId);

    // Jobs submitted from this console (their end is notified).
    void noteSubmitted(const QString &jobId) { m_submitted.insert(jobId); }
    bool submittedHere(const QString &jobId) const { return m_submitted.contains(jobId); }
    void forgetSubmitted(const QString &jobId) { m_submitted.remove(jobId); } // once its end was notified

    // Navigation between pages without pages knowing each other or the window.
    void requestOpenJob(const QString &jobId) { emit openJobRequested(jobId); }
    void requestFollowLogs(const QStringList &jobIds) { emit followLogsRequested(jobIds); }

signals:
    void event(const ClientEvent &event);
    void reset(); // connected afresh (first time, a profile or workspace switch): pages reload
    void connectionStateChanged(ConsoleSession::State state);
    void identityChanged();
    void sessionRefreshed(const Session &session); // a signed-in profile's tokens changed: store them
    void openJobRequested(const QString &jobId);
    void followLogsRequested(const QStringList &jobIds);

private:
    void attempt();
    void setState(State state, const ClientError &error = {});
    void scheduleRetry(const ClientError &why);
    void openEvents();

    ComputeClient *m_client;
    EventStream *m_events = nullptr;
    QTimer m_retry;
    int m_backoffMs = 0;
    quint64 m_generation = 0; // answers of an earlier connection are ignored
    State m_state = State::Idle;
    ClientError m_lastError;
    QString m_profile;
    WhoAmI m_me;
    QSet<QString> m_submitted;
};

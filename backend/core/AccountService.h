// People: register, password login, one-time-code login, refresh with rotation, logout. Password
// hashing (Argon2id, tens of milliseconds) runs on a small pool so the control plane's thread never
// waits for it; everything a sign-in changes is stored through the single writer.
#pragma once

#include "ApiError.h"
#include "LoginThrottle.h"
#include "Principal.h"

#include <QJsonObject>
#include <QObject>
#include <QThreadPool>
#include <functional>

class Store;
class AuthService;
class OtpMailer;
struct UserRecord;

struct AccountConfig
{
    enum class Registration { Open, Invite, Closed };
    Registration registration = Registration::Invite;
    qint64 refreshTtlMs = 30LL * 24 * 3600 * 1000;
    qint64 otpTtlMs = 10 * 60 * 1000;
    int otpMaxTries = 5;
    LoginThrottle::Limits throttle;
};

using JsonCallback = std::function<void(Result<QJsonObject>)>;

class AccountService : public QObject
{
    Q_OBJECT
public:
    AccountService(Store &store, AuthService &auth, OtpMailer &mailer, AccountConfig config, QObject *parent = nullptr);
    ~AccountService() override;

    void registerUser(const QJsonObject &body, const QString &address, JsonCallback done);
    void login(const QJsonObject &body, const QString &address, JsonCallback done);
    void refresh(const QJsonObject &body, const QString &address, JsonCallback done);
    void logout(const Principal &p, const QJsonObject &body, JsonCallback done);
    void requestOtp(const QJsonObject &body, const QString &address, JsonCallback done);
    void verifyOtp(const QJsonObject &body, const QString &address, JsonCallback done);
    Result<QJsonObject> me(const Principal &p);

    static QString normalizeEmail(const QString &email);
    static bool isEmail(const QString &normalized);
    static QJsonObject userJson(const UserRecord &u);

private:
    // A user signs in (or has just been created): a new refresh family; `extra` joins the same commit.
    void startSession(const UserRecord &user, std::function<bool(class SqlSession &)> extra, JsonCallback done);
    // After a code matched (and was consumed): the session, creating the person if they may sign up.
    void signInWithOtp(const QString &email, qint64 now, const ApiError &invalid, JsonCallback done);
    // Runs `work` on the hashing pool and `then` back on this thread; 503 when too many are waiting.
    void offThread(std::function<QString()> work, std::function<void(QString)> then, const JsonCallback &busy);
    bool maySignUp(const QString &email) const;
    // The writes that turn a new email into a user: invitations accepted, or a workspace of their own.
    std::function<bool(class SqlSession &)> createUser(const UserRecord &u) const;

    Store &m_store;
    AuthService &m_auth;
    OtpMailer &m_mailer;
    AccountConfig m_config;
    LoginThrottle m_throttle;
    QThreadPool m_pool;
    int m_pending = 0;
};

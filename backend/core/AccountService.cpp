// Sign-in rules. Unknown email and wrong password get the same answer after the same work (a dummy
// Argon2id verification), so neither the reply nor its timing tells whether an account exists.
#include "AccountService.h"
#include "AuthService.h"
#include "IdentityRepository.h"
#include "OtpMailer.h"
#include "PasswordHasher.h"
#include "SqlSession.h"
#include "Store.h"
#include "TokenRepository.h"
#include "Ulid.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <openssl/crypto.h>

namespace {
constexpr int kMaxPending = 32;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString sha256(const QString &s)
{
    return QString::fromLatin1(QCryptographicHash::hash(s.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString newRefreshToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QStringLiteral("rt_")
        + QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

ApiError invalidCredentials()
{
    return ApiError::make(ErrorCode::Unauthorized, QStringLiteral("invalid email or password"));
}

ApiError badSession(const QString &why)
{
    return ApiError::make(ErrorCode::Unauthorized, why);
}

QString stringField(const QJsonObject &body, const char *camel, const char *snake = nullptr)
{
    QString v = body.value(QLatin1String(camel)).toString();
    if (v.isEmpty() && snake)
        v = body.value(QLatin1String(snake)).toString();
    return v;
}
}

AccountService::AccountService(
    Store &store, AuthService &auth, OtpMailer &mailer, AccountConfig config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_auth(auth)
    , m_mailer(mailer)
    , m_config(config)
    , m_throttle(config.throttle)
{
    m_pool.setMaxThreadCount(2);
}

AccountService::~AccountService()
{
    m_pool.waitForDone();
}

QString AccountService::normalizeEmail(const QString &email)
{
    return email.trimmed().toLower();
}

bool AccountService::isEmail(const QString &e)
{
    static const QRegularExpression re(QStringLiteral("^[^@\\s\"'<>,;]+@[^@\\s\"'<>,;]+\\.[^@\\s\"'<>,;]+$"));
    return e.size() <= 254 && re.match(e).hasMatch();
}

QJsonObject AccountService::userJson(const UserRecord &u)
{
    return {{QStringLiteral("id"), u.id}, {QStringLiteral("email"), u.email}, {QStringLiteral("name"), u.name},
        {QStringLiteral("isActive"), u.active}, {QStringLiteral("is_active"), u.active}};
}

void AccountService::offThread(
    std::function<QString()> work, std::function<void(QString)> then, const JsonCallback &busy)
{
    if (m_pending >= kMaxPending)
        return busy(ApiError::make(ErrorCode::Unavailable,
            QStringLiteral("too many sign-ins at once; try again shortly"), {{QStringLiteral("retryAfter"), 1}}));
    ++m_pending;
    m_pool.start([this, work = std::move(work), then = std::move(then)] {
        QString r = work();
        QMetaObject::invokeMethod(
            this,
            [this, then, r] {
                --m_pending;
                then(r);
            },
            Qt::QueuedConnection);
    });
}

bool AccountService::maySignUp(const QString &email) const
{
    switch (m_config.registration) {
    case AccountConfig::Registration::Open:
        return true;
    case AccountConfig::Registration::Invite:
        return !IdentityRepository::invitationsFor(m_store.reader(), email).isEmpty();
    case AccountConfig::Registration::Closed:
        return false;
    }
    return false;
}

std::function<bool(SqlSession &)> AccountService::createUser(const UserRecord &u) const
{
    const bool open = m_config.registration == AccountConfig::Registration::Open;
    return [u, open](SqlSession &s) {
        if (!IdentityRepository::insertUser(s, u))
            return false;
        const bool invited = !IdentityRepository::invitationsFor(s, u.email).isEmpty();
        if (invited)
            return IdentityRepository::acceptInvitations(s, u.email, u.id, u.createdAt);
        if (!open)
            return false; // the invitation went away meanwhile
        const QString ws = Ulid::withPrefix(QStringLiteral("ws"));
        const QString name = (u.name.isEmpty() ? u.email : u.name) + QStringLiteral("'s workspace");
        return IdentityRepository::insertWorkspace(s, ws, name.left(200), u.createdAt)
            && IdentityRepository::insertMember(s, ws, u.id, QStringLiteral("owner"), u.createdAt);
    };
}

void AccountService::startSession(const UserRecord &user, std::function<bool(SqlSession &)> extra, JsonCallback done)
{
    const qint64 now = nowMs();
    const QString token = newRefreshToken();
    const RefreshTokenRecord rec {
        sha256(token), Ulid::withPrefix(QStringLiteral("fam")), user.id, now, now + m_config.refreshTtlMs};
    m_store.writer().enqueue(
        [rec, extra](SqlSession &s) { return (!extra || extra(s)) && TokenRepository::insertRefresh(s, rec); },
        [this, user, rec, token, done](bool ok) {
            if (!ok)
                return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("the session could not be stored"),
                    {{QStringLiteral("retryAfter"), 1}}));
            m_auth.forgetMemberships();
            const AccessToken access = m_auth.issueAccessToken(user.id, rec.familyId);
            const QJsonObject tokens {{QStringLiteral("accessToken"), access.token},
                {QStringLiteral("refreshToken"), token}, {QStringLiteral("tokenType"), QStringLiteral("bearer")},
                {QStringLiteral("expiresIn"), access.expiresIn}, {QStringLiteral("access_token"), access.token},
                {QStringLiteral("refresh_token"), token}, {QStringLiteral("token_type"), QStringLiteral("bearer")}};
            QJsonObject out = tokens;
            out.insert(QStringLiteral("user"), userJson(user));
            out.insert(QStringLiteral("tokens"), tokens);
            done(out);
        });
}

void AccountService::registerUser(const QJsonObject &body, const QString &address, JsonCallback done)
{
    const QString email = normalizeEmail(body.value(QStringLiteral("email")).toString());
    const QString name = body.value(QStringLiteral("name")).toString().trimmed();
    const QString password = body.value(QStringLiteral("password")).toString();
    QJsonObject fields;
    if (!isEmail(email))
        fields.insert(QStringLiteral("email"), QStringLiteral("a valid email address is required"));
    if (name.size() > 200)
        fields.insert(QStringLiteral("name"), QStringLiteral("at most 200 characters"));
    if (password.size() < 8)
        fields.insert(QStringLiteral("password"), QStringLiteral("at least 8 characters"));
    else if (password.toUtf8().size() > PasswordHasher::kMaxPasswordBytes)
        fields.insert(
            QStringLiteral("password"), QStringLiteral("at most %1 bytes").arg(PasswordHasher::kMaxPasswordBytes));
    if (!fields.isEmpty())
        return done(ApiError::validation(fields));
    if (const Status st = m_throttle.check(address, QString(), nowMs()); !st)
        return done(st.error());
    if (IdentityRepository::userByEmail(m_store.reader(), email))
        return done(ApiError::conflict(QStringLiteral("email already registered")));
    if (!maySignUp(email)) {
        m_throttle.failed(address, QString(), nowMs());
        return done(ApiError::make(ErrorCode::Forbidden,
            m_config.registration == AccountConfig::Registration::Closed
                ? QStringLiteral("registration is closed on this server")
                : QStringLiteral("registration is by invitation on this server; ask a workspace admin to invite %1")
                      .arg(email)));
    }
    offThread([password] { return PasswordHasher::hash(password); },
        [this, email, name, done](const QString &hash) {
            if (hash.isEmpty())
                return done(ApiError::internal(QStringLiteral("the password could not be hashed")));
            const UserRecord u {Ulid::withPrefix(QStringLiteral("usr")), email, name, hash, true, nowMs()};
            startSession(u, createUser(u), [this, email, done](Result<QJsonObject> r) {
                if (!r && IdentityRepository::userByEmail(m_store.reader(), email))
                    return done(ApiError::conflict(QStringLiteral("email already registered")));
                done(std::move(r));
            });
        },
        done);
}

void AccountService::login(const QJsonObject &body, const QString &address, JsonCallback done)
{
    const QString email = normalizeEmail(body.value(QStringLiteral("email")).toString());
    const QString password = body.value(QStringLiteral("password")).toString();
    if (email.isEmpty() || password.isEmpty())
        return done(
            ApiError::validation({{QStringLiteral("email"), QStringLiteral("email and password are required")}}));
    if (email.size() > 254 || password.toUtf8().size() > PasswordHasher::kMaxPasswordBytes)
        return done(invalidCredentials());
    if (const Status st = m_throttle.check(address, email, nowMs()); !st)
        return done(st.error());
    const auto user = IdentityRepository::userByEmail(m_store.reader(), email);
    const QString encoded = user ? user->passwordHash : QString();
    offThread(
        [encoded, password] {
            const bool ok = encoded.isEmpty() ? (PasswordHasher::dummyVerify(password), false)
                                              : PasswordHasher::verify(encoded, password);
            return ok ? QStringLiteral("ok") : QString();
        },
        [this, user, email, address, done](const QString &verdict) {
            if (verdict.isEmpty() || !user || !user->active) {
                m_throttle.failed(address, email, nowMs());
                return done(invalidCredentials());
            }
            m_throttle.succeeded(email);
            startSession(*user, {}, done);
        },
        done);
}

void AccountService::refresh(const QJsonObject &body, const QString &address, JsonCallback done)
{
    const QString token = stringField(body, "refreshToken", "refresh_token");
    if (token.isEmpty())
        return done(ApiError::validation({{QStringLiteral("refreshToken"), QStringLiteral("required")}}));
    if (const Status st = m_throttle.check(address, QString(), nowMs()); !st)
        return done(st.error());
    const QString hash = sha256(token.left(200));
    const auto rec = TokenRepository::refresh(m_store.reader(), hash);
    const qint64 now = nowMs();
    if (!rec || rec->revokedAt > 0 || rec->expiresAt <= now) {
        m_throttle.failed(address, QString(), now);
        return done(badSession(QStringLiteral("the refresh token is not valid")));
    }
    const auto user = IdentityRepository::user(m_store.reader(), rec->userId);
    if (!user || !user->active)
        return done(badSession(QStringLiteral("the refresh token is not valid")));
    auto reused = std::make_shared<bool>(false);
    const QString next = newRefreshToken();
    const RefreshTokenRecord nextRec {sha256(next), rec->familyId, rec->userId, now, now + m_config.refreshTtlMs};
    // Rotation: the old token is marked used and its successor stored in one commit. A token used
    // twice means it leaked: the whole family (every session descended from that login) is revoked.
    m_store.writer().enqueue(
        [hash, nextRec, reused, now](SqlSession &s) {
            if (!TokenRepository::markUsed(s, hash, now)) {
                *reused = true;
                return TokenRepository::revokeFamily(s, nextRec.familyId, now);
            }
            return TokenRepository::insertRefresh(s, nextRec);
        },
        [this, user, nextRec, next, reused, now, done](bool ok) {
            if (*reused) {
                m_auth.familyRevoked(nextRec.familyId, now);
                qWarning().noquote() << "refresh token reused; session family revoked user=" + nextRec.userId;
                return done(badSession(QStringLiteral("this refresh token was already used; the session is revoked")));
            }
            if (!ok)
                return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("the session could not be stored"),
                    {{QStringLiteral("retryAfter"), 1}}));
            const AccessToken access = m_auth.issueAccessToken(user->id, nextRec.familyId);
            done(QJsonObject {{QStringLiteral("accessToken"), access.token}, {QStringLiteral("refreshToken"), next},
                {QStringLiteral("tokenType"), QStringLiteral("bearer")},
                {QStringLiteral("expiresIn"), access.expiresIn}, {QStringLiteral("access_token"), access.token},
                {QStringLiteral("refresh_token"), next}, {QStringLiteral("token_type"), QStringLiteral("bearer")}});
        });
}

void AccountService::logout(const Principal &p, const QJsonObject &body, JsonCallback done)
{
    QStringList families;
    if (!p.familyId.isEmpty())
        families << p.familyId;
    const QString token = stringField(body, "refreshToken", "refresh_token");
    if (!token.isEmpty()) {
        const auto rec = TokenRepository::refresh(m_store.reader(), sha256(token.left(200)));
        if (rec && rec->userId == p.userId && !families.contains(rec->familyId))
            families << rec->familyId;
    }
    if (families.isEmpty())
        return done(ApiError::invalid(
            QStringLiteral("nothing to log out: sign in with an access token, or name the session's refreshToken")));
    const qint64 now = nowMs();
    m_store.writer().enqueue(
        [families, now](SqlSession &s) {
            for (const QString &f : families)
                if (!TokenRepository::revokeFamily(s, f, now))
                    return false;
            return true;
        },
        [this, families, now, done](bool ok) {
            if (!ok)
                return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("the logout could not be stored"),
                    {{QStringLiteral("retryAfter"), 1}}));
            for (const QString &f : families)
                m_auth.familyRevoked(f, now);
            done(QJsonObject {{QStringLiteral("message"), QStringLiteral("Logged out successfully")}});
        });
}

void AccountService::requestOtp(const QJsonObject &body, const QString &address, JsonCallback done)
{
    const QString email = normalizeEmail(body.value(QStringLiteral("email")).toString());
    if (!isEmail(email))
        return done(
            ApiError::validation({{QStringLiteral("email"), QStringLiteral("a valid email address is required")}}));
    if (const Status st = m_throttle.check(address, email, nowMs()); !st)
        return done(st.error());
    const QJsonObject answer {{QStringLiteral("message"),
        QStringLiteral("if this address may sign in here, a code was sent to it; it is valid for %1 minutes")
            .arg(m_config.otpTtlMs / 60000)}};
    const auto user = IdentityRepository::userByEmail(m_store.reader(), email);
    if ((user && !user->active) || (!user && !maySignUp(email))) {
        m_throttle.failed(address, QString(), nowMs()); // probing addresses counts against the prober
        return done(answer);
    }
    const QString code = OtpMailer::newCode();
    const OtpRecord rec {email, sha256(email + QLatin1Char(':') + code), nowMs() + m_config.otpTtlMs, 0};
    const qint64 now = nowMs();
    m_store.writer().enqueue([rec, now](SqlSession &s) { return TokenRepository::putOtp(s, rec, now); },
        [this, email, code, answer, done](bool ok) {
            if (!ok)
                return done(ApiError::make(ErrorCode::Unavailable, QStringLiteral("the code could not be stored"),
                    {{QStringLiteral("retryAfter"), 1}}));
            m_mailer.send(email, code, [](bool sent, const QString &why) {
                if (!sent)
                    qWarning().noquote() << "could not send a sign-in code:" << why;
            });
            done(answer);
        });
}

void AccountService::verifyOtp(const QJsonObject &body, const QString &address, JsonCallback done)
{
    const QString email = normalizeEmail(body.value(QStringLiteral("email")).toString());
    const QString code = body.value(QStringLiteral("code")).toVariant().toString().trimmed();
    if (email.isEmpty() || code.isEmpty())
        return done(ApiError::validation({{QStringLiteral("code"), QStringLiteral("email and code are required")}}));
    const qint64 now = nowMs();
    if (const Status st = m_throttle.check(address, email, now); !st)
        return done(st.error());
    const ApiError invalid = badSession(QStringLiteral("the code is not valid or has expired"));
    if (email.size() > 254)
        return done(invalid);
    // Read, compare and count in one writer operation: the writer runs them one at a time, so guesses
    // sent back to back (or all at once) each see the tries counted before them. Checked on the
    // reader, they all saw the count of the last commit and a code allowed any number of tries.
    const QString given = sha256(email + QLatin1Char(':') + code.left(16));
    const int maxTries = m_config.otpMaxTries;
    auto matched = std::make_shared<bool>(false);
    m_store.writer().enqueue(
        [email, given, maxTries, now, matched](SqlSession &s) {
            const auto rec = TokenRepository::otp(s, email);
            if (!rec)
                return true;
            if (rec->expiresAt <= now || rec->tries >= maxTries)
                return TokenRepository::deleteOtp(s, email);
            const QByteArray expected = rec->hash.toLatin1();
            const QByteArray g = given.toLatin1();
            if (expected.size() != g.size() || CRYPTO_memcmp(expected.constData(), g.constData(), g.size()) != 0)
                return rec->tries + 1 >= maxTries ? TokenRepository::deleteOtp(s, email)
                                                  : TokenRepository::countOtpTry(s, email);
            *matched = true; // a code is used once, even by guesses racing the right one
            return TokenRepository::deleteOtp(s, email);
        },
        [this, email, address, now, matched, invalid, done](bool ok) {
            if (!ok || !*matched) {
                m_throttle.failed(address, email, now);
                return done(invalid);
            }
            signInWithOtp(email, now, invalid, done);
        });
}

void AccountService::signInWithOtp(const QString &email, qint64 now, const ApiError &invalid, JsonCallback done)
{
    m_throttle.succeeded(email);
    auto user = IdentityRepository::userByEmail(m_store.reader(), email);
    std::function<bool(SqlSession &)> writes;
    if (!user) {
        if (!maySignUp(email))
            return done(invalid);
        user = UserRecord {Ulid::withPrefix(QStringLiteral("usr")), email, QString(), QString(), true, now};
        writes = createUser(*user);
    }
    if (!user->active)
        return done(invalid);
    startSession(
        *user,
        [email, writes](SqlSession &s) { return TokenRepository::deleteOtp(s, email) && (!writes || writes(s)); },
        done);
}

Result<QJsonObject> AccountService::me(const Principal &p)
{
    QJsonObject out;
    if (!p.userId.isEmpty()) {
        const auto u = IdentityRepository::user(m_store.reader(), p.userId);
        if (u)
            out.insert(QStringLiteral("user"), userJson(*u));
    }
    out.insert(QStringLiteral("credential"), p.credential());
    out.insert(QStringLiteral("kind"),
        p.kind == Principal::Kind::User ? QStringLiteral("session")
            : p.isNode()                ? QStringLiteral("node")
                                        : QStringLiteral("apiKey"));
    out.insert(QStringLiteral("workspaceId"), p.workspaceId);
    out.insert(
        QStringLiteral("role"), p.workspaceId.isEmpty() || p.isNode() ? QJsonValue() : Principal::roleName(p.role));
    return out;
}

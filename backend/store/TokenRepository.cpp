// Login-session tables; every statement prepared and cached per connection.
#include "TokenRepository.h"
#include "SqlSession.h"

#include <QVariant>

bool TokenRepository::insertRefresh(SqlSession &s, const RefreshTokenRecord &r)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO refresh_tokens(hash, family_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(r.hash);
    q.addBindValue(r.familyId);
    q.addBindValue(r.userId);
    q.addBindValue(r.createdAt);
    q.addBindValue(r.expiresAt);
    return SqlSession::run(q);
}

std::optional<RefreshTokenRecord> TokenRepository::refresh(SqlSession &s, const QString &hash)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT hash, family_id, user_id, created_at, expires_at, used_at, "
                                            "revoked_at FROM refresh_tokens WHERE hash = ?"));
    q.addBindValue(hash);
    return SqlSession::row<RefreshTokenRecord>(q, [](const QSqlQuery &r) {
        return RefreshTokenRecord {r.value(0).toString(), r.value(1).toString(), r.value(2).toString(),
            r.value(3).toLongLong(), r.value(4).toLongLong(), r.value(5).toLongLong(), r.value(6).toLongLong()};
    });
}

bool TokenRepository::markUsed(SqlSession &s, const QString &hash, qint64 at)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL AND revoked_at IS NULL"));
    q.addBindValue(at);
    q.addBindValue(hash);
    return SqlSession::run(q) && q.numRowsAffected() == 1;
}

bool TokenRepository::revokeFamily(SqlSession &s, const QString &familyId, qint64 at)
{
    QSqlQuery &q = s.prepare(
        QStringLiteral("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL"));
    q.addBindValue(at);
    q.addBindValue(familyId);
    return SqlSession::run(q);
}

QList<QPair<QString, qint64>> TokenRepository::revokedFamiliesSince(SqlSession &s, qint64 since)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "SELECT family_id, MAX(revoked_at) FROM refresh_tokens WHERE revoked_at >= ? GROUP BY family_id"));
    q.addBindValue(since);
    return SqlSession::rows<QPair<QString, qint64>>(
        q, [](const QSqlQuery &r) { return QPair<QString, qint64>(r.value(0).toString(), r.value(1).toLongLong()); });
}

bool TokenRepository::deleteExpiredRefresh(SqlSession &s, qint64 now)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM refresh_tokens WHERE expires_at < ?"));
    q.addBindValue(now);
    return SqlSession::run(q);
}

bool TokenRepository::putOtp(SqlSession &s, const OtpRecord &o, qint64 now)
{
    QSqlQuery &q = s.prepare(QStringLiteral(
        "INSERT INTO otp_codes(email, hash, expires_at, tries, created_at) VALUES (?, ?, ?, 0, ?) "
        "ON CONFLICT(email) DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at, tries = 0, "
        "created_at = excluded.created_at"));
    q.addBindValue(o.email);
    q.addBindValue(o.hash);
    q.addBindValue(o.expiresAt);
    q.addBindValue(now);
    return SqlSession::run(q);
}

std::optional<OtpRecord> TokenRepository::otp(SqlSession &s, const QString &email)
{
    QSqlQuery &q = s.prepare(QStringLiteral("SELECT email, hash, expires_at, tries FROM otp_codes WHERE email = ?"));
    q.addBindValue(email);
    return SqlSession::row<OtpRecord>(q, [](const QSqlQuery &r) {
        return OtpRecord {r.value(0).toString(), r.value(1).toString(), r.value(2).toLongLong(), r.value(3).toInt()};
    });
}

bool TokenRepository::countOtpTry(SqlSession &s, const QString &email)
{
    QSqlQuery &q = s.prepare(QStringLiteral("UPDATE otp_codes SET tries = tries + 1 WHERE email = ?"));
    q.addBindValue(email);
    return SqlSession::run(q);
}

bool TokenRepository::deleteOtp(SqlSession &s, const QString &email)
{
    QSqlQuery &q = s.prepare(QStringLiteral("DELETE FROM otp_codes WHERE email = ?"));
    q.addBindValue(email);
    return SqlSession::run(q);
}

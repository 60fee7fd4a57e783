// SQL for login sessions: rotating refresh tokens (by family) and one-time login codes; only hashes stored.
#pragma once

#include <QList>
#include <QString>
#include <optional>

class SqlSession;

struct RefreshTokenRecord
{
    QString hash; // hex SHA-256 of the token
    QString familyId; // every token rotated from one login shares it
    QString userId;
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
    qint64 usedAt = 0; // rotated: using it again revokes the family
    qint64 revokedAt = 0;
};

struct OtpRecord
{
    QString email;
    QString hash;
    qint64 expiresAt = 0;
    int tries = 0;
};

namespace TokenRepository {
bool insertRefresh(SqlSession &s, const RefreshTokenRecord &r);
std::optional<RefreshTokenRecord> refresh(SqlSession &s, const QString &hash);
bool markUsed(SqlSession &s, const QString &hash, qint64 at); // false when it was already used
bool revokeFamily(SqlSession &s, const QString &familyId, qint64 at);
// Families revoked since `since` (their access tokens may still be unexpired).
QList<QPair<QString, qint64>> revokedFamiliesSince(SqlSession &s, qint64 since);
bool deleteExpiredRefresh(SqlSession &s, qint64 now);

bool putOtp(SqlSession &s, const OtpRecord &o, qint64 now);
std::optional<OtpRecord> otp(SqlSession &s, const QString &email);
bool countOtpTry(SqlSession &s, const QString &email);
bool deleteOtp(SqlSession &s, const QString &email);
}

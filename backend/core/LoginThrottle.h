// Failed sign-ins, counted per client address and per account: past a limit within a window, further
// attempts are refused (429 with Retry-After) until the lock runs out, even with the right password.
#pragma once

#include "ApiError.h"

#include <QHash>
#include <QString>

class LoginThrottle
{
public:
    struct Limits
    {
        int perAccount = 10; // failures within the window
        int perAddress = 30;
        qint64 windowMs = 15 * 60 * 1000;
        qint64 lockMs = 15 * 60 * 1000;
    };
    LoginThrottle() = default;
    explicit LoginThrottle(Limits l)
        : m_limits(l)
    {
    }

    Status check(const QString &address, const QString &account, qint64 nowMs) const;
    void failed(const QString &address, const QString &account, qint64 nowMs);
    void succeeded(const QString &account);
    qsizetype tracked() const { return m_counters.size(); }

private:
    struct Counter
    {
        int failures = 0;
        qint64 windowStart = 0;
        qint64 lockedUntil = 0;
    };
    void count(const QString &key, int limit, qint64 nowMs);
    qint64 lockedUntil(const QString &key, qint64 nowMs) const;

    Limits m_limits;
    QHash<QString, Counter> m_counters; // "addr:<ip>" or "acct:<email>"
};

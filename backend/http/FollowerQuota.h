// Live followers (log and event streams) per API key. Each holds a socket, a subscription and up to
// 256 KiB of send buffer, so one key may hold only so many at once; the next is answered 429.
#pragma once

#include <QString>

class FollowerQuota
{
public:
    static void setLimitPerKey(int limit);
    static int limitPerKey();

    // Held by a follower for its lifetime; invalid when the key was at its limit.
    class Ticket
    {
    public:
        Ticket() = default;
        explicit Ticket(QString key);
        Ticket(Ticket &&other) noexcept;
        Ticket &operator=(Ticket &&other) noexcept;
        Ticket(const Ticket &) = delete;
        Ticket &operator=(const Ticket &) = delete;
        ~Ticket();
        bool isValid() const { return !m_key.isEmpty(); }

    private:
        QString m_key;
    };

    static Ticket acquire(const QString &key);
    static int liveFor(const QString &key);
};

// Counts per key live on the HTTP thread (followers are created and destroyed there). They are per thread,
// not per process: a console's embedded control plane and another one in the same process (tests) each
// run their HTTP server on a thread of their own, and one shared QHash would be written from both.
#include "FollowerQuota.h"

#include <QHash>

namespace {
thread_local int g_limit = 64;
QHash<QString, int> &counts()
{
    thread_local QHash<QString, int> c;
    return c;
}
}

void FollowerQuota::setLimitPerKey(int limit)
{
    g_limit = limit;
}

int FollowerQuota::limitPerKey()
{
    return g_limit;
}

int FollowerQuota::liveFor(const QString &key)
{
    return counts().value(key);
}

FollowerQuota::Ticket FollowerQuota::acquire(const QString &key)
{
    const QString k = key.isEmpty() ? QStringLiteral("-") : key;
    int &n = counts()[k];
    if (n >= g_limit)
        return {};
    ++n;
    return Ticket(k);
}

FollowerQuota::Ticket::Ticket(QString key)
    : m_key(std::move(key))
{
}

FollowerQuota::Ticket::Ticket(Ticket &&other) noexcept
    : m_key(std::move(other.m_key))
{
    other.m_key.clear();
}

FollowerQuota::Ticket &FollowerQuota::Ticket::operator=(Ticket &&other) noexcept
{
    if (this != &other) {
        Ticket dropped(std::move(*this));
        m_key = std::move(other.m_key);
        other.m_key.clear();
    }
    return *this;
}

FollowerQuota::Ticket::~Ticket()
{
    if (m_key.isEmpty())
        return;
    auto it = counts().find(m_key);
    if (it != counts().end() && --it.value() <= 0)
        counts().erase(it);
}

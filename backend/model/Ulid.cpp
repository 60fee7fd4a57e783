// ULID generation: monotonic within a millisecond (the random part is incremented), thread-safe.
#include "Ulid.h"
#include "Wire.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <algorithm>
#include <mutex>

namespace {
const char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

std::mutex g_mutex;
qint64 g_lastMs = -1;
quint8 g_rand[10];

int decodeChar(QChar c)
{
    const char ch = char(c.toLower().toLatin1());
    for (int i = 0; i < 32; ++i)
        if (kAlphabet[i] == ch)
            return i;
    return -1;
}
}

QString Ulid::generate()
{
    quint8 bytes[16];
    {
        std::lock_guard lock(g_mutex);
        qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (now <= g_lastMs) {
            now = g_lastMs;
            // increment the 80-bit random part; on overflow borrow the next millisecond
            int i = 9;
            while (i >= 0 && ++g_rand[i] == 0)
                --i;
            if (i < 0) {
                ++now;
                QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(g_rand), 2);
                g_rand[8] = g_rand[9] = 0;
            }
        } else {
            quint32 r[3];
            QRandomGenerator::system()->fillRange(r, 3);
            memcpy(g_rand, r, 10);
            g_rand[0] &= 0x7f; // leave headroom so increments rarely overflow
        }
        g_lastMs = now;
        for (int i = 0; i < 6; ++i)
            bytes[i] = quint8(now >> (40 - 8 * i));
        memcpy(bytes + 6, g_rand, 10);
    }
    // 128 bits -> 26 base32 chars (first char carries 3 bits)
    char out[26];
    unsigned __int128 v = 0;
    for (quint8 b : bytes)
        v = (v << 8) | b;
    for (int i = 25; i >= 0; --i) {
        out[i] = kAlphabet[int(v & 31)];
        v >>= 5;
    }
    return QString::fromLatin1(out, 26);
}

QString Ulid::withPrefix(const QString &prefix)
{
    return prefix + QLatin1Char('_') + generate();
}

qint64 Ulid::timestampMs(const QString &s)
{
    const QString u = s.mid(s.lastIndexOf(QLatin1Char('_')) + 1);
    if (u.size() != 26)
        return -1;
    qint64 v = 0;
    for (int i = 0; i < 10; ++i) {
        const int d = decodeChar(u.at(i));
        if (d < 0)
            return -1;
        v = (v << 5) | d;
    }
    return v;
}

bool Ulid::isValid(const QString &prefixed, const QString &prefix)
{
    const QByteArray p = prefix.toLatin1();
    return Wire::isId(prefixed, QLatin1StringView(p));
}

QString Ulid::floorOf(qint64 ms)
{
    char out[26];
    quint64 v = quint64(std::max<qint64>(0, std::min<qint64>(ms, (qint64(1) << 48) - 1)));
    for (int i = 9; i >= 0; --i) {
        out[i] = kAlphabet[int(v & 31)];
        v >>= 5;
    }
    for (int i = 10; i < 26; ++i)
        out[i] = '0';
    return QString::fromLatin1(out, 26);
}

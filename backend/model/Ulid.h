// ULIDs: 48-bit millisecond time + 80 random bits in Crockford base32, monotonic within a process,
// so ids sort by creation time (the job list's cursor relies on that).
#pragma once

#include <QString>

namespace Ulid {
QString generate();                                   // 26 chars, lowercase
QString withPrefix(const QString &prefix);            // "job_01…"
qint64 timestampMs(const QString &ulidOrPrefixed);    // -1 if not a ULID
bool isValid(const QString &prefixed, const QString &prefix);
// The smallest ULID of millisecond ms (time part, then zeros): ids created at or after ms sort >= it.
QString floorOf(qint64 ms);
}

// A run of consecutive log lines stored compactly: one UTF-8 buffer with line offsets, timestamps and stream
// flags (and, on the Logs page, which job each line came from) — no QString or widget per stored line.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

struct LogChunk
{
    qint64 startKey = 0; // key (seq on a job's log) of the first line
    QByteArray text;
    QList<quint32> offsets; // start of each line in text
    QList<qint64> ts;
    QList<quint8> flags; // bit 0: stderr
    QList<quint16> sources; // Logs page only: index of the job the line came from
    quint64 lastUse = 0; // LRU stamp

    // Lines longer than this are cut when stored (a single line may not take a chunk's whole budget).
    static constexpr int MaxLineBytes = 64 * 1024;

    int count() const { return int(offsets.size()); }
    qint64 endKey() const { return startKey + count(); }
    QByteArrayView textAt(int i) const
    {
        const quint32 from = offsets[i];
        const quint32 to = i + 1 < offsets.size() ? offsets[i + 1] : quint32(text.size());
        return QByteArrayView(text.constData() + from, to - from);
    }
    void append(qint64 tsMs, bool stderrStream, QByteArrayView utf8)
    {
        offsets.append(quint32(text.size()));
        text.append(utf8.first(std::min<qsizetype>(utf8.size(), MaxLineBytes)));
        ts.append(tsMs);
        flags.append(stderrStream ? 1 : 0);
    }
    qint64 bytes() const
    {
        return text.capacity() + offsets.capacity() * 4 + ts.capacity() * 8 + flags.capacity() + sources.capacity() * 2
            + 64;
    }
    void squeeze()
    {
        text.squeeze();
        offsets.squeeze();
        ts.squeeze();
        flags.squeeze();
        sources.squeeze();
    }
};

// Gives freed heap back to the operating system every few seconds, so a burst (a thousand log
// followers, a flood of requests) does not leave the server's resident size high once it is over.
#pragma once

#include <QObject>
#include <QTimer>

class HeapTrimmer : public QObject
{
    Q_OBJECT
public:
    explicit HeapTrimmer(int intervalMs = 10000, QObject *parent = nullptr);

    // tcmalloc's MallocExtension_ReleaseFreeMemory when the process runs on tcmalloc, else glibc's
    // malloc_trim(0).
    static void releaseFreeMemory();

private:
    QTimer m_timer;
};

// Gives freed heap back to the operating system every few seconds.
#include "HeapTrimmer.h"

#include <dlfcn.h>
#include <malloc.h>

HeapTrimmer::HeapTrimmer(int intervalMs, QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &HeapTrimmer::releaseFreeMemory);
    m_timer.start();
}

void HeapTrimmer::releaseFreeMemory()
{
    // Looked up at run time: the binary links tcmalloc when the build found it, and glibc otherwise.
    using ReleaseFn = void (*)();
    static const auto tcmallocRelease
        = reinterpret_cast<ReleaseFn>(dlsym(RTLD_DEFAULT, "MallocExtension_ReleaseFreeMemory"));
    if (tcmallocRelease)
        tcmallocRelease();
    else
        malloc_trim(0);
}

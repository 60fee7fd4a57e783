// What a test can see of a process it did not start itself (a job's children, an escaped grandchild).
#pragma once

#include <QtGlobal>

namespace ProcessProbe {
// Dead means no such process, or a zombie waiting for its (non-us) reaper.
bool gone(qint64 pid);
}

// `tanvrit-compute agent`: runs an agent against a control plane.
#pragma once

#include <QStringList>

// argc/argv are main's: the registration key is overwritten there too, so /proc/<pid>/cmdline stops
// showing it once it has been read.
int runAgent(QStringList args, int argc = 0, char **argv = nullptr);

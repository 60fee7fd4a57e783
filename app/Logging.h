// One line per event on stdout: "<ISO time> <level> <message>"; --log-level filters.
#pragma once

#include <QString>

namespace Logging {
bool install(const QString &level);   // debug|info|warn|error; false if unknown
void always(const QString &message);  // printed whatever the level (e.g. the listening address)
}

// Versioned schema migrations (resources/migrations/NNNN_name.sql), applied in order at start-up.
#pragma once

#include <QString>

class SqlSession;

namespace Migrations {
// Applies every migration newer than the database's version; returns false with a message on failure.
bool apply(SqlSession &session, QString *error);
int latestVersion();
}

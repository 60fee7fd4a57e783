// Audit entries rendered for export: JSON Lines (one entry object per line) and CSV (RFC 4180 quoting,
// a header row, cells that a spreadsheet would run as a formula defused with a leading ').
#pragma once

#include "AuditRecord.h"

#include <QByteArray>
#include <QList>

namespace AuditExport {
QByteArray jsonLines(const QList<AuditRecord> &entries);
QByteArray csvHeader();
QByteArray csvRows(const QList<AuditRecord> &entries);
QByteArray csvCell(const QString &value);
}

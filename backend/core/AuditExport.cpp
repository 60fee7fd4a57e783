// CSV columns follow the entry's JSON field order; detail is its compact JSON text in one cell.
#include "AuditExport.h"
#include "Job.h"

#include <QJsonDocument>

QByteArray AuditExport::jsonLines(const QList<AuditRecord> &entries)
{
    QByteArray out;
    for (const AuditRecord &r : entries) {
        out += QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact);
        out += '\n';
    }
    return out;
}

QByteArray AuditExport::csvHeader()
{
    return QByteArrayLiteral("seq,workspaceId,at,actor,action,subject,source,outcome,detail,prevHash,hash\r\n");
}

QByteArray AuditExport::csvCell(const QString &value)
{
    QString v = value;
    // A cell starting with one of these is a formula to a spreadsheet (CSV injection); ' makes it text.
    // Tab and carriage return are in the list because some spreadsheets strip them and then see the rest.
    static const QString kFormulaStarts = QStringLiteral("=+-@\t\r");
    if (!v.isEmpty() && kFormulaStarts.contains(v.front()))
        v.prepend(QLatin1Char('\''));
    const bool quote = v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')) || v.contains(QLatin1Char('\n'))
        || v.contains(QLatin1Char('\r'));
    if (!quote)
        return v.toUtf8();
    v.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return '"' + v.toUtf8() + '"';
}

QByteArray AuditExport::csvRows(const QList<AuditRecord> &entries)
{
    QByteArray out;
    for (const AuditRecord &r : entries) {
        const QString cells[] = {QString::number(r.seq), r.workspaceId, isoTime(r.at), r.actor, r.action, r.subject,
            r.source, r.outcome, QString::fromUtf8(r.detail), r.prevHash, r.hash};
        bool first = true;
        for (const QString &c : cells) {
            if (!first)
                out += ',';
            first = false;
            out += csvCell(c);
        }
        out += "\r\n";
    }
    return out;
}

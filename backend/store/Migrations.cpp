// Each migration runs in its own transaction and is recorded in schema_migrations.
#include "Migrations.h"
#include "SqlSession.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <QVariant>

static void initMigrationResources()
{
    Q_INIT_RESOURCE(resources);   // the .qrc lives in a static library
}

namespace {
QStringList migrationFiles()
{
    initMigrationResources();
    QStringList files = QDir(QStringLiteral(":/migrations")).entryList({QStringLiteral("*.sql")}, QDir::Files,
                                                                      QDir::Name);
    return files;
}

int versionOf(const QString &file)
{
    return file.section(QLatin1Char('_'), 0, 0).toInt();
}
}

int Migrations::latestVersion()
{
    const QStringList files = migrationFiles();
    return files.isEmpty() ? 0 : versionOf(files.last());
}

bool Migrations::apply(SqlSession &s, QString *error)
{
    if (!s.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                               "applied_at INTEGER NOT NULL)"), error))
        return false;
    int current = 0;
    {
        QSqlQuery q(s.db());
        if (q.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) && q.next())
            current = q.value(0).toInt();
    }
    // a database a newer version wrote may hold what this version cannot read or would undo: never touch it
    if (const int latest = latestVersion(); current > latest) {
        *error = QStringLiteral("the database was written by a newer version of Tanvrit Compute (schema %1; this "
                                "version knows schemas up to %2): run that version or newer, or restore a backup "
                                "made by this one")
                     .arg(current)
                     .arg(latest);
        return false;
    }
    for (const QString &file : migrationFiles()) {
        const int version = versionOf(file);
        if (version <= current)
            continue;
        QFile f(QStringLiteral(":/migrations/") + file);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read migration ") + file;
            return false;
        }
        const QString sql = QString::fromUtf8(f.readAll());
        if (!s.exec(QStringLiteral("BEGIN"), error))
            return false;
        // statements end with ';' at the end of a line; comments start with --
        QString statement;
        for (const QString &line : sql.split(QLatin1Char('\n'))) {
            if (line.trimmed().startsWith(QLatin1String("--")))
                continue;
            statement += line + QLatin1Char('\n');
            if (line.trimmed().endsWith(QLatin1Char(';'))) {
                if (!s.exec(statement, error)) {
                    s.exec(QStringLiteral("ROLLBACK"));
                    return false;
                }
                statement.clear();
            }
        }
        QSqlQuery q(s.db());
        q.prepare(QStringLiteral("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)"));
        q.addBindValue(version);
        q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!q.exec() || !s.exec(QStringLiteral("COMMIT"), error)) {
            s.exec(QStringLiteral("ROLLBACK"));
            return false;
        }
    }
    return true;
}

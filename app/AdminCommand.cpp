// `admin backup` and `admin restore`: work on a data directory on this machine, not through the API. A backup
// is a tar archive (compressed by its name's suffix) of a consistent snapshot of the database (SQLite's
// VACUUM INTO inside one read transaction, so a running server keeps writing meanwhile), the data dir's key
// files, a manifest, and with --with-logs the job logs and artifacts.
#include "AdminCommand.h"
#include "Migrations.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdio>

namespace {
constexpr int kUsage = 64;
constexpr int kNotFound = 66;
constexpr int kConflict = 69;
constexpr int kFailure = 1;

int fail(int code, const QString &message)
{
    fprintf(stderr, "admin: %s\n", qPrintable(message));
    return code;
}

QString defaultDataDir()
{
    const QString stateDir = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    return stateDir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : stateDir;
}

// Runs one statement on a connection of its own; the connection is gone when this returns.
struct Snapshot
{
    bool ok = false;
    QString error;
    int schema = 0;
    qint64 jobs = 0;
};

Snapshot inspect(const QString &dbPath, const QString &vacuumInto = {})
{
    Snapshot out;
    const QString name = QStringLiteral("admin-%1").arg(QDateTime::currentMSecsSinceEpoch());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dbPath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=30000"));
        if (!db.open()) {
            out.error = db.lastError().text();
        } else {
            QSqlQuery q(db);
            if (!vacuumInto.isEmpty()) {
                q.prepare(QStringLiteral("VACUUM INTO ?"));
                q.addBindValue(vacuumInto);
                if (!q.exec())
                    out.error = q.lastError().text();
            }
            if (out.error.isEmpty()) {
                if (q.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) && q.next())
                    out.schema = q.value(0).toInt();
                else
                    out.error = QStringLiteral("not a Tanvrit Compute database (%1)").arg(q.lastError().text());
            }
            if (out.error.isEmpty() && q.exec(QStringLiteral("SELECT COUNT(*) FROM jobs")) && q.next())
                out.jobs = q.value(0).toLongLong();
            if (out.error.isEmpty() && vacuumInto.isEmpty()) {
                if (!q.exec(QStringLiteral("PRAGMA quick_check")) || !q.next()
                    || q.value(0).toString() != QLatin1String("ok"))
                    out.error = QStringLiteral("the database fails SQLite's quick_check");
            }
            out.ok = out.error.isEmpty();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}

bool runTar(const QStringList &args, QString *error)
{
    QProcess tar;
    tar.setProcessChannelMode(QProcess::MergedChannels);
    tar.start(QStringLiteral("tar"), args);
    if (!tar.waitForStarted(10000)) {
        *error = QStringLiteral("cannot run tar: %1").arg(tar.errorString());
        return false;
    }
    tar.waitForFinished(-1);
    const QString output = QString::fromLocal8Bit(tar.readAll()).trimmed();
    // GNU tar's 1: a file changed while it was read (a log being appended to); what was read is whole lines
    if (tar.exitStatus() != QProcess::NormalExit || tar.exitCode() > 1) {
        *error = QStringLiteral("tar failed: %1").arg(output.left(2000));
        return false;
    }
    return true;
}

int backup(const QCommandLineParser &p, const QString &file)
{
    const QString dataDir = QDir(p.value(QStringLiteral("data-dir"))).absolutePath();
    if (!QFileInfo::exists(dataDir + QStringLiteral("/tanvrit.db")))
        return fail(kNotFound, QStringLiteral("no database in %1 (--data-dir)").arg(dataDir));
    const QFileInfo target(file);
    if (!target.absoluteDir().exists())
        return fail(kNotFound, QStringLiteral("the directory of %1 does not exist").arg(file));
    QTemporaryDir staging(target.absolutePath() + QStringLiteral("/.tanvrit-backup-XXXXXX"));
    if (!staging.isValid())
        return fail(kFailure, QStringLiteral("cannot make a staging directory next to %1").arg(file));
    const Snapshot snap
        = inspect(dataDir + QStringLiteral("/tanvrit.db"), staging.filePath(QStringLiteral("tanvrit.db")));
    if (!snap.ok)
        return fail(kFailure, QStringLiteral("cannot snapshot the database: %1").arg(snap.error));

    // the keys and other files of the data dir's top level (admin.key, secrets.key, …), never the live
    // database files or the lock
    QStringList topFiles;
    for (const QFileInfo &fi : QDir(dataDir).entryInfoList(QDir::Files | QDir::Hidden | QDir::NoSymLinks)) {
        const QString n = fi.fileName();
        if (n.startsWith(QLatin1String("tanvrit.db")) || n.endsWith(QLatin1String(".lock")))
            continue;
        topFiles << n;
    }
    QStringList dirs;
    if (p.isSet(QStringLiteral("with-logs")))
        for (const char *d : {"logs", "artifacts"})
            if (QFileInfo(dataDir + QLatin1Char('/') + QLatin1String(d)).isDir())
                dirs << QLatin1String(d);
    const QJsonObject manifest {{QStringLiteral("product"), QStringLiteral("tanvrit-compute")},
        {QStringLiteral("version"), QStringLiteral(TANVRIT_VERSION)}, {QStringLiteral("schema"), snap.schema},
        {QStringLiteral("createdAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("jobs"), snap.jobs}, {QStringLiteral("withLogs"), !dirs.isEmpty()},
        {QStringLiteral("files"), QJsonArray::fromStringList(topFiles + dirs)}};
    QFile m(staging.filePath(QStringLiteral("manifest.json")));
    if (!m.open(QIODevice::WriteOnly) || m.write(QJsonDocument(manifest).toJson()) < 0 || !m.flush())
        return fail(kFailure, QStringLiteral("cannot write the manifest"));
    m.close();

    // written beside the target under a hidden name with the same suffix (tar picks the compression by it),
    // renamed into place once whole
    const QString partial = target.absolutePath() + QStringLiteral("/.incomplete-") + target.fileName();
    QStringList args {QStringLiteral("-caf"), partial, QStringLiteral("-C"), staging.path(),
        QStringLiteral("manifest.json"), QStringLiteral("tanvrit.db")};
    if (!topFiles.isEmpty() || !dirs.isEmpty())
        args << QStringLiteral("-C") << dataDir << topFiles << dirs;
    QString error;
    if (!runTar(args, &error)) {
        QFile::remove(partial);
        return fail(kFailure, error);
    }
    QFile::remove(target.absoluteFilePath());
    if (!QFile::rename(partial, target.absoluteFilePath()))
        return fail(kFailure, QStringLiteral("cannot move the backup into place at %1").arg(file));
    printf("backup %s: schema %d, %lld jobs, %lld bytes%s\n", qPrintable(target.absoluteFilePath()), snap.schema,
        snap.jobs, QFileInfo(target.absoluteFilePath()).size(), dirs.isEmpty() ? "" : ", with logs");
    return 0;
}

int restore(const QCommandLineParser &p, const QString &file)
{
    if (!QFileInfo(file).isFile())
        return fail(kNotFound, QStringLiteral("no backup file %1").arg(file));
    const QString dataDir = QDir(p.value(QStringLiteral("data-dir"))).absolutePath();
    if (!QDir().mkpath(dataDir))
        return fail(kFailure, QStringLiteral("cannot create %1").arg(dataDir));
    QFile::setPermissions(dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    // held until the restore is done: no control plane starts on a half-restored directory
    QLockFile lock(dataDir + QStringLiteral("/control-plane.lock"));
    if (!lock.tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        lock.getLockInfo(&pid, &host, &app);
        return fail(kConflict, QStringLiteral("a control plane (pid %1) uses %2: stop it first").arg(pid).arg(dataDir));
    }
    const bool hasDb = QFileInfo::exists(dataDir + QStringLiteral("/tanvrit.db"));
    if (hasDb && !p.isSet(QStringLiteral("force")))
        return fail(kConflict,
            QStringLiteral("%1 already holds a database; --force replaces it (the current one is kept as "
                           "tanvrit.db.before-restore-<time>)")
                .arg(dataDir));
    QTemporaryDir staging(dataDir + QStringLiteral("/.restore-XXXXXX"));
    QString error;
    if (!staging.isValid()
        || !runTar({QStringLiteral("-xf"), QFileInfo(file).absoluteFilePath(), QStringLiteral("-C"), staging.path(),
                       QStringLiteral("--no-same-owner")},
            &error))
        return fail(kFailure, error.isEmpty() ? QStringLiteral("cannot unpack %1").arg(file) : error);
    QFile manifestFile(staging.filePath(QStringLiteral("manifest.json")));
    const QJsonObject manifest = manifestFile.open(QIODevice::ReadOnly)
        ? QJsonDocument::fromJson(manifestFile.read(1 << 20)).object()
        : QJsonObject();
    if (manifest.value(QStringLiteral("product")).toString() != QLatin1String("tanvrit-compute")
        || !QFileInfo::exists(staging.filePath(QStringLiteral("tanvrit.db"))))
        return fail(kFailure, QStringLiteral("%1 is not a Tanvrit Compute backup").arg(file));
    const Snapshot snap = inspect(staging.filePath(QStringLiteral("tanvrit.db")));
    if (!snap.ok)
        return fail(kFailure, QStringLiteral("the backup's database is damaged: %1").arg(snap.error));
    if (snap.schema > Migrations::latestVersion())
        return fail(kFailure,
            QStringLiteral("the backup was made by a newer version of Tanvrit Compute (schema %1; this version knows "
                           "schemas up to %2)")
                .arg(snap.schema)
                .arg(Migrations::latestVersion()));

    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    if (hasDb) {
        QFile::rename(
            dataDir + QStringLiteral("/tanvrit.db"), dataDir + QStringLiteral("/tanvrit.db.before-restore-") + stamp);
        QFile::remove(dataDir + QStringLiteral("/tanvrit.db-wal"));
        QFile::remove(dataDir + QStringLiteral("/tanvrit.db-shm"));
    }
    for (const QFileInfo &fi :
        QDir(staging.path()).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)) {
        if (fi.fileName() == QLatin1String("manifest.json"))
            continue;
        const QString to = dataDir + QLatin1Char('/') + fi.fileName();
        if (QFileInfo::exists(to) && !QFile::rename(to, to + QStringLiteral(".before-restore-") + stamp))
            return fail(kFailure, QStringLiteral("cannot move %1 aside").arg(to));
        if (!QFile::rename(fi.absoluteFilePath(), to))
            return fail(kFailure, QStringLiteral("cannot move %1 into place").arg(to));
    }
    printf("restored %s into %s: schema %d (this version migrates it to %d at start), %lld jobs\n", qPrintable(file),
        qPrintable(dataDir), snap.schema, Migrations::latestVersion(), snap.jobs);
    return 0;
}
}

int runAdmin(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Back up or restore a control plane's data directory on this machine.\n"
        "  admin backup FILE    a consistent copy of the database (the server may keep running), the key files,\n"
        "                       and with --with-logs the job logs and artifacts; FILE.tar.gz, .tar.xz, .tar …\n"
        "  admin restore FILE   into --data-dir (the server must be stopped); an existing database needs --force\n"
        "                       and is kept beside it. A backup from an older version is migrated at the next start."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("backup|restore"), QStringLiteral("What to do."));
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The backup archive."));
    p.addOptions({
        {QStringLiteral("data-dir"),
            QStringLiteral("The control plane's data directory (default: $STATE_DIRECTORY under systemd, else "
                           "~/.local/share/tanvrit-compute)."),
            QStringLiteral("DIR"), defaultDataDir()},
        {QStringLiteral("with-logs"), QStringLiteral("backup: include the job logs and artifacts.")},
        {QStringLiteral("force"), QStringLiteral("restore: replace the database already in --data-dir.")},
    });
    p.process(args);
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 2 || (pos.at(0) != QLatin1String("backup") && pos.at(0) != QLatin1String("restore")))
        return fail(kUsage, QStringLiteral("usage: tanvrit-compute admin backup|restore FILE [--data-dir DIR]"));
    return pos.at(0) == QLatin1String("backup") ? backup(p, pos.at(1)) : restore(p, pos.at(1));
}

// Opening order matters: migrations first (on a short-lived connection), then the writer, then reads.
#include "Store.h"
#include "Migrations.h"

#include <QDir>
#include <QSqlQuery>

Store::Store(QObject *parent) : QObject(parent) {}

Store::~Store()
{
    close();
}

QString Store::dbPath() const
{
    return m_dataDir + QStringLiteral("/tanvrit.db");
}

bool Store::open(const QString &dataDir, QString *error)
{
    m_dataDir = QDir(dataDir).absolutePath();
    if (!QDir().mkpath(m_dataDir)) {
        *error = QStringLiteral("cannot create data directory ") + m_dataDir;
        return false;
    }
    {
        SqlSession migrator;
        if (!migrator.open(dbPath(), QStringLiteral("migrator"), error) || !Migrations::apply(migrator, error))
            return false;
    }
    m_writer = new StoreWriter(this);
    if (!m_writer->start(dbPath(), error))
        return false;
    return m_reader.open(dbPath(), QStringLiteral("reader"), error);
}

void Store::close()
{
    if (m_writer)
        m_writer->stop();
    m_reader.close();
}

bool Store::ping()
{
    QSqlQuery &q = m_reader.prepare(QStringLiteral("SELECT 1"));
    const bool ok = q.exec() && q.next();
    q.finish();
    return ok;
}

void Store::releaseReadCache()
{
    m_reader.exec(QStringLiteral("PRAGMA shrink_memory"));
}

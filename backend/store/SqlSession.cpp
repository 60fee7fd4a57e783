// Connection set-up: WAL, synchronous=FULL (a commit is on disk before it is acknowledged), busy timeout.
#include "SqlSession.h"

#include <QSqlError>
#include <atomic>

SqlSession::~SqlSession()
{
    close();
}

bool SqlSession::open(const QString &dbPath, const QString &name, QString *error)
{
    // unique per session: two stores in one process (a console's embedded control plane beside a test's,
    // or a restarted one) must not take over each other's connection
    static std::atomic<int> sessions {0};
    m_name = name + QLatin1Char('-') + QString::number(++sessions);
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    m_db.setDatabaseName(dbPath);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!m_db.open()) {
        if (error)
            *error = m_db.lastError().text();
        return false;
    }
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                               "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-8192"}) {
        if (!exec(QString::fromLatin1(pragma), error))
            return false;
    }
    return true;
}

void SqlSession::close()
{
    m_cache.clear();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
}

QSqlQuery &SqlSession::prepare(const QString &sql)
{
    auto it = m_cache.find(sql);
    if (it == m_cache.end()) {
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        q.prepare(sql);
        it = m_cache.insert(sql, q);
    }
    it->finish();
    return *it;
}

bool SqlSession::run(QSqlQuery &q)
{
    if (q.exec())
        return true;
    qWarning().noquote() << "store:" << q.lastError().text();
    return false;
}

bool SqlSession::exec(const QString &sql, QString *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(sql)) {
        if (error)
            *error = q.lastError().text() + QStringLiteral(" in: ") + sql;
        return false;
    }
    return true;
}

// One database connection owned by one thread, with its prepared statements cached by SQL text.
#pragma once

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <optional>

class SqlSession
{
public:
    SqlSession() = default;
    ~SqlSession();
    SqlSession(const SqlSession &) = delete;
    SqlSession &operator=(const SqlSession &) = delete;

    // Opens <dataDir>/tanvrit.db as connection `name` (SQLite, WAL). Call on the owning thread.
    bool open(const QString &dbPath, const QString &name, QString *error);
    void close();

    // A prepared statement for this SQL, prepared once per connection and reused.
    QSqlQuery &prepare(const QString &sql);
    bool exec(const QString &sql, QString *error = nullptr); // unprepared, for DDL and pragmas
    static bool run(QSqlQuery &q); // executes a prepared query; logs the error on failure
    // Runs a prepared query and maps its rows (all of them, or the first) with `read(const QSqlQuery &)`.
    template <typename T, typename Read> static QList<T> rows(QSqlQuery &q, Read read)
    {
        QList<T> out;
        if (!run(q))
            return out;
        while (q.next())
            out.append(read(q));
        q.finish();
        return out;
    }
    template <typename T, typename Read> static std::optional<T> row(QSqlQuery &q, Read read)
    {
        if (!run(q) || !q.next())
            return std::nullopt;
        T v = read(q);
        q.finish();
        return v;
    }
    QSqlDatabase &db() { return m_db; }
    bool isOpen() const { return m_db.isOpen(); }

private:
    QSqlDatabase m_db;
    QString m_name;
    QHash<QString, QSqlQuery> m_cache;
};

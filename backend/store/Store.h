// The store facade: the data directory, the single writer thread, and this thread's read connection.
#pragma once

#include "SqlSession.h"
#include "StoreWriter.h"

#include <QObject>
#include <QString>

class Store : public QObject
{
    Q_OBJECT
public:
    explicit Store(QObject *parent = nullptr);
    ~Store() override;

    // Creates the data dir, applies migrations, starts the writer, opens the reader.
    bool open(const QString &dataDir, QString *error);
    void close();

    QString dataDir() const { return m_dataDir; }
    QString dbPath() const;
    SqlSession &reader() { return m_reader; }   // owner thread only
    StoreWriter &writer() { return *m_writer; }
    bool ping();   // readiness: a trivial read succeeds
    void releaseReadCache();   // gives the read connection's page cache back (after a long walk)

private:
    QString m_dataDir;
    SqlSession m_reader;
    StoreWriter *m_writer = nullptr;
};

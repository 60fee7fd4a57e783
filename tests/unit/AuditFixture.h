// What the audit suites share: a real store in a temporary directory with an AuditService over it,
// recording helpers, and tampering through a second SQLite connection (as someone with the file would).
#pragma once

#include "AuditDetail.h"
#include "AuditExport.h"
#include "AuditService.h"
#include "Store.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <thread>

class AuditFixture : public QObject
{
protected:
    bool setUp();
    void tearDown();
    bool open();
    bool recordNow(const AuditEntry &e);
    bool recordMany(const QString &workspace, int n, const QString &actor = QStringLiteral("key:k1"));
    bool tamper(const QString &sql, const QVariantList &binds = {});
    AuditRecord row(qint64 seq);
    QList<AuditRecord> all(const QString &workspace);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<AuditService> m_audit;
};

inline AuditEntry entry(
    const QString &ws, const QString &actor, const QString &action, const QString &subject, qint64 at = 0)
{
    AuditEntry e;
    e.workspaceId = ws;
    e.actor = actor;
    e.action = action;
    e.subject = subject;
    e.source = QStringLiteral("127.0.0.1");
    e.outcome = QStringLiteral("ok");
    e.at = at;
    return e;
}

inline bool AuditFixture::open()
{
    m_audit.reset();
    m_store = std::make_unique<Store>();
    QString err;
    if (!m_store->open(m_dir->path(), &err)) {
        qWarning().noquote() << err;
        return false;
    }
    m_audit = std::make_unique<AuditService>(*m_store);
    return true;
}

inline bool AuditFixture::setUp()
{
    m_dir = std::make_unique<QTemporaryDir>();
    return open();
}

inline void AuditFixture::tearDown()
{
    m_audit.reset();
    m_store.reset();
    m_dir.reset();
}

inline bool AuditFixture::recordNow(const AuditEntry &e)
{
    std::optional<bool> stored;
    m_audit->record(e, [&stored](bool ok) { stored = ok; });
    return QTest::qWaitFor([&] { return stored.has_value(); }, 5000) && *stored;
}

inline bool AuditFixture::recordMany(const QString &workspace, int n, const QString &actor)
{
    for (int i = 0; i < n - 1; ++i)
        m_audit->record(entry(workspace, actor, QStringLiteral("job.submit"), QStringLiteral("job_%1").arg(i)));
    return recordNow(entry(workspace, actor, QStringLiteral("job.submit"), QStringLiteral("job_%1").arg(n - 1)));
}

// A second connection of its own, as someone with the database file would use.
inline bool AuditFixture::tamper(const QString &sql, const QVariantList &binds)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
        db.setDatabaseName(m_store->dbPath());
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(sql);
            for (const QVariant &b : binds)
                q.addBindValue(b);
            ok = q.exec();
            if (!ok)
                qWarning().noquote() << q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
    return ok;
}

inline QList<AuditRecord> AuditFixture::all(const QString &workspace)
{
    AuditFilter f;
    f.limit = QStringLiteral("1000");
    const auto page = m_audit->query(workspace, f);
    return page ? page.value().entries : QList<AuditRecord>();
}

inline AuditRecord AuditFixture::row(qint64 seq)
{
    for (const QString &ws : {QStringLiteral("ws_a"), QStringLiteral("ws_b"), QString()})
        for (const AuditRecord &r : all(ws))
            if (r.seq == seq)
                return r;
    return {};
}

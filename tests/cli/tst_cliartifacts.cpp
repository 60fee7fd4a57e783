// `tanvrit-compute jobs artifacts list | download` (Part 1) against a real server and agent: the list in
// table and JSON form, downloads of all or named artifacts into a directory (byte for byte, sha256
// checked), and the exit codes of a missing job or name.
#include "CliSupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

class TestCliArtifacts : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void listAsTableAndJson();
    void downloadEverything();
    void downloadByName();
    void missingThingsExit66();

private:
    static QString sha(const QByteArray &b)
    {
        return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex());
    }
    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
    }

    CliFixture m_fx;
    QString m_job;
    QHash<QString, QString> m_sha; // name -> sha256 from the API
};

void TestCliArtifacts::initTestCase()
{
    QVERIFY2(m_fx.start({}, 2, CliFixture::Direct), m_fx.diag().constData());
    m_job = m_fx.server().submitJob({{"command",
                                         "mkdir -p sub && printf 'hello cli' > a.txt && head -c 3145739 /dev/urandom > "
                                         "sub/b.bin"},
        {"artifacts", QJsonArray {"*.txt", "sub/*"}}});
    QVERIFY(!m_job.isEmpty());
    QVERIFY2(m_fx.waitForState(m_job, "SUCCEEDED"), m_fx.diag().constData());
    const auto list = m_fx.server().get(QStringLiteral("/v0/jobs/%1/artifacts").arg(m_job));
    for (const QJsonValue &v : list.json.value("artifacts").toArray())
        m_sha.insert(v.toObject().value("name").toString(), v.toObject().value("sha256").toString());
    QCOMPARE(m_sha.size(), 2);
}

void TestCliArtifacts::listAsTableAndJson()
{
    auto r = m_fx.cli().run({"jobs", "artifacts", "list", m_job});
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QVERIFY(r.outLines().value(0).startsWith("NAME"));
    QVERIFY2(r.out.contains("a.txt") && r.out.contains("sub/b.bin") && r.out.contains("3.0 MiB"), r.out.constData());
    r = m_fx.cli().run({"jobs", "artifacts", "list", m_job, "-o", "json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray items = r.json().object().value("artifacts").toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items.at(0).toObject().value("name").toString(), QStringLiteral("a.txt"));
    r = m_fx.cli().run({"jobs", "artifacts", "list", m_job, "-o", "name"});
    QCOMPARE(r.outLines().size(), 2);
}

void TestCliArtifacts::downloadEverything()
{
    QTemporaryDir dir;
    const auto r = m_fx.cli().run({"jobs", "artifacts", "download", m_job, "-d", dir.path()}, m_fx.direct());
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(read(dir.filePath("a.txt")), QByteArray("hello cli"));
    const QByteArray b = read(dir.filePath("sub/b.bin"));
    QCOMPARE(b.size(), 3145739);
    QCOMPARE(sha(b), m_sha.value("sub/b.bin"));
    QVERIFY(r.out.contains(dir.filePath("sub/b.bin").toUtf8()));
}

void TestCliArtifacts::downloadByName()
{
    QTemporaryDir dir;
    const auto r = m_fx.cli().run(
        {"jobs", "artifacts", "download", m_job, "a.txt", "-d", dir.path(), "-o", "json"}, m_fx.direct());
    QVERIFY2(r.exitCode == 0, r.describe().constData());
    QCOMPARE(read(dir.filePath("a.txt")), QByteArray("hello cli"));
    QVERIFY(!QFile::exists(dir.filePath("sub/b.bin")));
    const QJsonArray files = r.json().object().value("files").toArray();
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.at(0).toObject().value("sha256").toString(), m_sha.value("a.txt"));
}

void TestCliArtifacts::missingThingsExit66()
{
    QTemporaryDir dir;
    auto r = m_fx.cli().run({"jobs", "artifacts", "download", m_job, "nope.txt", "-d", dir.path()}, m_fx.direct());
    QCOMPARE(r.exitCode, 66);
    QVERIFY(r.err.contains("nope.txt"));
    r = m_fx.cli().run({"jobs", "artifacts", "list", "job_01jd3zzzzzzzzzzzzzzzzzzzzz"});
    QCOMPARE(r.exitCode, 66);
    r = m_fx.cli().run({"jobs", "artifacts", "list"});
    QCOMPARE(r.exitCode, 64);
}

QTEST_MAIN(TestCliArtifacts)
#include "tst_cliartifacts.moc"

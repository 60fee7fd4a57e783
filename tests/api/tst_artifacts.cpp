// Artifacts over the API against a real server (Part 1): presign, upload in parts, list, download (whole
// and by Range), the result link, tampered and expired URLs (403), caps (413), another workspace (404),
// and a large round trip during which the server's memory stays bounded.
#include "TestServer.h"
#include "TestTeam.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QUrl>
#include <QtTest>

class TestArtifacts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void roundTripInParts();
    void rangeRequests();
    void resultLink();
    void tamperedUrlsAreForbidden_data();
    void tamperedUrlsAreForbidden();
    void expiredUrlIsForbidden();
    void badUploadsAreRefused();
    void capsAreEnforced();
    void otherWorkspaceSeesNothing();
    void largeFileWithBoundedServerMemory();

private:
    struct Uploaded
    {
        QString id;
        QByteArray data;
    };
    QString newJob();
    QJsonObject presignUpload(const QString &jobId, const QString &name, const QByteArray &data, int *status = nullptr);
    // Presigns and PUTs `data` in parts of `part` bytes; the artifact id or empty.
    QString upload(const QString &jobId, const QString &name, const QByteArray &data, qint64 part);
    QString downloadUrl(const QString &jobId, const QString &artifactId);
    TestServer::Reply fetch(const QString &url, TestServer::Headers headers = {}, const QByteArray &method = "GET");
    static QString pathOf(const QString &url);
    static QString sha(const QByteArray &b)
    {
        return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex());
    }

    TestServer m_server {{QStringLiteral("--artifact-max-file-bytes"), QString::number(80 << 20),
        QStringLiteral("--artifact-max-job-bytes"), QString::number(100 << 20)}};
    QString m_job;
    QString m_artifact;
    QString m_other; // a second artifact of m_job
    QByteArray m_data;
};

namespace {
QByteArray randomBytes(qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator gen(42 + quint32(n));
    for (qsizetype i = 0; i < n; ++i)
        b[i] = char(gen.generate() & 0xff);
    return b;
}

qint64 peakRssKb(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}
}

QString TestArtifacts::pathOf(const QString &url)
{
    const QUrl u(url);
    return u.path(QUrl::FullyEncoded) + QLatin1Char('?') + u.query(QUrl::FullyEncoded);
}

QString TestArtifacts::newJob()
{
    // no agent runs here: the job stays queued, which is all presigning by its owner needs
    return m_server.submitJob({{QStringLiteral("command"), QStringLiteral("true")}});
}

QJsonObject TestArtifacts::presignUpload(const QString &jobId, const QString &name, const QByteArray &data, int *status)
{
    const auto r = m_server.post(QStringLiteral("/api/compute/jobs/artifacts/presign-upload"),
        {{"jobId", jobId}, {"name", name}, {"size", data.size()}, {"sha256", sha(data)}});
    if (status)
        *status = r.status;
    if (r.status != 200)
        qWarning().noquote() << "presign-upload:" << r.describe();
    return r.json.value("payload").toObject();
}

QString TestArtifacts::upload(const QString &jobId, const QString &name, const QByteArray &data, qint64 part)
{
    const QJsonObject p = presignUpload(jobId, name, data);
    const QString url = p.value("url").toString();
    if (url.isEmpty())
        return {};
    qint64 at = 0;
    do {
        const qint64 n = std::min<qint64>(part, data.size() - at);
        const QByteArray range = "bytes " + QByteArray::number(at) + '-' + QByteArray::number(at + n - 1) + '/'
            + QByteArray::number(data.size());
        const auto r = m_server.request("PUT", pathOf(url), data.mid(at, n),
            {{"Content-Type", "application/octet-stream"}, {"Content-Range", range}}, false);
        if (r.status != 200) {
            qWarning().noquote() << "PUT part:" << r.describe();
            return {};
        }
        at += n;
        if (r.json.value("payload").toObject().value("complete").toBool() != (at == data.size())) {
            qWarning().noquote() << "unexpected completion:" << r.describe();
            return {};
        }
    } while (at < data.size());
    return p.value("artifactId").toString();
}

QString TestArtifacts::downloadUrl(const QString &jobId, const QString &artifactId)
{
    const auto r = m_server.post(
        QStringLiteral("/api/compute/jobs/artifacts/presign-download"), {{"jobId", jobId}, {"artifactId", artifactId}});
    if (r.status != 200)
        qWarning().noquote() << "presign-download:" << r.describe();
    return r.json.value("payload").toObject().value("url").toString();
}

TestServer::Reply TestArtifacts::fetch(const QString &url, TestServer::Headers headers, const QByteArray &method)
{
    return m_server.request(method, pathOf(url), {}, std::move(headers), false);
}

void TestArtifacts::initTestCase()
{
    QVERIFY2(m_server.start(), m_server.output().right(2000).constData());
    m_job = newJob();
    QVERIFY(!m_job.isEmpty());
    m_data = randomBytes(3 * 1024 * 1024 + 17);
    m_artifact = upload(m_job, QStringLiteral("out/result.bin"), m_data, 1024 * 1024);
    QVERIFY2(!m_artifact.isEmpty(), m_server.output().right(2000).constData());
    m_other = upload(m_job, QStringLiteral("other.txt"), "other", 1024);
    QVERIFY(!m_other.isEmpty());
    const QFileInfo key(m_server.dataDir() + QStringLiteral("/artifacts.key"));
    QVERIFY(key.exists());
    QCOMPARE(int(key.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther)), 0);
}

void TestArtifacts::roundTripInParts()
{
    const auto list = m_server.get(QStringLiteral("/v0/jobs/%1/artifacts").arg(m_job));
    QCOMPARE(list.status, 200);
    const QJsonArray items = list.json.value("artifacts").toArray();
    QCOMPARE(items.size(), 2);
    const QJsonObject a = items.first().toObject();
    QCOMPARE(a.value("id").toString(), m_artifact);
    QCOMPARE(a.value("name").toString(), QStringLiteral("out/result.bin"));
    QCOMPARE(a.value("size").toInteger(), m_data.size());
    QCOMPARE(a.value("sha256").toString(), sha(m_data));
    QCOMPARE(a.value("attempt").toInt(), 1);
    QVERIFY(!a.value("createdAt").toString().isEmpty());
    QVERIFY(QFile::exists(m_server.dataDir() + QStringLiteral("/artifacts/%1/%2").arg(m_job, m_artifact)));

    const auto got = fetch(downloadUrl(m_job, m_artifact));
    QCOMPARE(got.status, 200);
    QCOMPARE(got.body.size(), m_data.size());
    QVERIFY(got.body == m_data);
    QCOMPARE(got.header("content-length").toLongLong(), m_data.size());
    QVERIFY2(got.header("content-disposition").contains("filename=\"result.bin\""), got.header("content-disposition"));
    QCOMPARE(got.header("accept-ranges"), QByteArray("bytes"));

    // a complete artifact takes no more parts, and presigning its name again is a conflict
    int status = 0;
    presignUpload(m_job, QStringLiteral("out/result.bin"), m_data, &status);
    QCOMPARE(status, 409);
}

void TestArtifacts::rangeRequests()
{
    const QString url = downloadUrl(m_job, m_artifact);
    auto r = fetch(url, {{"Range", "bytes=100-199"}});
    QCOMPARE(r.status, 206);
    QVERIFY(r.body == m_data.mid(100, 100));
    QCOMPARE(r.header("content-range"), "bytes 100-199/" + QByteArray::number(m_data.size()));
    r = fetch(url, {{"Range", "bytes=-10"}});
    QCOMPARE(r.status, 206);
    QVERIFY(r.body == m_data.right(10));
    r = fetch(url, {{"Range", "bytes=" + QByteArray::number(m_data.size() - 5) + "-"}});
    QCOMPARE(r.status, 206);
    QVERIFY(r.body == m_data.right(5));
    r = fetch(url, {{"Range", "bytes=" + QByteArray::number(m_data.size()) + "-"}});
    QCOMPARE(r.status, 416);
    QCOMPARE(r.header("content-range"), "bytes */" + QByteArray::number(m_data.size()));
    // HEAD: the headers only
    r = fetch(url, {}, "HEAD");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-length").toLongLong(), m_data.size());
    QVERIFY(r.body.isEmpty());
}

void TestArtifacts::resultLink()
{
    auto r = m_server.get(QStringLiteral("/v0/jobs/%1/result").arg(m_job));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("jobId").toString(), m_job);
    QCOMPARE(r.json.value("expiresIn").toInt(), 3600);
    const QString url = r.json.value("downloadUrl").toString();
    QVERIFY2(url.startsWith(m_server.url().toString(QUrl::StripTrailingSlash)), qPrintable(url));
    QVERIFY(fetch(url).body == m_data);
    r = m_server.get(QStringLiteral("/v0/jobs/%1/result?name=out/result.bin").arg(m_job));
    QCOMPARE(r.status, 200);
    r = m_server.get(QStringLiteral("/v0/jobs/%1/result?name=nope").arg(m_job));
    QCOMPARE(r.status, 404);
    const QString empty = newJob();
    r = m_server.get(QStringLiteral("/v0/jobs/%1/result").arg(empty));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.json.value("code").toString(), QStringLiteral("not_found"));
    r = m_server.get(QStringLiteral("/v0/jobs/%1/artifacts").arg(empty));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value("artifacts").toArray().size(), 0);
}

void TestArtifacts::tamperedUrlsAreForbidden_data()
{
    QTest::addColumn<QString>("what");
    QTest::newRow("signature byte") << "signature";
    QTest::newRow("artifact id") << "artifact";
    QTest::newRow("job id") << "job";
    QTest::newRow("expiry") << "expires";
    QTest::newRow("method") << "method";
    QTest::newRow("no signature") << "none";
}

void TestArtifacts::tamperedUrlsAreForbidden()
{
    QFETCH(QString, what);
    const QString other = m_other;
    const QString good = downloadUrl(m_job, m_artifact);
    QString bad = good;
    QByteArray method = "GET";
    auto flip = [](QString s, qsizetype at) {
        s[at] = s.at(at) == QLatin1Char('a') ? QLatin1Char('b') : QLatin1Char('a');
        return s;
    };
    if (what == "signature")
        bad = flip(good, good.size() - 1);
    else if (what == "artifact")
        bad = QString(good).replace(m_artifact, other);
    else if (what == "job")
        bad = QString(good).replace(m_job, newJob());
    else if (what == "expires")
        bad = QString(good).replace(QRegularExpression("expires=(\\d+)"), "expires=9999999999");
    else if (what == "method")
        method = "PUT";
    else
        bad = good.section(QLatin1Char('?'), 0, 0);
    TestServer::Reply r;
    if (method == "PUT")
        r = m_server.request("PUT", pathOf(QString(good).replace("/download/", "/upload/")), "x",
            {{"Content-Type", "application/octet-stream"}}, false);
    else
        r = fetch(bad);
    QCOMPARE(r.status, 403);
    QCOMPARE(r.json.value("status").toString(), QStringLiteral("FORBIDDEN"));
    QCOMPARE(r.json.value("code").toString(), QStringLiteral("forbidden"));
    QVERIFY(!r.body.contains(m_data.left(16)));
}

void TestArtifacts::expiredUrlIsForbidden()
{
    // Signed with the server's own key but expired a second ago: only the expiry is wrong.
    QFile keyFile(m_server.dataDir() + QStringLiteral("/artifacts.key"));
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    const QByteArray key = keyFile.readAll();
    const qint64 expired = QDateTime::currentSecsSinceEpoch() - 1;
    auto sign = [&](qint64 at) {
        return QMessageAuthenticationCode::hash(
            "GET\n" + m_job.toUtf8() + '\n' + m_artifact.toUtf8() + '\n' + QByteArray::number(at), key,
            QCryptographicHash::Sha256)
            .toHex();
    };
    const QString base = QStringLiteral("/api/compute/artifacts/download/%1/%2").arg(m_job, m_artifact);
    auto r
        = fetch(base + QStringLiteral("?expires=%1&signature=%2").arg(expired).arg(QString::fromLatin1(sign(expired))));
    QCOMPARE(r.status, 403);
    QVERIFY2(r.json.value("message").toString().contains("expired"), r.body.constData());
    // the same computation with a future expiry is accepted: the test signs as the server does
    const qint64 later = QDateTime::currentSecsSinceEpoch() + 60;
    r = fetch(base + QStringLiteral("?expires=%1&signature=%2").arg(later).arg(QString::fromLatin1(sign(later))));
    QCOMPARE(r.status, 200);
    // a short-lived link from presign-download stops working once its time is up
    const auto p = m_server.post(QStringLiteral("/api/compute/jobs/artifacts/presign-download"),
        {{"jobId", m_job}, {"name", "out/result.bin"}, {"expiresIn", 1}});
    QCOMPARE(p.status, 200);
    const QString shortLived = p.json.value("payload").toObject().value("url").toString();
    QTRY_COMPARE_WITH_TIMEOUT(fetch(shortLived, {{"Range", "bytes=0-0"}}).status, 403, 5000);
}

void TestArtifacts::badUploadsAreRefused()
{
    const QString job = newJob();
    const QByteArray data = "hello artifacts";
    const QJsonObject p = presignUpload(job, QStringLiteral("a.txt"), data);
    const QString url = pathOf(p.value("url").toString());
    const TestServer::Headers octet {{"Content-Type", "application/octet-stream"}};
    // a part that does not start where the last one ended: 409 with what arrived
    auto r = m_server.request("PUT", url, data.mid(3), {octet.first(), {"Content-Range", "bytes 3-14/15"}}, false);
    QCOMPARE(r.status, 409);
    QCOMPARE(r.json.value("payload").toObject().value("received").toInt(), 0);
    // another total than presigned
    r = m_server.request("PUT", url, data, {octet.first(), {"Content-Range", "bytes 0-14/16"}}, false);
    QCOMPARE(r.status, 413);
    r = m_server.request("PUT", url, data.left(14), {octet.first(), {"Content-Range", "bytes 0-13/14"}}, false);
    QCOMPARE(r.status, 400);
    r = m_server.request("PUT", url, data + "xx", octet, false);
    QCOMPARE(r.status, 413);
    // a Content-Range that does not match the body
    r = m_server.request("PUT", url, data, {octet.first(), {"Content-Range", "bytes 0-3/15"}}, false);
    QCOMPARE(r.status, 400);
    // bytes that do not hash to the presigned sha256: refused, nothing listed, and the upload may start over
    QByteArray wrong = data;
    wrong[0] = 'H';
    r = m_server.request("PUT", url, wrong, octet, false);
    QCOMPARE(r.status, 422);
    QCOMPARE(
        m_server.get(QStringLiteral("/v0/jobs/%1/artifacts").arg(job)).json.value("artifacts").toArray().size(), 0);
    r = m_server.request("PUT", url, data, octet, false);
    QCOMPARE(r.status, 200);
    QCOMPARE(
        m_server.get(QStringLiteral("/v0/jobs/%1/artifacts").arg(job)).json.value("artifacts").toArray().size(), 1);
    // names that leave the job's directory, and malformed fields
    for (const QString &name : {QStringLiteral("../x"), QStringLiteral("/etc/passwd"), QStringLiteral("a//b"),
             QStringLiteral("a/./b"), QString()}) {
        const auto bad = m_server.post(QStringLiteral("/api/compute/jobs/artifacts/presign-upload"),
            {{"jobId", job}, {"name", name}, {"size", 1}, {"sha256", sha("x")}});
        QVERIFY2(bad.status == 422, qPrintable(name + ": " + bad.describe()));
    }
    const auto noSha = m_server.post(QStringLiteral("/api/compute/jobs/artifacts/presign-upload"),
        {{"jobId", job}, {"name", "b"}, {"size", 1}, {"sha256", "XYZ"}});
    QCOMPARE(noSha.status, 422);
}

void TestArtifacts::capsAreEnforced()
{
    const QString job = newJob();
    auto presign = [&](const QString &name, qint64 size) {
        return m_server.post(QStringLiteral("/api/compute/jobs/artifacts/presign-upload"),
            {{"jobId", job}, {"name", name}, {"size", size}, {"sha256", sha("x")}});
    };
    auto r = presign(QStringLiteral("big"), (80 << 20) + 1);
    QCOMPARE(r.status, 413);
    QCOMPARE(r.json.value("code").toString(), QStringLiteral("payload_too_large"));
    QCOMPARE(presign(QStringLiteral("one"), 60 << 20).status, 200);
    r = presign(QStringLiteral("two"), 41 << 20); // 101 MiB for the job
    QCOMPARE(r.status, 413);
    QCOMPARE(presign(QStringLiteral("three"), 40 << 20).status, 200);
    // a part above the upload part limit never reaches the parser
    const QString url = pathOf(presignUpload(newJob(), QStringLiteral("four"), "abc").value("url").toString());
    r = m_server.request("PUT", url, QByteArray((9 << 20), 'x'), {{"Content-Type", "application/octet-stream"}}, false);
    QCOMPARE(r.status, 413);
    // other bodies keep the general 1 MiB limit
    r = m_server.request("POST", QStringLiteral("/v0/jobs"), QByteArray(2 << 20, ' '));
    QCOMPARE(r.status, 413);
}

void TestArtifacts::otherWorkspaceSeesNothing()
{
    TestTeam team(m_server);
    const auto person = team.addPerson(team.defaultWorkspace(), QStringLiteral("member"));
    QVERIFY(person);
    const QString theirs = team.createWorkspace(*person, QStringLiteral("elsewhere"));
    QVERIFY(!theirs.isEmpty());
    const auto who = person->bearer(theirs);
    QCOMPARE(team.as(who, "GET", QStringLiteral("/v0/jobs/%1/artifacts").arg(m_job)).status, 404);
    QCOMPARE(team.as(who, "GET", QStringLiteral("/v0/jobs/%1/result").arg(m_job)).status, 404);
    auto r = team.as(who, "POST", QStringLiteral("/api/compute/jobs/artifacts/presign-download"),
        {{"jobId", m_job}, {"artifactId", m_artifact}});
    QCOMPARE(r.status, 404);
    r = team.as(who, "POST", QStringLiteral("/api/compute/jobs/artifacts/presign-upload"),
        {{"jobId", m_job}, {"name", "x"}, {"size", 1}, {"sha256", sha("x")}});
    QCOMPARE(r.status, 404);
    // a member of the job's workspace reads it, but may not add to another person's job
    const auto member = person->bearer(team.defaultWorkspace());
    QCOMPARE(team.as(member, "GET", QStringLiteral("/v0/jobs/%1/artifacts").arg(m_job)).status, 200);
    r = team.as(member, "POST", QStringLiteral("/api/compute/jobs/artifacts/presign-upload"),
        {{"jobId", m_job}, {"name", "x"}, {"size", 1}, {"sha256", sha("x")}});
    QCOMPARE(r.status, 403);
    // without credentials
    QCOMPARE(m_server.get(QStringLiteral("/v0/jobs/%1/artifacts").arg(m_job), false).status, 401);
}

void TestArtifacts::largeFileWithBoundedServerMemory()
{
    const QString job = newJob();
    const QByteArray data = randomBytes(64 << 20);
    const qint64 before = peakRssKb(m_server.pid());
    QVERIFY(before > 0);
    const QString id = upload(job, QStringLiteral("big.bin"), data, 8 << 20);
    QVERIFY(!id.isEmpty());
    const auto got = fetch(downloadUrl(job, id));
    QCOMPARE(got.status, 200);
    QVERIFY(got.body == data);
    const qint64 after = peakRssKb(m_server.pid());
    // parts of 8 MiB (Qt holds one request's body, and its copy): far below the 64 MiB that moved
    QVERIFY2(after - before < 40 * 1024, qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(after - before)));
}

QTEST_MAIN(TestArtifacts)
#include "tst_artifacts.moc"

// JobSpecBuilder in-process: what an assignment becomes on the command line — in particular a CONTAINER
// job's engine command, where an image that looks like an option must never reach the engine as one.
#include "JobSpecBuilder.h"

#include <QJsonArray>
#include <QtTest>

class TestJobSpecBuilder : public QObject
{
    Q_OBJECT

private slots:
    void imageThatLooksLikeAnOptionIsRefused_data();
    void imageThatLooksLikeAnOptionIsRefused();
    void engineGetsDoubleDashBeforeTheImage_data();
    void engineGetsDoubleDashBeforeTheImage();
    void containerWithoutEngineIsRefused();
    void commandJob();
};

void TestJobSpecBuilder::imageThatLooksLikeAnOptionIsRefused_data()
{
    QTest::addColumn<QString>("image");
    QTest::newRow("--privileged") << QStringLiteral("--privileged");
    QTest::newRow("-v/:/host") << QStringLiteral("-v/:/host");
    QTest::newRow("--volume=/:/host") << QStringLiteral("--volume=/:/host");
    QTest::newRow("lone dash") << QStringLiteral("-");
    QTest::newRow("leading space then dash") << QStringLiteral(" --privileged");
    QTest::newRow("empty") << QString();
}

void TestJobSpecBuilder::imageThatLooksLikeAnOptionIsRefused()
{
    QFETCH(QString, image);
    for (const char *engine : {"docker", "podman"}) {
        JobSpecBuilder b(QStringLiteral("/tmp/jobs"), 1000);
        b.setContainerEngine(engine);
        JobProcess::Spec spec;
        QString error;
        const QJsonObject a {
            {"jobId", "job_1"}, {"attempt", 1}, {"type", "CONTAINER"}, {"image", image}, {"cmd", QJsonArray {"true"}}};
        QVERIFY2(!b.build(a, JobSpecBuilder::kContainer, {}, spec, &error), qPrintable(spec.argv.join(' ')));
        QVERIFY2(error.contains(QStringLiteral("image")), qPrintable(error));
    }
}

void TestJobSpecBuilder::engineGetsDoubleDashBeforeTheImage_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("docker") << QStringLiteral("docker");
    QTest::newRow("podman") << QStringLiteral("podman");
}

void TestJobSpecBuilder::engineGetsDoubleDashBeforeTheImage()
{
    QFETCH(QString, engine);
    JobSpecBuilder b(QStringLiteral("/tmp/jobs"), 5000);
    b.setContainerEngine(engine);
    JobProcess::Spec spec;
    QString error;
    const QJsonObject a {{"jobId", "job_1"}, {"attempt", 2}, {"type", "CONTAINER"}, {"image", "alpine:3"},
        {"cmd", QJsonArray {"--help", "-x"}}, {"env", QJsonObject {{"SECRET", "s3cr3t"}}}};
    QVERIFY2(b.build(a, JobSpecBuilder::kContainer, {}, spec, &error), qPrintable(error));
    const qsizetype at = spec.argv.indexOf(QStringLiteral("alpine:3"));
    QVERIFY2(at > 2, qPrintable(spec.argv.join(' ')));
    QCOMPARE(spec.argv.first(), engine);
    QCOMPARE(spec.argv.at(at - 1), QStringLiteral("--")); // nothing after this is an engine option
    QCOMPARE(spec.argv.mid(at + 1), (QStringList {"--help", "-x"}));
    QVERIFY2(!spec.argv.join(' ').contains(QStringLiteral("s3cr3t")), qPrintable(spec.argv.join(' ')));
    QCOMPARE(spec.env.value(QStringLiteral("SECRET")), QStringLiteral("s3cr3t"));
}

void TestJobSpecBuilder::containerWithoutEngineIsRefused()
{
    JobSpecBuilder b(QStringLiteral("/tmp/jobs"), 1000);
    JobProcess::Spec spec;
    QString error;
    QVERIFY(!b.build({{"jobId", "j"}, {"image", "alpine"}}, JobSpecBuilder::kContainer, {}, spec, &error));
    QVERIFY(!error.isEmpty());
}

void TestJobSpecBuilder::commandJob()
{
    JobSpecBuilder b(QStringLiteral("/tmp/jobs"), 1000);
    JobProcess::Spec spec;
    QString error;
    QVERIFY(b.build({{"jobId", "j"}, {"attempt", 3}, {"command", "echo hi"}, {"timeoutSeconds", 7}},
        JobSpecBuilder::kCommand, {}, spec, &error));
    QCOMPARE(spec.command, QStringLiteral("echo hi"));
    QCOMPARE(spec.attempt, 3);
    QCOMPARE(spec.timeoutSeconds, 7);
    QCOMPARE(spec.workRoot, QStringLiteral("/tmp/jobs"));
    QVERIFY(!b.build({{"jobId", "j"}}, JobSpecBuilder::kCommand, {}, spec, &error));
}

QTEST_GUILESS_MAIN(TestJobSpecBuilder)
#include "tst_jobspecbuilder.moc"

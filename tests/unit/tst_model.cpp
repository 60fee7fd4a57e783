// Unit tests of the domain model: the job state machine, ULIDs, and submit-body validation.
#include "Job.h"
#include "JobState.h"
#include "Ulid.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QtTest>

class TestModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void transitions_data();
    void transitions();
    void terminalStatesAreFinal();
    void ulidsAreUniqueSortedAndDecodable();
    void validSpecRoundTrips();
    void invalidSpecs_data();
    void invalidSpecs();
    void jobJsonRoundTrip();
};

void TestModel::transitions_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("queued->assigned") << "QUEUED" << "ASSIGNED" << true;
    QTest::newRow("queued->cancelled") << "QUEUED" << "CANCELLED" << true;
    QTest::newRow("queued->running") << "QUEUED" << "RUNNING" << false;
    QTest::newRow("queued->succeeded") << "QUEUED" << "SUCCEEDED" << false;
    QTest::newRow("assigned->running") << "ASSIGNED" << "RUNNING" << true;
    QTest::newRow("assigned->queued (agent lost)") << "ASSIGNED" << "QUEUED" << true;
    QTest::newRow("running->succeeded") << "RUNNING" << "SUCCEEDED" << true;
    QTest::newRow("running->timed_out") << "RUNNING" << "TIMED_OUT" << true;
    QTest::newRow("running->cancelling") << "RUNNING" << "CANCELLING" << true;
    QTest::newRow("running->cancelled directly") << "RUNNING" << "CANCELLED" << false;
    QTest::newRow("running->assigned") << "RUNNING" << "ASSIGNED" << false;
    QTest::newRow("cancelling->cancelled") << "CANCELLING" << "CANCELLED" << true;
    QTest::newRow("cancelling->queued") << "CANCELLING" << "QUEUED" << false;
    QTest::newRow("succeeded->failed") << "SUCCEEDED" << "FAILED" << false;
    QTest::newRow("succeeded->queued") << "SUCCEEDED" << "QUEUED" << false;
    QTest::newRow("failed->queued (retry)") << "FAILED" << "QUEUED" << true;
    QTest::newRow("failed->succeeded") << "FAILED" << "SUCCEEDED" << false;
    QTest::newRow("cancelled->running") << "CANCELLED" << "RUNNING" << false;
}

void TestModel::transitions()
{
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(bool, allowed);
    const auto f = JobStates::parse(from);
    const auto t = JobStates::parse(to);
    QVERIFY(f && t);
    QCOMPARE(JobStates::canTransition(*f, *t), allowed);
}

void TestModel::terminalStatesAreFinal()
{
    for (JobState s : {JobState::Succeeded, JobState::Failed, JobState::TimedOut, JobState::Cancelled}) {
        QVERIFY(JobStates::isTerminal(s));
        for (JobState t : {JobState::Assigned, JobState::Running, JobState::Cancelling, JobState::Succeeded,
                           JobState::Failed, JobState::TimedOut, JobState::Cancelled})
            QVERIFY2(!JobStates::canTransition(s, t), qPrintable(JobStates::name(s) + " -> " + JobStates::name(t)));
    }
    QVERIFY(!JobStates::parse(QStringLiteral("queued")));   // names are exact
    QVERIFY(!JobStates::parse(QStringLiteral("DONE")));
}

void TestModel::ulidsAreUniqueSortedAndDecodable()
{
    QSet<QString> seen;
    QString prev;
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < 20000; ++i) {
        const QString id = Ulid::withPrefix(QStringLiteral("job"));
        QVERIFY(Ulid::isValid(id, QStringLiteral("job")));
        QVERIFY2(id > prev, qPrintable(prev + " !< " + id));
        QVERIFY(!seen.contains(id));
        seen.insert(id);
        prev = id;
    }
    const qint64 ts = Ulid::timestampMs(prev);
    QVERIFY(ts >= before && ts <= QDateTime::currentMSecsSinceEpoch() + 1000);
    QVERIFY(!Ulid::isValid(QStringLiteral("job_short"), QStringLiteral("job")));
    QVERIFY(!Ulid::isValid(QStringLiteral("job_01m88p8rt0ejt838xaf3z0zz3u"), QStringLiteral("job")));   // 'u' is not Crockford
    QVERIFY(!Ulid::isValid(QStringLiteral("node_01m88p8rt0ejt838xaf3z0zz33"), QStringLiteral("job")));
}

void TestModel::validSpecRoundTrips()
{
    const QJsonObject body = QJsonDocument::fromJson(R"({"type":"COMMAND","command":"echo hi","timeoutSeconds":30,
        "labels":{"arch":"arm64"},"env":{"A":"1"},"secrets":["A"],"resources":{"cpu":2,"memGib":1.5,"gpus":1},
        "priority":-5,"maxRetries":2,"workingDir":"/tmp","artifacts":["out/*"]})").object();
    const auto spec = JobSpec::fromJson(body);
    QVERIFY(spec.ok());
    QCOMPARE(spec.value().timeoutSeconds, 30);
    QCOMPARE(spec.value().resources.gpus, 1);
    QCOMPARE(spec.value().resources.memGib, 1.5);
    QCOMPARE(spec.value().priority, -5);
    QJsonObject out;
    spec.value().writeJson(out);
    const JobSpec back = JobSpec::readJson(out);
    QCOMPARE(back.command, QStringLiteral("echo hi"));
    QCOMPARE(back.labels.value(QStringLiteral("arch")), QStringLiteral("arm64"));
    QCOMPARE(back.secrets, QStringList{QStringLiteral("A")});
    QCOMPARE(back.maxRetries, 2);
}

void TestModel::invalidSpecs_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    QTest::newRow("no command") << QByteArray(R"({"type":"COMMAND"})") << "command";
    QTest::newRow("command and argv") << QByteArray(R"({"command":"x","argv":["y"]})") << "argv";
    QTest::newRow("system label (schedules)")
        << QByteArray(R"({"command":"x","labels":{"tanvrit/schedule":"sch_x"}})") << "labels.tanvrit/schedule";
    QTest::newRow("blank command") << QByteArray(R"({"command":"   "})") << "command";
    QTest::newRow("command not a string") << QByteArray(R"({"command":5})") << "command";
    QTest::newRow("argv not strings") << QByteArray(R"({"argv":[1,2]})") << "argv";
    QTest::newRow("negative timeout") << QByteArray(R"({"command":"x","timeoutSeconds":-1})") << "timeoutSeconds";
    QTest::newRow("zero timeout") << QByteArray(R"({"command":"x","timeoutSeconds":0})") << "timeoutSeconds";
    QTest::newRow("huge timeout") << QByteArray(R"({"command":"x","timeoutSeconds":1e12})") << "timeoutSeconds";
    QTest::newRow("fractional priority") << QByteArray(R"({"command":"x","priority":1.5})") << "priority";
    QTest::newRow("priority string") << QByteArray(R"({"command":"x","priority":"high"})") << "priority";
    QTest::newRow("too many retries") << QByteArray(R"({"command":"x","maxRetries":11})") << "maxRetries";
    QTest::newRow("label value number") << QByteArray(R"({"command":"x","labels":{"a":1}})") << "labels.a";
    QTest::newRow("bad label key") << QByteArray(R"({"command":"x","labels":{"-a":"1"}})") << "labels.-a";
    QTest::newRow("bad env key") << QByteArray(R"({"command":"x","env":{"1A":"1"}})") << "env.1A";
    QTest::newRow("gpus fraction") << QByteArray(R"({"command":"x","resources":{"gpus":0.5}})") << "resources.gpus";
    QTest::newRow("negative cpu") << QByteArray(R"({"command":"x","resources":{"cpu":-1}})") << "resources.cpu";
    QTest::newRow("resources not object") << QByteArray(R"({"command":"x","resources":[]})") << "resources";
    QTest::newRow("unknown resource") << QByteArray(R"({"command":"x","resources":{"tpus":1}})") << "resources.tpus";
    QTest::newRow("unknown field") << QByteArray(R"({"command":"x","timeoutSecond":3})") << "timeoutSecond";
    QTest::newRow("bad type name") << QByteArray(R"({"type":"has space","command":"x"})") << "type";
    QTest::newRow("container without image") << QByteArray(R"({"type":"CONTAINER","cmd":["x"]})") << "image";
}

void TestModel::invalidSpecs()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    const auto spec = JobSpec::fromJson(QJsonDocument::fromJson(body).object());
    QVERIFY(!spec.ok());
    QCOMPARE(spec.error().httpStatus(), 422);
    QCOMPARE(spec.error().codeString(), QStringLiteral("validation_failed"));
    const QJsonObject fields = spec.error().detail.value(QStringLiteral("fields")).toObject();
    QVERIFY2(fields.contains(field), QJsonDocument(fields).toJson(QJsonDocument::Compact).constData());
}

void TestModel::jobJsonRoundTrip()
{
    Job j;
    j.id = Ulid::withPrefix(QStringLiteral("job"));
    j.workspaceId = QStringLiteral("ws_x");
    j.spec.command = QStringLiteral("true");
    j.state = JobState::Failed;
    j.createdAt = 1700000000123;
    j.updatedAt = 1700000001000;
    j.attempt = 2;
    j.exitCode = 3;
    j.runtimeMs = 42;
    j.agentId = QStringLiteral("node_y");
    j.error = QStringLiteral("agent_lost");
    j.lostCount = 1;
    j.history = {{JobState::Queued, 1700000000123, QStringLiteral("key:k"), QStringLiteral("submitted"), 1},
                 {JobState::Failed, 1700000001000, QStringLiteral("node:n"), QStringLiteral("exit code 3"), 2}};
    const Job back = Job::fromJson(j.toJson());
    QCOMPARE(back.id, j.id);
    QCOMPARE(back.state, JobState::Failed);
    QCOMPARE(back.createdAt, j.createdAt);
    QCOMPARE(back.exitCode, std::optional<int>(3));
    QCOMPARE(back.runtimeMs, qint64(42));
    QCOMPARE(back.attempt, 2);
    QCOMPARE(back.lostCount, 1);
    QCOMPARE(back.history.size(), 2);
    QCOMPARE(back.history.last().reason, QStringLiteral("exit code 3"));
    QCOMPARE(back.history.last().attempt, 2);
    QVERIFY(j.toJson().value(QStringLiteral("runtimeMs")).isDouble());
    Job fresh;
    QVERIFY(fresh.toJson().value(QStringLiteral("exitCode")).isNull());
}

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"

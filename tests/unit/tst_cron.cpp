// Unit tests of the schedules' cron arithmetic: parsing, field rules, time zones and daylight-saving days,
// and the validation of a schedule body (its job template through the submit parser).
#include "CronExpression.h"
#include "Schedule.h"

#include <QDateTime>
#include <QJsonArray>
#include <QtTest>

namespace {
qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}
QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}
QStringList runs(const QString &cron, const QString &zone, const char *after, int n)
{
    const auto c = CronExpression::parse(cron);
    const auto z = CronExpression::zone(zone);
    if (!c || !z)
        return {QStringLiteral("invalid")};
    QStringList out;
    for (qint64 t : c->nextRuns(utc(after), *z, n))
        out << iso(t);
    return out;
}
}

class TestCron : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void badExpressions_data();
    void badExpressions();
    void nextRuns_data();
    void nextRuns();
    void neverMatchingHasNoNextRun();
    void zones();
    void scheduleBodyValidation_data();
    void scheduleBodyValidation();
    void scheduleUpdateKeepsUntouchedFields();
};

void TestCron::badExpressions_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("empty") << ""
                           << "empty";
    QTest::newRow("four fields") << "* * * *"
                                 << "4 fields";
    QTest::newRow("six fields") << "0 * * * * *"
                                << "6 fields";
    QTest::newRow("minute 60") << "60 * * * *"
                               << "minute: 60 is outside 0-59";
    QTest::newRow("hour 24") << "0 24 * * *"
                             << "hour";
    QTest::newRow("dom 0") << "0 0 0 * *"
                           << "day-of-month";
    QTest::newRow("month 13") << "0 0 1 13 *"
                              << "month";
    QTest::newRow("dow 8") << "0 0 * * 8"
                           << "day-of-week";
    QTest::newRow("step 0") << "*/0 * * * *"
                            << "step";
    QTest::newRow("backwards range") << "0 10-2 * * *"
                                     << "backwards";
    QTest::newRow("bad name") << "0 0 * FOO *"
                              << "not a number";
    QTest::newRow("negative") << "-1 * * * *"
                              << "minute";
    QTest::newRow("empty list item") << "1,,2 * * * *"
                                     << "empty list item";
    QTest::newRow("double slash") << "*/2/3 * * * *"
                                  << "more than one";
    QTest::newRow("unknown macro") << "@reboot"
                                   << "unknown macro";
    QTest::newRow("garbage") << "every minute please ok now"
                             << "not a number";
}

void TestCron::badExpressions()
{
    QFETCH(QString, cron);
    QFETCH(QString, mentions);
    QString error;
    QVERIFY(!CronExpression::parse(cron, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
}

void TestCron::nextRuns_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("every 5 minutes") << "*/5 * * * *"
                                     << "UTC"
                                     << "2026-01-01T00:02:30Z"
                                     << QStringList {
                                            "2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z", "2026-01-01T00:15:00Z"};
    QTest::newRow("range with step") << "1-10/4 * * * *"
                                     << "UTC"
                                     << "2026-01-01T00:00:00Z"
                                     << QStringList {"2026-01-01T00:01:00Z", "2026-01-01T00:05:00Z",
                                            "2026-01-01T00:09:00Z", "2026-01-01T01:01:00Z"};
    QTest::newRow("list") << "0,30 8 * * *"
                          << "UTC"
                          << "2026-01-01T08:00:00Z" << QStringList {"2026-01-01T08:30:00Z", "2026-01-02T08:00:00Z"};
    QTest::newRow("strictly after") << "0 8 * * *"
                                    << "UTC"
                                    << "2026-01-01T08:00:00Z" << QStringList {"2026-01-02T08:00:00Z"};
    QTest::newRow("names, weekdays") // 2026-01-02 is a Friday
        << "0 9 * jan-Mar MON-FRI"
        << "UTC"
        << "2026-01-02T10:00:00Z" << QStringList {"2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"};
    QTest::newRow("0 is Sunday") << "0 0 * * 0"
                                 << "UTC"
                                 << "2026-01-01T00:00:00Z"
                                 << QStringList {"2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"};
    QTest::newRow("7 is Sunday") << "0 0 * * 7"
                                 << "UTC"
                                 << "2026-01-01T00:00:00Z"
                                 << QStringList {"2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"};
    QTest::newRow("both day fields: either matches") // the 13th, and every Friday
        << "0 0 13 * FRI"
        << "UTC"
        << "2026-01-08T00:00:00Z"
        << QStringList {"2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"};
    QTest::newRow("day-of-month star step: both must match") // odd days that are Mondays
        << "0 0 */2 * MON"
        << "UTC"
        << "2026-01-01T00:00:00Z" << QStringList {"2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z"};
    QTest::newRow("month end") << "0 0 31 * *"
                               << "UTC"
                               << "2026-01-31T00:00:00Z"
                               << QStringList {"2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"};
    QTest::newRow("29 February") << "0 0 29 2 *"
                                 << "UTC"
                                 << "2026-01-01T00:00:00Z" << QStringList {"2028-02-29T00:00:00Z"};
    QTest::newRow("@hourly") << "@hourly"
                             << "UTC"
                             << "2026-01-01T00:30:00Z" << QStringList {"2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"};
    QTest::newRow("@daily") << "@daily"
                            << "UTC"
                            << "2026-01-01T00:30:00Z" << QStringList {"2026-01-02T00:00:00Z"};
    QTest::newRow("@weekly") << "@weekly"
                             << "UTC"
                             << "2026-01-01T00:30:00Z" << QStringList {"2026-01-04T00:00:00Z"};
    QTest::newRow("@monthly") << "@monthly"
                              << "UTC"
                              << "2026-01-01T00:30:00Z" << QStringList {"2026-02-01T00:00:00Z"};
    QTest::newRow("@yearly") << "@yearly"
                             << "UTC"
                             << "2026-01-01T00:30:00Z" << QStringList {"2027-01-01T00:00:00Z"};
    QTest::newRow("zone offset") << "0 9 * * *"
                                 << "Asia/Tokyo"
                                 << "2026-01-01T00:30:00Z" << QStringList {"2026-01-02T00:00:00Z"};
    // Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
    QTest::newRow("Berlin: 02:30 missing when clocks go forward")
        << "30 2 * * *"
        << "Europe/Berlin"
        << "2026-03-28T12:00:00Z" << QStringList {"2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"};
    QTest::newRow("Berlin: hourly across the spring gap")
        << "0 * * * *"
        << "Europe/Berlin"
        << "2026-03-28T23:30:00Z"
        << QStringList {"2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"};
    QTest::newRow("Berlin: repeated 02:30 runs once")
        << "30 2 * * *"
        << "Europe/Berlin"
        << "2026-10-24T12:00:00Z" << QStringList {"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"};
    QTest::newRow("Berlin: hourly across the autumn overlap")
        << "0 * * * *"
        << "Europe/Berlin"
        << "2026-10-24T22:30:00Z"
        << QStringList {"2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"};
    QTest::newRow("Berlin: after the first 02:30, not the second")
        << "30 2 * * *"
        << "Europe/Berlin"
        << "2026-10-25T00:30:00Z" << QStringList {"2026-10-26T01:30:00Z"};
    QTest::newRow("Berlin: from inside the second pass")
        << "45 2 * * *"
        << "Europe/Berlin"
        << "2026-10-25T01:10:00Z" << QStringList {"2026-10-26T01:45:00Z"};
    // America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
    QTest::newRow("New York: 02:30 missing") << "30 2 * * *"
                                             << "America/New_York"
                                             << "2026-03-07T12:00:00Z" << QStringList {"2026-03-09T06:30:00Z"};
    QTest::newRow("New York: hourly across the gap")
        << "0 * * * *"
        << "America/New_York"
        << "2026-03-08T05:30:00Z"
        << QStringList {"2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"};
    QTest::newRow("New York: repeated 01:30 runs once")
        << "30 1 * * *"
        << "America/New_York"
        << "2026-10-31T12:00:00Z" << QStringList {"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"};
}

void TestCron::nextRuns()
{
    QFETCH(QString, cron);
    QFETCH(QString, zone);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);
    QCOMPARE(runs(cron, zone, after.toLatin1().constData(), int(expected.size())), expected);
}

void TestCron::neverMatchingHasNoNextRun()
{
    const auto c = CronExpression::parse(QStringLiteral("0 0 30 2 *"));
    QVERIFY(c);
    QVERIFY(!c->next(utc("2026-01-01T00:00:00Z"), QTimeZone::utc()));
    Schedule s;
    const Status st = Schedule::apply(
        QJsonObject {{"name", "x"}, {"cron", "0 0 30 2 *"}, {"jobTemplate", QJsonObject {{"command", "true"}}}}, true,
        s);
    QVERIFY(!st);
    QVERIFY(st.error().detail.value("fields").toObject().contains("cron"));
}

void TestCron::zones()
{
    QVERIFY(CronExpression::zone(QStringLiteral("Europe/Berlin")));
    QVERIFY(CronExpression::zone(QStringLiteral("UTC")));
    QVERIFY(!CronExpression::zone(QStringLiteral("Mars/Olympus_Mons")));
    QVERIFY(!CronExpression::zone(QString()));
    QVERIFY(!CronExpression::zone(QString(100, QLatin1Char('A'))));
}

void TestCron::scheduleBodyValidation_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QStringList>("fields");
    const QJsonObject tpl {{"command", "echo hi"}};
    QTest::newRow("missing everything") << QJsonObject {} << QStringList {"name", "cron", "jobTemplate"};
    QTest::newRow("bad cron") << QJsonObject {{"name", "n"}, {"cron", "61 * * * *"}, {"jobTemplate", tpl}}
                              << QStringList {"cron"};
    QTest::newRow("bad zone") << QJsonObject {{"name", "n"}, {"cron", "* * * * *"}, {"timeZone", "Nowhere/City"},
        {"jobTemplate", tpl}} << QStringList {"timeZone"};
    QTest::newRow("bad template") << QJsonObject {{"name", "n"}, {"cron", "* * * * *"},
        {"jobTemplate", QJsonObject {{"timeoutSeconds", -1}}}}
                                  << QStringList {"jobTemplate.command", "jobTemplate.timeoutSeconds"};
    QTest::newRow("template not an object")
        << QJsonObject {{"name", "n"}, {"cron", "* * * * *"}, {"jobTemplate", "echo"}} << QStringList {"jobTemplate"};
    QTest::newRow("schedule label reserved") << QJsonObject {{"name", "n"}, {"cron", "* * * * *"},
        {"jobTemplate", QJsonObject {{"command", "x"}, {"labels", QJsonObject {{"tanvrit/schedule", "y"}}}}}}
                                             << QStringList {"jobTemplate.labels.tanvrit/schedule"};
    QTest::newRow("bad policies") << QJsonObject {{"name", "n"}, {"cron", "* * * * *"}, {"jobTemplate", tpl},
        {"concurrencyPolicy", "queue"}, {"catchUp", "all"}, {"paused", "no"}}
                                  << QStringList {"concurrencyPolicy", "catchUp", "paused"};
    QTest::newRow("unknown field") << QJsonObject {{"name", "n"}, {"cron", "* * * * *"}, {"jobTemplate", tpl},
        {"every", "minute"}} << QStringList {"every"};
    QTest::newRow("empty name") << QJsonObject {{"name", "  "}, {"cron", "* * * * *"}, {"jobTemplate", tpl}}
                                << QStringList {"name"};
}

void TestCron::scheduleBodyValidation()
{
    QFETCH(QJsonObject, body);
    QFETCH(QStringList, fields);
    Schedule s;
    const Status st = Schedule::apply(body, true, s);
    QVERIFY(!st);
    QCOMPARE(st.error().httpStatus(), 422);
    QStringList got = st.error().detail.value("fields").toObject().keys();
    got.sort();
    fields.sort();
    QCOMPARE(got, fields);
}

void TestCron::scheduleUpdateKeepsUntouchedFields()
{
    Schedule s;
    QVERIFY(Schedule::apply(
        QJsonObject {{"name", "nightly"}, {"cron", "0 3 * * *"}, {"timeZone", "Europe/Berlin"},
            {"jobTemplate", QJsonObject {{"argv", QJsonArray {"true"}}}}, {"concurrencyPolicy", "forbid"}},
        true, s));
    QVERIFY(Schedule::apply(QJsonObject {{"catchUp", "skip"}}, false, s));
    QCOMPARE(s.name, QStringLiteral("nightly"));
    QCOMPARE(s.timeZone, QStringLiteral("Europe/Berlin"));
    QCOMPARE(s.concurrency, ConcurrencyPolicy::Forbid);
    QCOMPARE(s.catchUp, CatchUpPolicy::Skip);
    const Schedule back = Schedule::fromDefinition(s.definitionJson());
    QCOMPARE(back.definitionJson(), s.definitionJson());
    // a failed update changes nothing
    QVERIFY(!Schedule::apply(QJsonObject {{"name", "renamed"}, {"cron", "nope"}}, false, s));
    QCOMPARE(s.name, QStringLiteral("nightly"));
}

QTEST_GUILESS_MAIN(TestCron)
#include "tst_cron.moc"

// The schedules' clock: the wall clock, or, as a test hook only, a clock that runs faster. The hook is the
// environment variable TANVRIT_TEST_CLOCK="<clockMs>@<realMs>x<speed>": at real time realMs (epoch ms) the
// clock read clockMs and it runs `speed` times faster. Both anchors are absolute, so a control plane
// restarted with the same value continues the same timeline (no minute is replayed or jumped).
#pragma once

#include <QString>
#include <optional>

class ScheduleClock
{
public:
    static constexpr const char *kTestVariable = "TANVRIT_TEST_CLOCK";

    ScheduleClock() = default; // the wall clock
    // The wall clock unless the test variable is set; a malformed value is an error (never silently ignored).
    static std::optional<ScheduleClock> fromEnvironment(QString *error);
    static std::optional<ScheduleClock> parse(const QString &value, QString *error);

    qint64 nowMs() const;
    // Real milliseconds until the clock has advanced by clockMs.
    qint64 realDelayMs(qint64 clockMs) const;
    bool isTestClock() const { return m_test; }
    QString describe() const;

private:
    bool m_test = false;
    qint64 m_clockAnchor = 0;
    qint64 m_realAnchor = 0;
    double m_speed = 1;
};

// The job state machine of DESIGN.md §7: states, their names, and which transitions are legal.
#pragma once

#include <QString>
#include <optional>

enum class JobState { Queued, Assigned, Running, Cancelling, Succeeded, Failed, TimedOut, Cancelled };

namespace JobStates {
QString name(JobState s);                          // "QUEUED", …
std::optional<JobState> parse(const QString &s);   // case-sensitive, documented names only
bool isTerminal(JobState s);
bool isActive(JobState s);                         // assigned to an agent (ASSIGNED, RUNNING, CANCELLING)
bool canTransition(JobState from, JobState to);
bool canRetry(JobState s);                         // FAILED, TIMED_OUT, CANCELLED
}

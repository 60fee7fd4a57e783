// Legal transitions; anything not listed here is refused by the job service.
#include "JobState.h"

QString JobStates::name(JobState s)
{
    switch (s) {
    case JobState::Queued: return QStringLiteral("QUEUED");
    case JobState::Assigned: return QStringLiteral("ASSIGNED");
    case JobState::Running: return QStringLiteral("RUNNING");
    case JobState::Cancelling: return QStringLiteral("CANCELLING");
    case JobState::Succeeded: return QStringLiteral("SUCCEEDED");
    case JobState::Failed: return QStringLiteral("FAILED");
    case JobState::TimedOut: return QStringLiteral("TIMED_OUT");
    case JobState::Cancelled: return QStringLiteral("CANCELLED");
    }
    return {};
}

std::optional<JobState> JobStates::parse(const QString &s)
{
    for (JobState st : {JobState::Queued, JobState::Assigned, JobState::Running, JobState::Cancelling,
                        JobState::Succeeded, JobState::Failed, JobState::TimedOut, JobState::Cancelled})
        if (name(st) == s)
            return st;
    return std::nullopt;
}

bool JobStates::isTerminal(JobState s)
{
    return s == JobState::Succeeded || s == JobState::Failed || s == JobState::TimedOut
        || s == JobState::Cancelled;
}

bool JobStates::isActive(JobState s)
{
    return s == JobState::Assigned || s == JobState::Running || s == JobState::Cancelling;
}

bool JobStates::canRetry(JobState s)
{
    return s == JobState::Failed || s == JobState::TimedOut || s == JobState::Cancelled;
}

bool JobStates::canTransition(JobState from, JobState to)
{
    using S = JobState;
    switch (from) {
    case S::Queued:
        return to == S::Assigned || to == S::Cancelled || to == S::Failed;
    case S::Assigned:
        // an agent may report the outcome before its "running" notice is processed
        return to == S::Running || to == S::Queued || to == S::Cancelling || to == S::Succeeded
            || to == S::Failed || to == S::TimedOut || to == S::Cancelled;
    case S::Running:
        return to == S::Succeeded || to == S::Failed || to == S::TimedOut || to == S::Cancelling
            || to == S::Queued;
    case S::Cancelling:
        // the job may finish on its own before the signal lands: the real outcome wins
        return to == S::Cancelled || to == S::Succeeded || to == S::Failed || to == S::TimedOut;
    case S::Succeeded:
        return false;
    case S::Failed:
    case S::TimedOut:
    case S::Cancelled:
        return to == S::Queued;   // only through a retry, which starts a new attempt
    }
    return false;
}

// Following a job from the command line (jobs run, jobs logs -f): lines to stdout and stderr as the job
// wrote them, gaps and attempt changes as marked lines, resumes after a dropped connection, Ctrl-C handled.
#pragma once

#include "Cli.h"
#include "JobLogStream.h"

struct LinePrinter
{
    Cli &cli;
    bool timestamps = false;
    bool jsonl = false;

    void line(const LogLine &l, int attempt) const;
    void dropped(qint64 count, int attempt) const;
    void attemptChanged(int attempt) const;
    static void flush();
};

struct FollowOutcome
{
    enum class End { JobEnded, Failed, Interrupted } end = End::Failed;
    QString state; // JobEnded: the terminal state
    ClientError error; // Failed
};

FollowOutcome followJob(Cli &cli, const QString &jobId, const FollowOptions &options, const LinePrinter &printer);

// The exit code a job's end stands for (README's table): its own code, or 124/125/126/1.
int jobExitCode(const JobView &job);
// "job_… SUCCEEDED in 1.2s (exit 0)"
QString jobEndLine(const JobView &job);

// The commands themselves (JobLogsCommands.cpp), registered by addJobsCommands.
int jobLogs(Cli &cli);
int waitJob(Cli &cli);

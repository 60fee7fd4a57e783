// What a reader of a job's log gets: its place in the log (a cursor), the lines as stored, and what
// one read returned. The log store fills them; the log service and the followers above it use them.
#pragma once

#include "LogLine.h"

#include <QList>

struct LogCursor
{
    qint64 nextSeq = 1; // first seq the reader has not seen
    int segment = -1; // index into the segment list where reading continues (-1: locate)
    int segmentNumber = -1; // that segment's number: the cap drops old segments and shifts indexes
    qint64 offset = 0; // byte offset in that segment
};

// A stored line as it is on disk: text in UTF-8 with \\, \n, \r and \t escaped (JSON's own escapes),
// pointing into a read buffer that lives only for the visitor's call.
struct RawLogLine
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    bool stderrStream = false;
    const char *escapedText = nullptr;
    qint64 escapedLength = 0;
};

struct LogReadResult
{
    QList<LogLine> lines; // read() only
    int count = 0; // lines read (scan() visits them instead of filling `lines`)
    qint64 droppedBefore = 0; // lines removed by the size cap before the first line returned
    qint64 nextSeq = 1; // the log's next sequence number (one past the last stored line)
};

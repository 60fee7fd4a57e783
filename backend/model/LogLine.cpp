// JSON mapping of log lines.
#include "LogLine.h"
#include "Job.h"

#include <charconv>
#include <cstdio>

QJsonObject LogLine::toJson() const
{
    return {{QStringLiteral("seq"), seq}, {QStringLiteral("ts"), isoTime(tsMs)},
        {QStringLiteral("stream"), streamName()}, {QStringLiteral("text"), text}};
}

void appendJsonString(QByteArray &out, QStringView text)
{
    const QByteArray utf8 = text.toUtf8();
    out += '"';
    const char *p = utf8.constData();
    const char *end = p + utf8.size();
    while (p < end) {
        const char *run = p;
        while (p < end && *p != '"' && *p != '\\' && uchar(*p) >= 0x20)
            ++p;
        out.append(run, p - run);
        if (p == end)
            break;
        switch (*p) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            char buf[8];
            snprintf(buf, sizeof buf, "\\u%04x", uchar(*p));
            out += buf;
        }
        }
        ++p;
    }
    out += '"';
}

void appendNumber(QByteArray &out, qint64 n)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr - buf);
}

void LogLine::appendWireJson(QByteArray &out) const
{
    out += "{\"seq\":";
    appendNumber(out, seq);
    out += ",\"ts\":";
    appendNumber(out, tsMs);
    out += stderrStream ? ",\"stream\":\"stderr\",\"text\":" : ",\"stream\":\"stdout\",\"text\":";
    appendJsonString(out, text);
    out += '}';
}

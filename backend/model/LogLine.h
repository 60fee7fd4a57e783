// One line of a job's output: per-job sequence number, timestamp, stream and text.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringView>

// JSON string (quoted, escaped) of text, appended to out.
void appendJsonString(QByteArray &out, QStringView text);
// Decimal digits of n, appended to out (no temporary).
void appendNumber(QByteArray &out, qint64 n);

struct LogLine
{
    qint64 seq = 0;
    qint64 tsMs = 0;
    bool stderrStream = false;
    QString text;

    QJsonObject toJson() const;
    // {"seq":…,"ts":<epoch ms>,"stream":"stdout","text":"…"} appended to out: the form the agent sends
    // and followers receive, written directly (a batch of thousands of lines is not built as QJson).
    void appendWireJson(QByteArray &out) const;
    QString streamName() const { return stderrStream ? QStringLiteral("stderr") : QStringLiteral("stdout"); }
};

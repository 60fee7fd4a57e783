// ANSI SGR escape sequences of a log line turned into styled runs (16, 256 and truecolor, bold, italic,
// underline, inverse); every other escape sequence is dropped, so copied and searched text is plain.
#pragma once

#include <QByteArrayView>
#include <QColor>
#include <QList>
#include <QString>

namespace AnsiText {

struct Run
{
    int start = 0;
    int length = 0;
    QColor fg; // invalid: the default colour
    QColor bg;
    bool bold = false;
    bool italic = false;
    bool underline = false;
};

struct Styled
{
    QString text; // without escapes
    QList<Run> runs; // only the styled parts
};

Styled parse(QByteArrayView utf8);
// The text without escape sequences (fast path when there is no ESC).
QString strip(QByteArrayView utf8);
// The xterm colour of index 0..255.
QColor color256(int index);

}

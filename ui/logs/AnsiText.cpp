#include "AnsiText.h"

namespace AnsiText {

QColor color256(int i)
{
    static const QRgb base[16] = {0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
        0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff};
    if (i < 0 || i > 255)
        return {};
    if (i < 16)
        return QColor(base[i]);
    if (i < 232) {
        const int v = i - 16;
        auto level = [](int c) { return c == 0 ? 0 : 55 + c * 40; };
        return QColor(level(v / 36), level((v / 6) % 6), level(v % 6));
    }
    const int g = 8 + (i - 232) * 10;
    return QColor(g, g, g);
}

namespace {

struct State
{
    QColor fg, bg;
    bool bold = false, italic = false, underline = false, inverse = false;
    bool isDefault() const { return !fg.isValid() && !bg.isValid() && !bold && !italic && !underline && !inverse; }
};

// Extended colour after 38/48: "5;n" or "2;r;g;b"; advances i past what it used.
QColor extended(const QList<int> &p, qsizetype &i)
{
    if (i + 1 < p.size() && p[i + 1] == 5 && i + 2 < p.size()) {
        i += 2;
        return color256(p[i]);
    }
    if (i + 1 < p.size() && p[i + 1] == 2 && i + 4 < p.size()) {
        const QColor c(std::clamp(p[i + 2], 0, 255), std::clamp(p[i + 3], 0, 255), std::clamp(p[i + 4], 0, 255));
        i += 4;
        return c;
    }
    return {};
}

void applySgr(State &s, const QList<int> &p)
{
    if (p.isEmpty()) {
        s = State();
        return;
    }
    for (qsizetype i = 0; i < p.size(); ++i) {
        const int c = p[i];
        if (c == 0)
            s = State();
        else if (c == 1)
            s.bold = true;
        else if (c == 3)
            s.italic = true;
        else if (c == 4)
            s.underline = true;
        else if (c == 7)
            s.inverse = true;
        else if (c == 22)
            s.bold = false;
        else if (c == 23)
            s.italic = false;
        else if (c == 24)
            s.underline = false;
        else if (c == 27)
            s.inverse = false;
        else if (c >= 30 && c <= 37)
            s.fg = color256(c - 30);
        else if (c >= 90 && c <= 97)
            s.fg = color256(c - 90 + 8);
        else if (c >= 40 && c <= 47)
            s.bg = color256(c - 40);
        else if (c >= 100 && c <= 107)
            s.bg = color256(c - 100 + 8);
        else if (c == 39)
            s.fg = QColor();
        else if (c == 49)
            s.bg = QColor();
        else if (c == 38)
            s.fg = extended(p, i);
        else if (c == 48)
            s.bg = extended(p, i);
    }
}

// Walks the text: calls plain(from, to) for text and sgr(params) for each SGR sequence; other sequences vanish.
template <typename Plain, typename Sgr> void walk(QStringView t, Plain plain, Sgr sgr)
{
    qsizetype i = 0, runStart = 0;
    const qsizetype n = t.size();
    while (i < n) {
        if (t[i] != QChar(0x1b)) {
            ++i;
            continue;
        }
        if (i > runStart)
            plain(runStart, i);
        qsizetype j = i + 1;
        if (j < n && t[j] == QLatin1Char('[')) { // CSI: parameters, intermediates, a final byte 0x40..0x7e
            ++j;
            const qsizetype params = j;
            while (j < n && (t[j].unicode() < 0x40 || t[j].unicode() > 0x7e))
                ++j;
            if (j < n && t[j] == QLatin1Char('m')) {
                QList<int> p;
                for (const auto part : t.mid(params, j - params).split(QLatin1Char(';')))
                    p.append(part.isEmpty() ? 0 : part.toInt());
                if (t.mid(params, j - params).isEmpty())
                    p.clear();
                sgr(p);
            }
            i = j < n ? j + 1 : n;
        } else if (j < n && t[j] == QLatin1Char(']')) { // OSC: until BEL or ESC backslash
            while (j < n && t[j] != QChar(0x07) && t[j] != QChar(0x1b))
                ++j;
            i = j < n && t[j] == QChar(0x1b) ? std::min(n, j + 2) : std::min(n, j + 1);
        } else {
            i = std::min(n, j + 1); // a two-character escape
        }
        runStart = i;
    }
    if (n > runStart)
        plain(runStart, n);
}

}

Styled parse(QByteArrayView utf8)
{
    Styled out;
    const QString t = QString::fromUtf8(utf8);
    if (!t.contains(QChar(0x1b))) {
        out.text = t;
        return out;
    }
    out.text.reserve(t.size());
    State s;
    walk(
        QStringView(t),
        [&](qsizetype from, qsizetype to) {
            const int start = int(out.text.size());
            out.text.append(QStringView(t).mid(from, to - from));
            if (s.isDefault())
                return;
            Run r;
            r.start = start;
            r.length = int(to - from);
            r.fg = s.inverse ? (s.bg.isValid() ? s.bg : QColor(Qt::white)) : s.fg;
            r.bg = s.inverse ? (s.fg.isValid() ? s.fg : QColor(Qt::black)) : s.bg;
            r.bold = s.bold;
            r.italic = s.italic;
            r.underline = s.underline;
            out.runs.append(r);
        },
        [&](const QList<int> &p) { applySgr(s, p); });
    return out;
}

QString strip(QByteArrayView utf8)
{
    if (!utf8.contains('\x1b'))
        return QString::fromUtf8(utf8);
    const QString t = QString::fromUtf8(utf8);
    QString out;
    out.reserve(t.size());
    walk(
        QStringView(t), [&](qsizetype from, qsizetype to) { out.append(QStringView(t).mid(from, to - from)); },
        [](const QList<int> &) {});
    return out;
}

}

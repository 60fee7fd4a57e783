#include "CliOutput.h"

#include "Job.h"

#include <QLocale>

namespace CliOutput {

QString relativeTime(qint64 atMs, qint64 nowMs)
{
    if (atMs <= 0)
        return QStringLiteral("-");
    const qint64 s = std::max<qint64>(0, (nowMs - atMs) / 1000);
    if (s < 60)
        return QStringLiteral("%1s ago").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m ago").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1h ago").arg(s / 3600);
    return QStringLiteral("%1d ago").arg(s / 86400);
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("-");
    if (ms < 1000)
        return QStringLiteral("%1ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1s").arg(ms / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString ago(const QJsonValue &isoTime, qint64 nowMs)
{
    const auto ms = parseTime(isoTime.toString());
    return ms && *ms > 0 ? relativeTime(*ms, nowMs) : QStringLiteral("-");
}

QString labelsText(const QMap<QString, QString> &labels)
{
    QStringList l;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        l << it.key() + QLatin1Char('=') + it.value();
    return l.join(QLatin1Char(','));
}

QString thousands(qint64 n)
{
    QLocale c(QLocale::English);
    return c.toString(n);
}

QString bytes(qint64 n)
{
    if (n < 0)
        return QStringLiteral("-");
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = double(n);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return u == 0 ? QStringLiteral("%1 B").arg(n)
                  : QStringLiteral("%1 %2").arg(v, 0, 'f', 1).arg(QLatin1String(units[u]));
}

Color stateColor(const QString &state)
{
    if (state == QLatin1String("SUCCEEDED") || state == QLatin1String("ONLINE"))
        return Color::Green;
    if (state == QLatin1String("FAILED") || state == QLatin1String("TIMED_OUT") || state == QLatin1String("LOST"))
        return Color::Red;
    if (state == QLatin1String("RUNNING") || state == QLatin1String("ASSIGNED"))
        return Color::Blue;
    if (state == QLatin1String("QUEUED") || state == QLatin1String("DRAINING"))
        return Color::Yellow;
    if (state == QLatin1String("CANCELLED") || state == QLatin1String("CANCELLING"))
        return Color::Grey;
    return Color::None;
}

QString paint(const QString &text, Color c, bool enabled)
{
    if (!enabled || c == Color::None)
        return text;
    const char *code = "";
    switch (c) {
    case Color::Green:
        code = "32";
        break;
    case Color::Red:
        code = "31";
        break;
    case Color::Blue:
        code = "34";
        break;
    case Color::Yellow:
        code = "33";
        break;
    case Color::Grey:
        code = "90";
        break;
    case Color::Bold:
        code = "1";
        break;
    case Color::None:
        break;
    }
    return QStringLiteral("\x1b[%1m%2\x1b[0m").arg(QLatin1String(code), text);
}

Table::Table(QStringList headers)
    : m_headers(std::move(headers))
{
}

void Table::add(QStringList row, QList<Color> colors)
{
    while (row.size() < m_headers.size())
        row << QString();
    for (QString &cell : row)
        cell.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\t'), QLatin1Char(' '));
    m_rows.append(std::move(row));
    m_colors.append(std::move(colors));
}

QString Table::render(int width, bool color) const
{
    const qsizetype n = m_headers.size();
    QList<int> w(n, 0);
    QList<bool> shown(n, true);
    for (qsizetype c = 0; c < n; ++c) {
        w[c] = int(m_headers[c].size());
        for (const auto &r : m_rows)
            w[c] = std::max(w[c], int(r[c].size()));
    }
    constexpr int kGap = 3;
    // Only long columns (commands, names, agent ids) are cut, and not below 8 characters or their header;
    // short ones (a state, a time, a count) are whole or left out; the first column (the id) stays whole.
    constexpr int kCuttable = 12;
    const QList<int> natural = w;
    auto floorOf = [&](qsizetype c) {
        return c == 0 || natural[c] <= kCuttable ? natural[c] : std::max<int>(8, int(m_headers[c].size()));
    };
    auto total = [&](bool atFloor) {
        int t = 0, columns = 0;
        for (qsizetype c = 0; c < n; ++c) {
            if (!shown[c])
                continue;
            t += atFloor ? floorOf(c) : w[c];
            ++columns;
        }
        return t + kGap * std::max(0, columns - 1);
    };
    if (width > 0) {
        // too narrow even with the long columns cut: leave out the least useful columns first
        QList<int> drop = m_dropOrder;
        if (drop.isEmpty())
            for (qsizetype c = n - 1; c >= 2; --c)
                drop << int(c);
        for (int c : std::as_const(drop)) {
            if (total(true) <= width)
                break;
            if (c > 0 && c < n)
                shown[c] = false;
        }
        // then cut the widest long column one character at a time until the row fits
        while (total(false) > width) {
            qsizetype widest = -1;
            for (qsizetype c = 1; c < n; ++c)
                if (shown[c] && w[c] > floorOf(c) && (widest < 0 || w[c] > w[widest]))
                    widest = c;
            if (widest < 0)
                break;
            --w[widest];
        }
    }
    qsizetype lastShown = n - 1;
    while (lastShown > 0 && !shown[lastShown])
        --lastShown;
    auto line = [&](const QStringList &cells, const QList<Color> &colors, bool header) {
        QString out;
        for (qsizetype c = 0; c <= lastShown; ++c) {
            if (!shown[c])
                continue;
            QString cell = cells[c];
            if (cell.size() > w[c])
                cell = cell.left(w[c] - 1) + QChar(0x2026);
            const bool last = c == lastShown;
            const QString padded = last ? cell : cell.leftJustified(w[c]);
            const Color col = header ? Color::Bold : (c < colors.size() ? colors[c] : Color::None);
            // colour the text only, so the padding keeps the columns aligned
            out += paint(padded.left(cell.size()), col, color) + padded.mid(cell.size());
            if (!last)
                out += QString(kGap, QLatin1Char(' '));
        }
        while (out.endsWith(QLatin1Char(' ')))
            out.chop(1);
        return out + QLatin1Char('\n');
    };
    QString out = line(m_headers, {}, true);
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        out += line(m_rows[i], m_colors[i], false);
    return out;
}

} // namespace CliOutput

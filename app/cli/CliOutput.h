// How the CLI shows things to a person: tables sized to the terminal, relative times, durations, colours
// only on a terminal, numbers with thousands separators.
#pragma once

#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace CliOutput {
enum class Color { None, Green, Red, Blue, Yellow, Grey, Bold };

QString relativeTime(qint64 atMs, qint64 nowMs); // "5s ago", "3m ago", "2h ago", "4d ago", "-" for 0
QString duration(qint64 ms); // "850ms", "12.3s", "4m05s", "2h10m", "-" when < 0
QString ago(const QJsonValue &isoTime, qint64 nowMs); // an API time as relativeTime; "-" when absent
QString labelsText(const QMap<QString, QString> &labels); // "k=v,k2=v2"
QString thousands(qint64 n); // 1204 -> "1,204"
QString bytes(qint64 n); // "512 B", "1.5 MiB"
Color stateColor(const QString &state);
QString paint(const QString &text, Color c, bool enabled);

class Table
{
public:
    explicit Table(QStringList headers);
    void add(QStringList row, QList<Color> colors = {});
    // Columns to leave out, in this order, when the terminal is too narrow for all of them even cut
    // (default: from the last to the third).
    void setDropOrder(QList<int> columns) { m_dropOrder = std::move(columns); }
    // Columns sized to their content; when `width` > 0 the widest columns but the first are cut (with …) to fit
    // it, and when even that is too wide, columns are left out (setDropOrder).
    QString render(int width, bool color) const;
    int rows() const { return int(m_rows.size()); }

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
    QList<QList<Color>> m_colors;
    QList<int> m_dropOrder;
};
} // namespace CliOutput

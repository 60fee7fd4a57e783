// Patterns are built once per job; a line is scanned only when the job has secrets.
#include "SecretRedactor.h"

#include <QByteArray>
#include <QSet>

#include <algorithm>

namespace {
const QString kMask = QStringLiteral("***");
constexpr qsizetype kBase64Wrap = 76; // coreutils base64's default line width

void addBase64(QSet<QString> &out, const QByteArray &bytes)
{
    for (const auto opts : {QByteArray::Base64Encoding, QByteArray::Base64UrlEncoding}) {
        const QString b64 = QString::fromLatin1(bytes.toBase64(opts));
        QString bare = b64;
        while (bare.endsWith(QLatin1Char('=')))
            bare.chop(1);
        out << b64 << bare;
        if (b64.size() > kBase64Wrap) // wrapped output: each full line is a piece of the value
            for (qsizetype i = 0; i + kBase64Wrap <= b64.size(); i += kBase64Wrap)
                out << b64.mid(i, kBase64Wrap);
    }
}

// The positions k (1 <= k < p.size()) where `line` ends with p's first k characters, longest first.
QList<qsizetype> splitPoints(const QString &line, const QString &p)
{
    QList<qsizetype> out;
    const qsizetype maxK = std::min({p.size() - 1, line.size(), SecretRedactor::kMaxSplitTail});
    for (qsizetype k = maxK; k >= 1; --k) {
        const qsizetype start = line.size() - k;
        if (line.at(start) == p.at(0) && QStringView(line).sliced(start) == QStringView(p).first(k))
            out.append(k);
    }
    return out;
}
}

void SecretRedactor::setSecrets(const QStringList &values)
{
    QSet<QString> set;
    for (QString v : values) {
        v.replace(QLatin1String("\r\n"), QLatin1String("\n"));
        if (v.size() < kMinLength)
            continue;
        set << v;
        if (v.contains(QLatin1Char('\n'))) // lines are stored one by one: each piece of the value is masked
            for (const QString &piece : v.split(QLatin1Char('\n')))
                set << piece;
        const QByteArray utf8 = v.toUtf8();
        addBase64(set, utf8);
        addBase64(set, utf8 + '\n'); // `echo "$SECRET" | base64`
    }
    m_patterns.clear();
    for (const QString &p : std::as_const(set))
        if (p.size() >= kMinLength)
            m_patterns << p;
    std::sort(m_patterns.begin(), m_patterns.end(),
        [](const QString &a, const QString &b) { return a.size() != b.size() ? a.size() > b.size() : a < b; });
}

QString SecretRedactor::redactLine(QString text) const
{
    for (const QString &p : m_patterns)
        if (text.size() >= p.size())
            text.replace(p, kMask);
    return text;
}

bool SecretRedactor::mayContinue(const QString &line) const
{
    for (const QString &p : m_patterns)
        if (!splitPoints(line, p).isEmpty())
            return true;
    return false;
}

void SecretRedactor::redactAcross(QString &prev, QString &next) const
{
    for (const QString &p : m_patterns) {
        for (const qsizetype k : splitPoints(prev, p)) {
            // the rest of the value opens the next line; a line break that was part of the value is gone
            QStringView rest = QStringView(p).sliced(k);
            if (rest.startsWith(QLatin1Char('\n')))
                rest = rest.sliced(1);
            if (!rest.isEmpty() && !QStringView(next).startsWith(rest))
                continue;
            prev = prev.left(prev.size() - k) + kMask;
            next = kMask + next.mid(rest.size());
            return;
        }
    }
}

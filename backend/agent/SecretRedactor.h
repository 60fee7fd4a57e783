// Part 2 (secret vaults): what of a job's output is a secret. Each value is masked as itself, line by
// line when it spans lines, and base64-encoded as a whole (as `base64` prints it, wrapped or not); a
// value cut by a line boundary (two writes, two lines) is caught by looking at a line and the next together.
#pragma once

#include <QString>
#include <QStringList>

class SecretRedactor
{
public:
    static constexpr qsizetype kMinLength = 3; // shorter values (and pieces) would mask ordinary text
    static constexpr qsizetype kMaxSplitTail = 512; // how much of a line's end may start a split value

    void setSecrets(const QStringList &values);
    bool isEmpty() const { return m_patterns.isEmpty(); }
    QString redactLine(QString text) const;
    // Whether the line's end could be the start of a value the next line continues.
    bool mayContinue(const QString &line) const;
    // A value split over `prev` and `next` (the line break inside it or not): masked in both.
    void redactAcross(QString &prev, QString &next) const;

private:
    QStringList m_patterns; // longest first
};

// Artifacts (Part 1): finds the files a job's `artifacts` globs name inside its working directory only.
// A pattern or symbolic link leading out of it is refused and reported, never followed; caps bound the result.
#pragma once

#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

struct ArtifactCaps
{
    qint64 maxFileBytes = 8LL << 30;
    qint64 maxJobBytes = 32LL << 30;
    int maxFiles = 1000;
    int maxEntriesWalked = 200000; // a huge tree is not walked to its end
};

struct CollectedFile
{
    QString name; // relative to the working directory, '/'-separated
    QString path; // the file to read (a link's target inside the directory)
    qint64 size = 0;
};

struct ArtifactCollection
{
    QList<CollectedFile> files;
    QStringList refused; // one line per thing not collected, for the job's log
};

namespace ArtifactCollector {
ArtifactCollection collect(const QString &workDir, const QStringList &globs, const ArtifactCaps &caps = {});
// "**" spans directories, "*" and "?" stay within one, "[…]" is a class; anchored at both ends.
QRegularExpression globToRegex(const QString &glob);
}

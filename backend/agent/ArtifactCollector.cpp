// The walk does not follow directory links; a file link is collected only when its target lies inside
// the working directory (then the target is read), otherwise it is reported and skipped.
#include "ArtifactCollector.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <algorithm>

namespace ArtifactCollector {

QRegularExpression globToRegex(const QString &glob)
{
    QString re;
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob.at(i);
        if (c == QLatin1Char('*')) {
            if (i + 1 < glob.size() && glob.at(i + 1) == QLatin1Char('*')) {
                ++i;
                if (i + 1 < glob.size() && glob.at(i + 1) == QLatin1Char('/')) {
                    ++i;
                    re += QStringLiteral("(?:.*/)?"); // "**/": any directories, or none
                } else {
                    re += QStringLiteral(".*");
                }
            } else {
                re += QStringLiteral("[^/]*");
            }
        } else if (c == QLatin1Char('?')) {
            re += QStringLiteral("[^/]");
        } else if (c == QLatin1Char('[')) {
            const qsizetype end = glob.indexOf(QLatin1Char(']'), i + 1);
            if (end < 0) {
                re += QStringLiteral("\\[");
                continue;
            }
            QString cls = glob.mid(i + 1, end - i - 1);
            if (cls.startsWith(QLatin1Char('!')))
                cls[0] = QLatin1Char('^');
            cls.replace(QLatin1String("\\"), QLatin1String("\\\\"));
            re += QLatin1Char('[') + cls + QLatin1Char(']');
            i = end;
        } else {
            re += QRegularExpression::escape(QString(c));
        }
    }
    return QRegularExpression(QRegularExpression::anchoredPattern(re));
}

ArtifactCollection collect(const QString &workDir, const QStringList &globs, const ArtifactCaps &caps)
{
    ArtifactCollection out;
    const QString root = QFileInfo(workDir).canonicalFilePath();
    if (root.isEmpty()) {
        out.refused << QStringLiteral("artifacts: the working directory is gone; nothing collected");
        return out;
    }
    QList<QRegularExpression> patterns;
    for (const QString &g : globs) {
        QString glob = g.trimmed();
        while (glob.startsWith(QLatin1String("./")))
            glob = glob.mid(2);
        if (glob.isEmpty())
            continue;
        if (glob.startsWith(QLatin1Char('/')) || glob.split(QLatin1Char('/')).contains(QLatin1String(".."))) {
            out.refused << QStringLiteral("artifacts: pattern '%1' leads out of the working directory; ignored").arg(g);
            continue;
        }
        const QRegularExpression re = globToRegex(glob);
        if (!re.isValid()) {
            out.refused << QStringLiteral("artifacts: pattern '%1' is not a valid glob; ignored").arg(g);
            continue;
        }
        patterns << re;
    }
    if (patterns.isEmpty())
        return out;
    QStringList matched;
    QDirIterator it(
        root, QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    int walked = 0;
    while (it.hasNext()) {
        if (++walked > caps.maxEntriesWalked) {
            out.refused << QStringLiteral("artifacts: stopped looking after %1 files").arg(caps.maxEntriesWalked);
            break;
        }
        const QString path = it.next();
        const QString name = path.mid(root.size() + 1);
        if (std::any_of(patterns.cbegin(), patterns.cend(),
                [&](const QRegularExpression &re) { return re.match(name).hasMatch(); }))
            matched << name;
    }
    std::sort(matched.begin(), matched.end());
    qint64 total = 0;
    for (const QString &name : std::as_const(matched)) {
        const QFileInfo fi(root + QLatin1Char('/') + name);
        QString path = fi.filePath();
        if (fi.isSymLink()) {
            const QString target = fi.canonicalFilePath();
            if (target.isEmpty() || !target.startsWith(root + QLatin1Char('/'))) {
                out.refused << QStringLiteral(
                    "artifacts: %1 is a symbolic link leading out of the working directory; not collected")
                                   .arg(name);
                continue;
            }
            path = target;
        }
        const QFileInfo file(path);
        if (!file.isFile()) {
            out.refused << QStringLiteral("artifacts: %1 is not a regular file; not collected").arg(name);
            continue;
        }
        if (file.size() > caps.maxFileBytes) {
            out.refused << QStringLiteral("artifacts: %1 is %2 bytes, over the %3-byte limit per file; not collected")
                               .arg(name)
                               .arg(file.size())
                               .arg(caps.maxFileBytes);
            continue;
        }
        if (total + file.size() > caps.maxJobBytes || out.files.size() >= caps.maxFiles) {
            out.refused << QStringLiteral(
                "artifacts: %1 would pass the job's limit (%2 bytes, %3 files); not collected")
                               .arg(name)
                               .arg(caps.maxJobBytes)
                               .arg(caps.maxFiles);
            continue;
        }
        total += file.size();
        out.files.append({name, path, file.size()});
    }
    return out;
}
}

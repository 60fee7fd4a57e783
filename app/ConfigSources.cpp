// The file is read twice on purpose: QSettings gives the values (its INI quoting and lists), and a plain scan
// of the lines gives what QSettings cannot: the line of each key, unknown keys and malformed lines.
#include "ConfigSources.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

namespace {
ConfigSources *g_current = nullptr;
}

ConfigSources::ConfigSources(const QList<QCommandLineOption> &known, QSet<QString> repeatable)
{
    for (const QCommandLineOption &o : known)
        for (const QString &name : o.names())
            m_known.insert(name, {!o.valueName().isEmpty(), repeatable.contains(name)});
    g_current = this;
}

ConfigSources::~ConfigSources()
{
    if (g_current == this)
        g_current = nullptr;
}

QList<QCommandLineOption> ConfigSources::withDefaultsShown(QList<QCommandLineOption> options)
{
    for (QCommandLineOption &o : options) {
        const QStringList defaults = o.defaultValues();
        if (defaults.isEmpty() || o.description().contains(QLatin1String("default")))
            continue;
        QString d = o.description();
        if (d.endsWith(QLatin1Char('.')))
            d.chop(1);
        o.setDescription(QStringLiteral("%1 (default: %2).").arg(d, defaults.join(QLatin1Char(','))));
    }
    return options;
}

QString ConfigSources::environmentName(const QString &option)
{
    return QStringLiteral("TANVRIT_") + option.toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

bool ConfigSources::parseBool(const QString &v, bool *out)
{
    const QString s = v.trimmed().toLower();
    if (s == QLatin1String("true") || s == QLatin1String("yes") || s == QLatin1String("on")
        || s == QLatin1String("1")) {
        *out = true;
        return true;
    }
    if (s == QLatin1String("false") || s == QLatin1String("no") || s == QLatin1String("off")
        || s == QLatin1String("0")) {
        *out = false;
        return true;
    }
    return false;
}

bool ConfigSources::readFile(const QString &path, QHash<QString, QStringList> *values, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("cannot read the configuration file %1: %2").arg(path, f.errorString());
        return false;
    }
    if (f.size() > 1024 * 1024) {
        *error = QStringLiteral("%1: a configuration file is at most 1 MiB").arg(path);
        return false;
    }
    int lineNo = 0;
    while (!f.atEnd()) {
        ++lineNo;
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')) || line.startsWith(QLatin1Char(';')))
            continue;
        if (line.startsWith(QLatin1Char('['))) {
            if (line.compare(QLatin1String("[General]"), Qt::CaseInsensitive) == 0)
                continue;
            *error
                = QStringLiteral("%1 line %2: sections are not used; put every key at the top of the file (found %3)")
                      .arg(path)
                      .arg(lineNo)
                      .arg(line.left(64));
            return false;
        }
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        const QString key = eq < 0 ? QString() : line.left(eq).trimmed();
        if (key.isEmpty()) {
            *error = QStringLiteral("%1 line %2: expected \"key = value\"").arg(path).arg(lineNo);
            return false;
        }
        if (key == QLatin1String("config") || !m_known.contains(key) || key.size() == 1) {
            *error = QStringLiteral("%1 line %2: unknown key '%3'").arg(path).arg(lineNo).arg(key.left(64));
            return false;
        }
        if (m_fileLines.contains(key)) {
            *error = QStringLiteral("%1 line %2: key '%3' is already set on line %4 (a list goes on one line, "
                                    "separated by commas)")
                         .arg(path)
                         .arg(lineNo)
                         .arg(key)
                         .arg(m_fileLines.value(key));
            return false;
        }
        m_fileLines.insert(key, lineNo);
    }
    QSettings settings(path, QSettings::IniFormat);
    if (settings.status() != QSettings::NoError) {
        *error = QStringLiteral("%1: not a valid INI file").arg(path);
        return false;
    }
    for (auto it = m_fileLines.cbegin(); it != m_fileLines.cend(); ++it) {
        const QVariant v = settings.value(it.key());
        QStringList list = v.metaType().id() == QMetaType::QStringList ? v.toStringList() : QStringList {v.toString()};
        for (QString &item : list)
            item = item.trimmed();
        values->insert(it.key(), list);
    }
    return true;
}

QStringList ConfigSources::givenOnCommandLine(const QStringList &args)
{
    QStringList names;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--"))
            break;
        if (a.startsWith(QLatin1String("--")))
            names << a.mid(2).section(QLatin1Char('='), 0, 0);
        else if (a.startsWith(QLatin1Char('-')) && a.size() > 1)
            names << a.mid(1, 1);
    }
    return names;
}

bool ConfigSources::resolve(const QStringList &args, QStringList *out, QString *error)
{
    *out = args;
    m_origin.clear();
    m_fileLines.clear();
    const QStringList given = givenOnCommandLine(args);
    // --config FILE or --config=FILE; the real parser checks the rest of the arguments
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--config") && i + 1 < args.size())
            m_file = args.at(i + 1);
        else if (args.at(i).startsWith(QLatin1String("--config=")))
            m_file = args.at(i).mid(9);
    }
    QHash<QString, QStringList> fromFile;
    if (!m_file.isEmpty()) {
        m_file = QFileInfo(m_file).absoluteFilePath();
        if (!readFile(m_file, &fromFile, error))
            return false;
    }
    QStringList added;
    QSet<QString> seen;
    for (auto it = m_known.cbegin(); it != m_known.cend(); ++it) {
        const QString &name = it.key();
        if (name.size() == 1 || name == QLatin1String("config") || seen.contains(name))
            continue;
        seen.insert(name);
        if (given.contains(name))
            continue;
        QStringList values;
        QString origin;
        const QString env = environmentName(name);
        if (qEnvironmentVariableIsSet(env.toLatin1().constData())) {
            const QString v = qEnvironmentVariable(env.toLatin1().constData());
            values = it->repeatable ? v.split(QLatin1Char(','), Qt::SkipEmptyParts) : QStringList {v};
            origin = QStringLiteral("from the environment variable %1").arg(env);
        } else if (fromFile.contains(name)) {
            values = fromFile.value(name);
            if (!it->repeatable && values.size() > 1)
                values = {values.join(QLatin1Char(','))}; // e.g. labels = a=1,b=2
            origin = QStringLiteral("from %1 line %2, key %3").arg(m_file).arg(m_fileLines.value(name)).arg(name);
        } else {
            continue;
        }
        if (!it->takesValue) {
            bool on = false;
            if (values.size() != 1 || !parseBool(values.first(), &on)) {
                *error = QStringLiteral("--%1 takes true or false (%2)").arg(name, origin);
                return false;
            }
            if (on)
                added << QStringLiteral("--") + name;
        } else {
            for (const QString &v : std::as_const(values))
                added << QStringLiteral("--") + name << v;
        }
        m_origin.insert(name, origin);
    }
    const qsizetype end = out->indexOf(QStringLiteral("--"));
    for (qsizetype i = 0; i < added.size(); ++i)
        out->insert(end < 0 ? out->size() : end + i, added.at(i));
    return true;
}

QString ConfigSources::annotate(const QString &message) const
{
    static const QRegularExpression option(QStringLiteral("--([a-z0-9][a-z0-9-]*)"));
    QString out = message;
    QSet<QString> done;
    for (const QRegularExpressionMatch &m : option.globalMatch(message)) {
        const QString name = m.captured(1);
        if (done.contains(name) || !m_origin.contains(name))
            continue;
        done.insert(name);
        out += QStringLiteral(" (--%1 %2)").arg(name, m_origin.value(name));
    }
    return out;
}

QString ConfigSources::annotateCurrent(const QString &message)
{
    return g_current ? g_current->annotate(message) : message;
}

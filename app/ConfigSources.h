// Where `serve`'s and `agent`'s options come from besides the command line: TANVRIT_* environment variables
// and an INI file named by --config. Precedence: flag > environment > file > the option's default.
#pragma once

#include <QCommandLineOption>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

class ConfigSources
{
public:
    // `known`: every option of the command; `repeatable`: those that may be given more than once (their file
    // or environment value is a comma-separated list).
    ConfigSources(const QList<QCommandLineOption> &known, QSet<QString> repeatable = {});
    ~ConfigSources();
    ConfigSources(const ConfigSources &) = delete;
    ConfigSources &operator=(const ConfigSources &) = delete;

    // The command's arguments with a "--name value" added for each option not given as a flag but set in the
    // environment (TANVRIT_NAME, dashes as underscores) or in the --config file. False with *error naming
    // the file, line and key for an unreadable file, a line that is not "key = value", an unknown key or a
    // bad true/false value.
    bool resolve(const QStringList &args, QStringList *out, QString *error);

    // The options with " (default: X)" added to the description of each that has a default and does not
    // already say it (for --help, the man pages and the generated configuration files).
    static QList<QCommandLineOption> withDefaultsShown(QList<QCommandLineOption> options);

    // The environment variable of an option: "listen" -> "TANVRIT_LISTEN".
    static QString environmentName(const QString &option);

    // `message` (which names options as --name) with where each of them was set when not on the command
    // line: " (--listen from /etc/tanvrit/server.conf line 4, key listen)". Used for bad values.
    QString annotate(const QString &message) const;
    // The most recent instance's annotate() (the command's error helpers have no instance at hand).
    static QString annotateCurrent(const QString &message);

    QString file() const { return m_file; }

private:
    struct Known
    {
        bool takesValue = false;
        bool repeatable = false;
    };
    bool readFile(const QString &path, QHash<QString, QStringList> *values, QString *error);
    static bool parseBool(const QString &v, bool *out);
    static QStringList givenOnCommandLine(const QStringList &args);

    QHash<QString, Known> m_known; // by every name of the option
    QString m_file;
    QHash<QString, QString> m_origin; // option -> where its value came from
    QHash<QString, int> m_fileLines; // key -> line in m_file
};

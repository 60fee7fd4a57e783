// Part 2 (secret vaults): secrets vaults list|create|delete, secrets list|set|delete. A value is read from
// stdin, a no-echo prompt on a terminal, or --from-file; never from the command line (argv is visible to
// everyone through ps and /proc), and it is never printed.
#include "Cli.h"

#include <QDateTime>
#include <QFile>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

using namespace CliOutput;

namespace {
constexpr qsizetype kMaxValueBytes = 64 * 1024;

// Reads at most kMaxValueBytes + 1 bytes (one more says "too long").
QByteArray readBounded(FILE *f)
{
    QByteArray out;
    char buf[4096];
    size_t n;
    while (out.size() <= kMaxValueBytes && (n = fread(buf, 1, sizeof buf, f)) > 0)
        out.append(buf, qsizetype(n));
    return out;
}

// The value to set: --from-file as is; from a terminal a line typed without echo; else all of stdin
// without one trailing newline (what `echo value |` adds).
int readValue(Cli &cli, QByteArray *value)
{
    if (cli.isSet(QStringLiteral("from-file"))) {
        QFile f(cli.value(QStringLiteral("from-file")));
        if (!f.open(QIODevice::ReadOnly))
            return cli.failWith(ExitCode::Invalid, QStringLiteral("invalid_request"),
                QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString()));
        *value = f.read(kMaxValueBytes + 1);
    } else if (::isatty(0)) {
        termios old {};
        const bool restore = ::tcgetattr(0, &old) == 0;
        if (restore) {
            termios quiet = old;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            ::tcsetattr(0, TCSANOW, &quiet);
        }
        cli.err(QStringLiteral("Value (not shown): "));
        int ch;
        while (value->size() <= kMaxValueBytes && (ch = fgetc(stdin)) != EOF && ch != '\n')
            value->append(char(ch));
        if (restore)
            ::tcsetattr(0, TCSANOW, &old);
        cli.err(QStringLiteral("\n"));
    } else {
        *value = readBounded(stdin);
        if (value->endsWith('\n'))
            value->chop(value->endsWith("\r\n") ? 2 : 1);
    }
    if (value->isEmpty())
        return cli.failWith(ExitCode::Invalid, QStringLiteral("invalid_request"), QStringLiteral("the value is empty"));
    if (value->size() > kMaxValueBytes)
        return cli.failWith(ExitCode::Invalid, QStringLiteral("invalid_request"),
            QStringLiteral("the value is longer than %1 bytes").arg(kMaxValueBytes));
    return ExitCode::Ok;
}

int vaults(Cli &cli)
{
    const QStringList args = cli.positional();
    const QString action = args.value(0, QStringLiteral("list"));
    if (action == QLatin1String("list")) {
        if (args.size() > 1)
            return cli.usageError(QStringLiteral("secrets vaults list takes no arguments"));
        const auto r = cli.await<SecretVaultList>([&](auto cb) { cli.client().secretVaults(cb); });
        if (!r)
            return cli.fail(r.error());
        Table t({QStringLiteral("NAME"), QStringLiteral("ID"), QStringLiteral("SECRETS"), QStringLiteral("VERSION"),
            QStringLiteral("UPDATED"), QStringLiteral("DESCRIPTION")});
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const SecretVaultView &v : r.value().vaults)
            t.add({v.name, v.id, QString::number(v.secretCount), QString::number(v.version),
                ago(v.json.value(QStringLiteral("updatedAt")), now), v.description});
        cli.printList(
            r.value().json, r.value().json.value(QStringLiteral("vaults")).toArray(), t, QStringLiteral("name"));
        return ExitCode::Ok;
    }
    if (action == QLatin1String("create")) {
        if (args.size() != 2)
            return cli.usageError(QStringLiteral("secrets vaults create takes one NAME"));
        const auto r = cli.await<SecretVaultView>(
            [&](auto cb) { cli.client().createSecretVault(args.at(1), cli.value(QStringLiteral("description")), cb); });
        if (!r)
            return cli.fail(r.error());
        if (cli.jsonOutput())
            cli.printJson(r.value().json);
        else
            cli.out(QStringLiteral("%1 created (%2)\n").arg(r.value().name, r.value().id));
        return ExitCode::Ok;
    }
    if (action == QLatin1String("delete")) {
        if (args.size() != 2)
            return cli.usageError(QStringLiteral("secrets vaults delete takes one VAULT"));
        const auto r = cli.await<bool>([&](auto cb) { cli.client().deleteSecretVault(args.at(1), cb); });
        if (!r)
            return cli.fail(r.error());
        if (cli.jsonOutput())
            cli.printJson({{QStringLiteral("vault"), args.at(1)}, {QStringLiteral("deleted"), true}});
        else
            cli.out(args.at(1) + QStringLiteral(" deleted\n"));
        return ExitCode::Ok;
    }
    return cli.usageError(QStringLiteral("secrets vaults takes list, create NAME or delete VAULT"));
}

int listSecrets(Cli &cli)
{
    if (cli.positional().size() != 1)
        return cli.usageError(QStringLiteral("secrets list takes one VAULT"));
    const auto r = cli.await<SecretList>([&](auto cb) { cli.client().secrets(cli.positional().at(0), cb); });
    if (!r)
        return cli.fail(r.error());
    Table t({QStringLiteral("NAME"), QStringLiteral("VERSION"), QStringLiteral("CREATED"), QStringLiteral("UPDATED")});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const SecretView &s : r.value().secrets)
        t.add({s.name, QString::number(s.version), ago(s.json.value(QStringLiteral("createdAt")), now),
            ago(s.json.value(QStringLiteral("updatedAt")), now)});
    cli.printList(r.value().json, r.value().json.value(QStringLiteral("secrets")).toArray(), t, QStringLiteral("name"));
    return ExitCode::Ok;
}

int setSecret(Cli &cli)
{
    if (cli.positional().size() != 2)
        return cli.usageError(
            QStringLiteral("secrets set takes VAULT NAME; the value comes from stdin, a prompt or --from-file"));
    QByteArray value;
    if (const int rc = readValue(cli, &value); rc != ExitCode::Ok)
        return rc;
    const QString text = QString::fromUtf8(value);
    value.fill('\0');
    const auto r = cli.await<SecretView>(
        [&](auto cb) { cli.client().putSecret(cli.positional().at(0), cli.positional().at(1), text, cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput())
        cli.printJson(r.value().json);
    else
        cli.out(QStringLiteral("%1/%2 set (version %3)\n")
                    .arg(cli.positional().at(0), r.value().name)
                    .arg(r.value().version));
    return ExitCode::Ok;
}

int deleteSecret(Cli &cli)
{
    if (cli.positional().size() != 2)
        return cli.usageError(QStringLiteral("secrets delete takes VAULT NAME"));
    const auto r = cli.await<bool>(
        [&](auto cb) { cli.client().deleteSecret(cli.positional().at(0), cli.positional().at(1), cb); });
    if (!r)
        return cli.fail(r.error());
    if (cli.jsonOutput())
        cli.printJson({{QStringLiteral("vault"), cli.positional().at(0)},
            {QStringLiteral("name"), cli.positional().at(1)}, {QStringLiteral("deleted"), true}});
    else
        cli.out(QStringLiteral("%1/%2 deleted\n").arg(cli.positional().at(0), cli.positional().at(1)));
    return ExitCode::Ok;
}
} // namespace

void addSecretCommands(QList<CliCommand> &c)
{
    c.append({QStringLiteral("secrets vaults"), QStringLiteral("List, create or delete secret vaults (admin)"),
        QStringLiteral("[list | create NAME [--description TEXT] | delete VAULT]"),
        QStringLiteral("tanvrit-compute secrets vaults list\ntanvrit-compute secrets vaults create prod\n"
                       "tanvrit-compute secrets vaults delete prod"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(
                QStringLiteral("description"), QStringLiteral("What the vault is for."), QStringLiteral("TEXT")));
        },
        vaults});
    c.append({QStringLiteral("secrets list"), QStringLiteral("List a vault's secrets: names and times, never values"),
        QStringLiteral("VAULT"), QStringLiteral("tanvrit-compute secrets list prod -o json"), nullptr, listSecrets});
    c.append({QStringLiteral("secrets set"),
        QStringLiteral("Set or rotate a secret; the value from stdin, a hidden prompt or --from-file"),
        QStringLiteral("VAULT NAME [--from-file FILE]"),
        QStringLiteral("tanvrit-compute secrets set prod DB_PASSWORD            # asks, without echo\n"
                       "printf %s \"$PW\" | tanvrit-compute secrets set prod DB_PASSWORD\n"
                       "tanvrit-compute secrets set prod TLS_KEY --from-file key.pem\n"
                       "tanvrit-compute jobs run --secret prod/DB_PASSWORD -- ./migrate.sh"),
        [](QCommandLineParser &p) {
            p.addOption(Cli::option(QStringLiteral("from-file"), QStringLiteral("Read the value from FILE, as is."),
                QStringLiteral("FILE")));
        },
        setSecret});
    c.append({QStringLiteral("secrets delete"), QStringLiteral("Delete a secret"), QStringLiteral("VAULT NAME"),
        QStringLiteral("tanvrit-compute secrets delete prod DB_PASSWORD"), nullptr, deleteSecret});
}

// tanvrit-compute: the headless control plane (`serve`), the agent (`agent`) and the client commands.
#include "AdminCommand.h"
#include "AgentCommand.h"
#include "Cli.h"
#include "ServeCommand.h"

#include <QCoreApplication>
#include <cstdio>
#include <utility>

#include <sys/stat.h>

namespace {
void usage(FILE *to)
{
    fprintf(to,
        "usage: tanvrit-compute <command> [options]\n\n"
        "commands:\n"
        "  serve     run the control plane (REST API, scheduler, store)\n"
        "  agent     run an agent that takes jobs from a control plane\n"
        "  admin     back up or restore a control plane's data directory (backup, restore)\n"
        "  version   print the version\n\n"
        "client commands (talk to a control plane over its API):\n"
        "  jobs        run, list, get, logs, wait, cancel, retry, artifacts\n"
        "  agents      list, get, drain, remove, join-command\n"
        "  keys        create, list, revoke\n"
        "  workspaces  list, create, use, members, invite\n"
        "  secrets     vaults, list, set, delete\n"
        "  webhooks    create, list, get, delete, rotate-secret, enable, test, deliveries, resend\n"
        "  schedules   create, list, get, update, pause, resume, delete, runs, preview\n"
        "  auth        login, logout, print-token, whoami\n"
        "  audit       export, verify\n"
        "  config      set-context, use-context, get-contexts, current-context, delete-context\n"
        "  completion  bash | zsh | fish\n\n"
        "Run 'tanvrit-compute <command> --help' for the options of a command.\n\n"
        "Examples:\n"
        "  tanvrit-compute serve --with-agent                 # a control plane and a local agent on :8080\n"
        "  export TANVRIT_API_KEY=$(cat ~/.local/share/tanvrit-compute/admin.key)\n"
        "  tanvrit-compute jobs run -- python3 train.py       # follow it; exit with its code\n"
        "  tanvrit-compute jobs list --state RUNNING\n");
}
}

int main(int argc, char **argv)
{
    // Everything the server and the agent create (database, logs, admin.key, agent.json) is private to
    // their user from the moment it exists: no window in which a job or another user can read it.
    ::umask(077);
    // Qt's own UNIX event dispatcher is measurably faster than the GLib one for many sockets.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tanvrit-compute"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANVRIT_VERSION));
    QStringList args = app.arguments();
    if (args.size() < 2) {
        usage(stderr);
        return 64;
    }
    const QString command = args.takeAt(1);
    if (command == QLatin1String("serve"))
        return runServe(args);
    if (command == QLatin1String("admin"))
        return runAdmin(args);
    if (command == QLatin1String("agent"))
        return runAgent(std::exchange(args, {}), argc, argv);
    if (Cli::isClientCommand(command)) {
        // a client only writes its config file (0600 by itself); files it saves for the user keep the usual mode
        ::umask(022);
        QStringList rest = args.mid(1);
        rest.prepend(command);
        return Cli::main(rest);
    }
    if (command == QLatin1String("version") || command == QLatin1String("--version")) {
        printf("tanvrit-compute %s\n", TANVRIT_VERSION);
        return 0;
    }
    if (command == QLatin1String("help") || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "error: usage: unknown command '%s' (see tanvrit-compute --help)\n", qPrintable(command));
    return 64;
}

// agents, keys, workspaces, audit.
#include "Cli.h"

void addAdminCommands(QList<CliCommand> &) { }

// auth, config, completion.
#include "Cli.h"

void addAccountCommands(QList<CliCommand> &) { }

// `tanvrit-compute agent`: runs an agent against a control plane.
#pragma once

#include <QStringList>

int runAgent(const QStringList &args);

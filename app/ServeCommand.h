// `tanvrit-compute serve`: the headless control plane (optionally with a local agent).
#pragma once

#include <QStringList>

int runServe(const QStringList &args);

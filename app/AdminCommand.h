// `tanvrit-compute admin backup|restore`: local operations on a control plane's data directory.
#pragma once

#include <QStringList>

int runAdmin(const QStringList &args);

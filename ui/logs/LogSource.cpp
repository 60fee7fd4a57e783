#include "LogSource.h"

LogSource::~LogSource() = default;

#include "Page.h"

Page::~Page() = default;

#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite headless. Extra arguments go to ctest
# (e.g. scripts/test.sh -L api).
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/build.sh"
export QT_QPA_PLATFORM=offscreen
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --timeout 600 -j2 "$@"

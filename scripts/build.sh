#!/usr/bin/env bash
# Configures (Ninja, ccache) and builds into ./build. Extra arguments go to CMake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/install-deps.sh"
BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTANVRIT_TESTS=ON -DTANVRIT_BENCH=ON "$@"
fi
cmake --build "$BUILD_DIR" -- -j"$(nproc)"

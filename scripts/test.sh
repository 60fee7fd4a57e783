#!/usr/bin/env bash
# Installs what is missing, builds, lints docs/openapi.yaml and runs every test suite headless. Extra
# arguments go to ctest (e.g. scripts/test.sh -L api). With no arguments it also runs the libFuzzer harnesses for 60 s in
# all (bench/fuzz.sh, clang + ASan/UBSan in build-fuzz); a crash fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/build.sh"
# the npm tools (Redocly CLI, Prism's proxy for the API suites), then the API document's lint
"$(dirname "$0")/npm-tools.sh"
REDOCLY_TELEMETRY=off "${BUILD_DIR:-build}/npm-tools/node_modules/.bin/redocly" lint docs/openapi.yaml --format=stylish
export QT_QPA_PLATFORM=offscreen
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --timeout 600 -j2 "$@")
if [ $# -eq 0 ]; then
  bench/fuzz.sh --total-seconds "${FUZZ_SECONDS:-60}"
fi

#!/usr/bin/env bash
# Renders every page of the console, running on real data (an embedded control plane and agent, jobs in
# every state, a live log), to PNG files under Xvfb. Usage: scripts/screenshots.sh [OUT_DIR] (default
# build/screenshots). Not committed: the files are for looking at.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-build/screenshots}
./scripts/build.sh >/dev/null
cmake --build build --target console_screenshots >/dev/null
mkdir -p "$OUT"
# a throwaway home: the console's settings and data never touch the user's
export HOME=$(mktemp -d) XDG_CONFIG_HOME= XDG_DATA_HOME=
trap 'rm -rf "$HOME"' EXIT
xvfb-run -a -s "-screen 0 1600x1000x24" ./build/tests/gui/console_screenshots "$OUT"
echo "screenshots in $OUT"

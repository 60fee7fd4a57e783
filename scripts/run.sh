#!/usr/bin/env bash
# Installs what is missing, builds, and starts Tanvrit Compute: the desktop console (its own control plane
# and local agent) where there is a display, else the headless control plane with a local agent.
# Extra arguments go to the console or to `tanvrit-compute serve` (e.g. --listen 0.0.0.0:8080).
# HEADLESS=1 starts the headless server even where there is a display.
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/build.sh"
BUILD=${BUILD_DIR:-build}
DATA=${TANVRIT_DATA_DIR:-$HOME/.local/share/tanvrit-compute}
if [ -z "${HEADLESS:-}" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; } \
   && [ -x "$BUILD/app/console/tanvrit-compute-console" ]; then
  exec "$BUILD/app/console/tanvrit-compute-console" --data-dir "$DATA" "$@"
fi
exec "$BUILD/app/tanvrit-compute" serve --with-agent --data-dir "$DATA" "$@"

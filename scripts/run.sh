#!/usr/bin/env bash
# Installs what is missing, builds, and starts the headless control plane with a local agent.
# Extra arguments go to `tanvrit-compute serve` (e.g. --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/build.sh"
exec "${BUILD_DIR:-build}/app/tanvrit-compute" serve --with-agent --data-dir "${TANVRIT_DATA_DIR:-$HOME/.local/share/tanvrit-compute}" "$@"

#!/usr/bin/env bash
# Soak: `serve --with-agent` (the one-machine deployment) under `ulimit -n 1024` at a steady rate, with
# live log followers coming and going, for as long as asked. Prints the server's descriptors, RSS and
# submit latency percentiles every REPORT seconds, then one soak_summary line; a leak is a column that
# climbs.
#
#   bench/soak.sh [BUILD_DIR]        (default: <repo>/build)
#
# Environment:
#   DURATION=600 RATE=100 REPORT=30 FOLLOWERS=8 SLOTS=4 NOFILE=1024 COMMAND="echo soak"
#   BENCH_NO_BUILD=1   do not build (tanvrit-compute soak)
#   SERVER=PATH        tanvrit-compute binary (default BUILD_DIR/app/tanvrit-compute)
# Exit status: 0 when every job was accepted and SUCCEEDED.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "soak: no build dir ${1:-$ROOT/build}" >&2; exit 2; }
SERVER=${SERVER:-$BUILD_DIR/app/tanvrit-compute}
SOAK=$BUILD_DIR/bench/soak
DURATION=${DURATION:-600}
RATE=${RATE:-100}
REPORT=${REPORT:-30}
FOLLOWERS=${FOLLOWERS:-8}
SLOTS=${SLOTS:-4}
NOFILE=${NOFILE:-1024}
COMMAND=${COMMAND:-echo soak}

log() { echo "soak: $*" >&2; }

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute soak >&2 || { log "build failed"; exit 2; }
fi
for b in "$SERVER" "$SOAK"; do
    [[ -x $b ]] || { log "no binary at $b"; exit 2; }
done

TMP_ROOT=$(mktemp -d -t tanvrit-soak.XXXXXX)
SERVER_PID=
AGENT_PIDS=()
CONFIG_DIR=$TMP_ROOT
# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

SERVE_NOFILE=$NOFILE start_server --with-agent --agent-slots "$SLOTS" || exit 1
port=${URL##*:}
log "server pid $SERVER_PID on port $port, open files limit $(awk '/Max open files/ {print $4 "/" $5}' /proc/$SERVER_PID/limits)"
"$SOAK" --url "$URL" --key "$KEY" --pid "$SERVER_PID" --rate "$RATE" --duration "$DURATION" \
    --report "$REPORT" --followers "$FOLLOWERS" --command "$COMMAND"
status=$?
((status == 0)) || show_logs
exit $status

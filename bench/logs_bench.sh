#!/usr/bin/env bash
# Live-log fan-out benchmark: one job printing many short lines on one real agent, followed live by
# F SSE readers (GET /v0/jobs/{id}/logs?follow=true) connected right after the submit's 201.
#
#   bench/logs_bench.sh [BUILD_DIR]        (default: <repo>/build)
#
# Prints one line per figure on stdout (details and errors go to stderr):
#   logs_e2e_1_follower: X lines/s lag_p50=… ms lag_p99=… ms (...)
#   logs_e2e_10_followers: X lines/s lag_p50=… ms lag_p99=… ms (...)
#   logs_e2e_F_follower(s)_cpu: server=… s agent=… s job=… s   CPU seconds each process used
# X: lines received by the slowest follower / (its end event − its first line). lag: arrival − the
# line's "ts" (agent's read time, epoch ms), over every line of every follower (see logs_bench.cpp).
# Each configuration gets a fresh server (new data dir) and agent, and stops after at most TIMEOUT s,
# reporting partial figures. Everything is stopped and every temporary directory removed on exit.
#
# Environment:
#   BENCH_NO_BUILD=1   do not build (tanvrit-compute logs_bench e2e_bench)
#   SERVER=PATH        tanvrit-compute binary (default BUILD_DIR/app/tanvrit-compute)
#   LINES=5000000 FOLLOWERS="1 10" TIMEOUT=300
#   SERVE_FLAGS="..."  extra `serve` flags (e.g. --log-max-bytes 1073741824)
#   RATE=N             the job prints about N lines/s (RATE/10 lines every 100 ms) instead of as fast as
#                      `seq` can: the lag of a follower that keeps up. Labels get "_at_N_per_s".
# Exit status: 0 when every follower got every line and the end event.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "logs_bench: no build dir ${1:-$ROOT/build}" >&2; exit 2; }
SERVER=${SERVER:-$BUILD_DIR/app/tanvrit-compute}
LOGS=$BUILD_DIR/bench/logs_bench
E2E=$BUILD_DIR/bench/e2e_bench
LINES=${LINES:-5000000}
FOLLOWERS=${FOLLOWERS:-1 10}
TIMEOUT=${TIMEOUT:-300}
SERVE_FLAGS=${SERVE_FLAGS:-}
RATE=${RATE:-0}
COMMAND="seq 1 $LINES"
if ((RATE > 0)); then
    CHUNK=$(( RATE / 10 > 0 ? RATE / 10 : 1 ))
    LINES=$(( (LINES + CHUNK - 1) / CHUNK * CHUNK ))
    COMMAND="for i in \$(seq 1 $((LINES / CHUNK))); do seq 1 $CHUNK; sleep 0.1; done"
fi

log() { echo "logs_bench: $*" >&2; }

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute logs_bench e2e_bench >&2 || { log "build failed"; exit 2; }
fi
for b in "$SERVER" "$LOGS" "$E2E"; do
    [[ -x $b ]] || { log "no binary at $b"; exit 2; }
done

TMP_ROOT=$(mktemp -d -t tanvrit-logs.XXXXXX)
SERVER_PID=
AGENT_PIDS=()
CONFIG_DIR=
status=0

# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

for f in $FOLLOWERS; do
    label=logs_e2e_${f}_follower
    ((f > 1)) && label=${label}s
    ((RATE > 0)) && label=${label}_at_${RATE}_per_s
    CONFIG_DIR=$TMP_ROOT/f$f
    # shellcheck disable=SC2086  # SERVE_FLAGS is a list of flags
    if ! start_server $SERVE_FLAGS; then
        echo "$label: not measured (setup failed)"
        status=1
        stop_all
        continue
    fi
    "$SERVER" agent --server "$URL" --key "$KEY" --work-dir "$CONFIG_DIR/agent" --name a1 --slots 1 \
        --log-level warn >"$CONFIG_DIR/agent.log" 2>&1 &
    AGENT_PIDS=($!)
    if ! "$E2E" wait-agents --url "$URL" --key "$KEY" --count 1 --push --timeout 30; then
        log "$label: agent did not come online"
        show_logs
        echo "$label: not measured (setup failed)"
        status=1
        stop_all
        continue
    fi
    timeout -k 5 $((TIMEOUT + 30)) "$LOGS" --url "$URL" --key "$KEY" --followers "$f" --lines "$LINES" \
        --command "$COMMAND" --label "$label" --timeout "$TIMEOUT" || { status=1; show_logs; }
    echo "${label}_cpu: server=$(cpu_secs "$SERVER_PID") s agent=$(cpu_secs "${AGENT_PIDS[0]}") s" \
        "job=$(cpu_secs "${AGENT_PIDS[0]}" children) s (CPU seconds since start)"
    stop_all
done
exit $status

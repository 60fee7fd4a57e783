#!/usr/bin/env bash
# The command line's figures: `jobs logs --tail 100` on a job with a 10-million-line log, reading a whole log
# and following one live (lines/s through the CLI into /dev/null), and `jobs run` of `true` end to end.
#
#   bench/cli_bench.sh [BUILD_DIR]        (default: <repo>/build)
#
# Prints one line per figure on stdout (details on stderr):
#   cli_tail100_on_10M_lines: p50=… ms max=… ms (N runs)
#   cli_logs_read_all: X lines/s (L lines)
#   cli_logs_follow_live: X lines/s (L lines, job started after the follower)
#   cli_run_true: p50=… ms p90=… ms (N runs: submit, follow to the end, exit code; a fresh process each)
# A fresh server (--log-max-bytes 2 GiB) and agent (--spool-max-mib 2048) in a temporary directory, removed on exit.
#
# Environment: BENCH_NO_BUILD=1 (do not build), LINES=10000000, RUNS=20.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "cli_bench: no build dir" >&2; exit 2; }
SERVER=$BUILD_DIR/app/tanvrit-compute
LINES=${LINES:-10000000}
RUNS=${RUNS:-20}
TMP_ROOT=$(mktemp -d /tmp/tanvrit-cli-bench.XXXXXX)
CONFIG_DIR=$TMP_ROOT/server
SERVER_PID=
AGENT_PIDS=()
log() { echo "cli_bench: $*" >&2; }
# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

if [[ -z ${BENCH_NO_BUILD:-} ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute >&2 || exit 1
fi
start_server --log-max-bytes 2147483648 || exit 1
# an agent of its own with a spool that holds a `seq` running ahead of the upload (--with-agent keeps 64 MiB)
"$SERVER" agent --server "$URL" --key "$KEY" --work-dir "$TMP_ROOT/agent" --spool-max-mib 2048 \
    >"$CONFIG_DIR/agent.log" 2>&1 &
AGENT_PIDS+=($!)
for _ in $(seq 100); do grep -q "registered\|stored identity" "$CONFIG_DIR/agent.log" 2>/dev/null && break; sleep 0.1; done
export TANVRIT_SERVER=$URL TANVRIT_API_KEY=$KEY TANVRIT_CONFIG=$TMP_ROOT/config.json
CLI=("$SERVER")

now_ms() { date +%s%3N; }
percentile() { sort -n | awk -v p="$1" '{a[NR]=$1} END { i=int((NR-1)*p/100)+1; print a[i] }'; }

times=()
for _ in $(seq "$RUNS"); do
    t0=$(now_ms); "${CLI[@]}" version >/dev/null; t1=$(now_ms); times+=($((t1 - t0)))
done
echo "cli_process_start: p50=$(printf '%s\n' "${times[@]}" | percentile 50) ms (tanvrit-compute version: the floor under every command below)"

log "writing a $LINES-line log"
id=$("${CLI[@]}" jobs run --detach -- seq 1 "$LINES") || exit 1
"${CLI[@]}" jobs wait --timeout 30m "$id" >/dev/null || { log "the log job did not succeed"; exit 1; }

times=()
for _ in $(seq "$RUNS"); do
    t0=$(now_ms)
    n=$("${CLI[@]}" jobs logs --tail 100 "$id" | wc -l)
    t1=$(now_ms)
    [[ $n == 100 ]] || { log "tail printed $n lines"; exit 1; }
    times+=($((t1 - t0)))
done
p50=$(printf '%s\n' "${times[@]}" | percentile 50)
max=$(printf '%s\n' "${times[@]}" | percentile 100)
echo "cli_tail100_on_10M_lines: p50=$p50 ms max=$max ms ($RUNS runs)"

t0=$(now_ms)
n=$("${CLI[@]}" jobs logs "$id" | wc -l)
t1=$(now_ms)
[[ $n == "$LINES" ]] || log "read $n of $LINES lines"
echo "cli_logs_read_all: $(awk -v n="$n" -v ms=$((t1 - t0)) 'BEGIN { printf "%d", n * 1000 / ms }') lines/s ($n lines)"

FOLLOW_LINES=$((LINES / 5))
t0=$(now_ms)
n=$("${CLI[@]}" jobs run -- seq 1 "$FOLLOW_LINES" | wc -l)
t1=$(now_ms)
[[ $n == "$FOLLOW_LINES" ]] || log "followed $n of $FOLLOW_LINES lines"
echo "cli_logs_follow_live: $(awk -v n="$n" -v ms=$((t1 - t0)) 'BEGIN { printf "%d", n * 1000 / ms }') lines/s ($n lines, job started after the follower)"

times=()
for _ in $(seq "$RUNS"); do
    t0=$(now_ms)
    "${CLI[@]}" jobs run -- true || { log "jobs run true failed"; exit 1; }
    t1=$(now_ms)
    times+=($((t1 - t0)))
done
echo "cli_run_true: p50=$(printf '%s\n' "${times[@]}" | percentile 50) ms p90=$(printf '%s\n' "${times[@]}" | percentile 90) ms ($RUNS runs: submit, follow to the end, exit code; a fresh process each)"

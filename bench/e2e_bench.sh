#!/usr/bin/env bash
# End-to-end job benchmark: a real control plane and K real agent processes on this machine.
#
#   bench/e2e_bench.sh [BUILD_DIR]        (default: <repo>/build)
#
# Prints one line per figure on stdout (details and errors go to stderr):
#   raw_spawn_serial: X spawns/s ...      posix_spawn + waitpid of /bin/true, one at a time (spawn_rate)
#   raw_spawn_2x: X spawns/s ...          the same, two in flight
#   e2e_latency_push: p50=… ms p99=… ms (n=300) ...   submit → job.terminal SUCCEEDED on GET /v0/events,
#                                         one job at a time (20 warm-up jobs first); 1 agent, push socket
#   e2e_latency_poll: ...                 the same with a --no-push agent (long polling)
#   e2e_throughput_1_agent: X jobs/s ...  3000 jobs submitted over 8 keep-alive connections, first
#   e2e_throughput_2_agents: ...          submit → the 3000th job.terminal event; agents --slots 2
#   e2e_throughput_4_agents: ...
#   e2e_throughput_K_agent(s)_cpu: server=… s agents=… s jobs=… s   CPU seconds each side used
#   e2e_vs_raw_spawn: ...                 each throughput as a share of raw_spawn_2x and raw_spawn_serial
# Every configuration starts a fresh server (new data dir) and fresh agents, and stops after at most
# TIMEOUT seconds, reporting what it got. Everything is stopped (SIGTERM, then SIGKILL after 10 s) and
# every temporary directory removed on exit.
#
# Environment:
#   BENCH_NO_BUILD=1   do not build (tanvrit-compute e2e_bench spawn_rate)
#   SERVER=PATH        tanvrit-compute binary (default BUILD_DIR/app/tanvrit-compute)
#   LAT_N=300 LAT_WARMUP=20 JOBS=3000 CONNECTIONS=8 SLOTS=2 AGENTS="1 2 4" TIMEOUT=120 SPAWN_N=2000
# Exit status: 0 when every figure ran to completion without errors.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "e2e_bench: no build dir ${1:-$ROOT/build}" >&2; exit 2; }
SERVER=${SERVER:-$BUILD_DIR/app/tanvrit-compute}
E2E=$BUILD_DIR/bench/e2e_bench
SPAWN=$BUILD_DIR/bench/spawn_rate
LAT_N=${LAT_N:-300}
LAT_WARMUP=${LAT_WARMUP:-20}
JOBS=${JOBS:-3000}
CONNECTIONS=${CONNECTIONS:-8}
SLOTS=${SLOTS:-2}
AGENTS=${AGENTS:-1 2 4}
TIMEOUT=${TIMEOUT:-120}
SPAWN_N=${SPAWN_N:-2000}

log() { echo "e2e_bench: $*" >&2; }

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute e2e_bench spawn_rate >&2 || { log "build failed"; exit 2; }
fi
for b in "$SERVER" "$E2E" "$SPAWN"; do
    [[ -x $b ]] || { log "no binary at $b"; exit 2; }
done

TMP_ROOT=$(mktemp -d -t tanvrit-e2e.XXXXXX)
SERVER_PID=
AGENT_PIDS=()
CONFIG_DIR=
URL=
KEY=
status=0

# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

# start_config NAME AGENTS [AGENT FLAGS...]: a fresh server and NAME's agents; sets URL and KEY.
start_config() {
    local name=$1 count=$2
    shift 2
    CONFIG_DIR=$TMP_ROOT/$name
    mkdir -p "$CONFIG_DIR/data"
    start_server || { log "$name: the server did not start"; return 1; }
    local i push=--push
    for ((i = 1; i <= count; i++)); do
        "$SERVER" agent --server "$URL" --key "$KEY" --work-dir "$CONFIG_DIR/agent$i" --name "a$i" \
            --slots "$SLOTS" --log-level warn "$@" >"$CONFIG_DIR/agent$i.log" 2>&1 &
        AGENT_PIDS+=($!)
    done
    for a in "$@"; do [[ $a == --no-push ]] && push=; done
    "$E2E" wait-agents --url "$URL" --key "$KEY" --count "$count" $push --timeout 30 ||
        { log "$name: agents did not come online"; show_logs; return 1; }
}

# run_bounded CMD...: the benchmark has its own TIMEOUT; this is the backstop.
run_bounded() {
    timeout -k 5 $((TIMEOUT + 30)) "$@"
}

# 1. Raw spawn rates.
SPAWN_OUT=$("$SPAWN" -n "$SPAWN_N") || status=1
echo "$SPAWN_OUT"
RAW_SERIAL=$(sed -nE 's/^raw_spawn_serial: ([0-9.]+).*/\1/p' <<<"$SPAWN_OUT")
RAW_2X=$(sed -nE 's/^raw_spawn_2x: ([0-9.]+).*/\1/p' <<<"$SPAWN_OUT")

# 2. Latency, push then poll: 1 agent each.
for mode in push poll; do
    flags=()
    [[ $mode == poll ]] && flags=(--no-push)
    if start_config "latency_$mode" 1 "${flags[@]}"; then
        run_bounded "$E2E" latency --url "$URL" --key "$KEY" --n "$LAT_N" --warmup "$LAT_WARMUP" \
            --label "e2e_latency_$mode" --timeout "$TIMEOUT" || { status=1; show_logs; }
    else
        echo "e2e_latency_$mode: not measured (setup failed)"
        status=1
    fi
    stop_all
done

# 3. Throughput with 1, 2, 4 agents.
declare -A TPUT
for k in $AGENTS; do
    label=e2e_throughput_${k}_agent
    ((k > 1)) && label=${label}s
    if start_config "throughput_$k" "$k"; then
        out=$(run_bounded "$E2E" throughput --url "$URL" --key "$KEY" --jobs "$JOBS" \
            --connections "$CONNECTIONS" --label "$label" --timeout "$TIMEOUT") || { status=1; show_logs; }
        echo "$out"
        agents_cpu=0 jobs_cpu=0
        for p in "${AGENT_PIDS[@]}"; do
            agents_cpu=$(awk -v a="$agents_cpu" -v b="$(cpu_secs "$p")" 'BEGIN { printf "%.2f", a + b }')
            jobs_cpu=$(awk -v a="$jobs_cpu" -v b="$(cpu_secs "$p" children)" 'BEGIN { printf "%.2f", a + b }')
        done
        echo "${label}_cpu: server=$(cpu_secs "$SERVER_PID") s agents=$agents_cpu s jobs=$jobs_cpu s (CPU seconds since start)"
        TPUT[$k]=$(sed -nE 's/^[a-z0-9_]+: ([0-9.]+) jobs\/s.*/\1/p' <<<"$out")
    else
        echo "$label: not measured (setup failed)"
        status=1
    fi
    stop_all
done

# 4. Throughput against the raw spawn rates.
if [[ -n $RAW_2X && -n $RAW_SERIAL ]]; then
    line="e2e_vs_raw_spawn:"
    for k in $AGENTS; do
        [[ -n ${TPUT[$k]:-} ]] || continue
        line+=$(awk -v t="${TPUT[$k]}" -v r2="$RAW_2X" -v r1="$RAW_SERIAL" -v k="$k" \
            'BEGIN { printf " %d_agent%s=%.1f%% of 2x (%.1f%% of serial)", k, (k > 1 ? "s" : ""), 100 * t / r2, 100 * t / r1 }')
    done
    echo "$line"
fi
exit $status

#!/usr/bin/env bash
# API benchmark: durable submit throughput and job reads against the real server.
#
#   bench/api_bench.sh [BUILD_DIR]        (default: <repo>/build)
#
# Prints one line per figure on stdout (loadgen details and errors go to stderr):
#   submit_durable: R req/s (...)   POST /v0/jobs, 201 only once committed to SQLite, 64 conns, 10 s
#   get_job: R req/s (...)          GET /v0/jobs/{id} with the ids from submit_durable, 64 conns, 10 s
#   server_rss: X MiB ...           VmRSS of the server after the run (and its peak, VmHWM)
#   jobs_in_store: N ...            rows in the jobs table after the server stopped
#   server_stop: ...                how the server stopped after SIGTERM
#
# Environment:
#   BENCH_NO_BUILD=1   do not run `cmake --build BUILD_DIR --target tanvrit-compute loadgen`
#   LOADGEN=PATH       loadgen binary to use (default BUILD_DIR/bench/loadgen)
#   SERVER=PATH        server binary to use (default BUILD_DIR/app/tanvrit-compute)
#   CONNECTIONS=64 DURATION=10   load shape for both figures
# Exit status: 0 when every figure ran without errors.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "api_bench: no build dir ${1:-$ROOT/build}" >&2; exit 2; }
SERVER=${SERVER:-$BUILD_DIR/app/tanvrit-compute}
LOADGEN=${LOADGEN:-$BUILD_DIR/bench/loadgen}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10}

log() { echo "api_bench: $*" >&2; }

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute loadgen >&2 || { log "build failed"; exit 2; }
fi
[[ -x $SERVER ]] || { log "no server binary at $SERVER"; exit 2; }
[[ -x $LOADGEN ]] || { log "no loadgen binary at $LOADGEN"; exit 2; }

DATA_DIR=$(mktemp -d)
WORK_DIR=$(mktemp -d)
SERVER_LOG=$WORK_DIR/server.log
IDS=$WORK_DIR/ids.txt
SERVER_PID=

# shellcheck disable=SC2317  # invoked from the EXIT trap
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    SERVER_PID=
    rm -rf "$DATA_DIR" "$WORK_DIR"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

fail() {
    log "$*"
    if [[ -s $SERVER_LOG ]]; then
        log "last server output:"
        tail -n 20 "$SERVER_LOG" >&2
    fi
    exit 1
}

"$SERVER" serve --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --log-level warn \
    --rate-limit-per-minute 0 --rate-limit-per-hour 0 >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# The port a process listens on, from /proc (for a server that does not print its url line).
listening_port() {
    local pid=$1 inodes link
    inodes=$(for link in /proc/"$pid"/fd/*; do readlink "$link"; done 2>/dev/null |
        sed -nE 's/^socket:\[([0-9]+)\]$/\1/p' | paste -sd' ')
    [[ -n $inodes ]] || return
    # /proc/net/tcp: local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, inode is column 10
    local hex
    hex=$(awk -v inodes=" $inodes " '$4 == "0A" && index(inodes, " " $10 " ") {
        split($2, a, ":"); print a[2]; exit }' /proc/net/tcp)
    [[ -n $hex ]] && echo $((16#$hex))
}

# Wait (up to 20 s) for the "url=http://127.0.0.1:PORT" line and for the owner key.
PORT=
for i in $(seq 200); do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited during startup"
    if [[ -z $PORT ]]; then
        PORT=$(sed -nE 's#.*url=http://127\.0\.0\.1:([0-9]+).*#\1#p' "$SERVER_LOG" | head -n 1)
    fi
    if [[ -z $PORT && $i -ge 50 ]]; then
        # 5 s and no url line (some log levels may hide it): look the port up in /proc
        PORT=$(listening_port "$SERVER_PID")
        [[ -n $PORT ]] && log "no url= line on the server's stdout; found port $PORT in /proc"
    fi
    [[ -n $PORT && -s $DATA_DIR/admin.key ]] && break
    sleep 0.1
done
[[ -n $PORT ]] || fail "server printed no url=http://127.0.0.1:PORT line within 20 s"
[[ -s $DATA_DIR/admin.key ]] || fail "no $DATA_DIR/admin.key within 20 s"
KEY=$(head -n 1 "$DATA_DIR/admin.key" | tr -d '[:space:]')
BASE=http://127.0.0.1:$PORT
status=0

# Figure 1: durable submit throughput.
"$LOADGEN" --url "$BASE/v0/jobs" --method POST --body '{"type":"COMMAND","command":"true"}' \
    --header "X-API-Key: $KEY" --connections "$CONNECTIONS" --duration "$DURATION" \
    --expect 201 --save-ids "$IDS" --label submit_durable || status=1
SUBMITTED=$( [[ -f $IDS ]] && wc -l <"$IDS" || echo 0 )
SUBMITTED=${SUBMITTED//[[:space:]]/}

# Figure 2: job reads by id.
if [[ $SUBMITTED -gt 0 ]]; then
    "$LOADGEN" --url "$BASE/v0/jobs/{id}" --method GET --header "X-API-Key: $KEY" \
        --ids-from "$IDS" --connections "$CONNECTIONS" --duration "$DURATION" \
        --expect 200 --label get_job || status=1
else
    log "no job ids from submit_durable; skipping get_job"
    status=1
fi

# Server memory after the run.
kill -0 "$SERVER_PID" 2>/dev/null || fail "server died during the run"
RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
awk -v r="$RSS_KB" -v h="$HWM_KB" \
    'BEGIN { printf "server_rss: %.1f MiB (VmRSS after the run; peak VmHWM %.1f MiB)\n", r / 1024, h / 1024 }'

# Stop the server (SIGTERM) and count what it committed.
t0=$(date +%s.%N)
kill -TERM "$SERVER_PID"
stopped=0
for _ in $(seq 200); do
    kill -0 "$SERVER_PID" 2>/dev/null || { stopped=1; break; }
    sleep 0.05
done
if [[ $stopped == 1 ]]; then
    wait "$SERVER_PID"
    rc=$?
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v rc="$rc" 'BEGIN { printf "server_stop: exit=%d %.2f s after SIGTERM\n", rc, b - a }'
    [[ $rc == 0 ]] || status=1
else
    echo "server_stop: still running 10 s after SIGTERM, killed"
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    status=1
fi
SERVER_PID=

DB=$DATA_DIR/tanvrit.db
count_jobs() {
    if command -v sqlite3 >/dev/null; then
        sqlite3 "$DB" 'SELECT count(*) FROM jobs;' 2>/dev/null
    else
        python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM jobs").fetchone()[0])' "$DB" 2>/dev/null
    fi
}
JOBS=$(count_jobs)
if [[ -n $JOBS ]]; then
    echo "jobs_in_store: $JOBS (submit_durable saw $SUBMITTED x 201)"
    if [[ $JOBS -lt $SUBMITTED ]]; then
        log "store holds fewer jobs than were acknowledged with 201"
        status=1
    fi
else
    echo "jobs_in_store: unknown (cannot read $DB)"
    status=1
fi

if [[ $status != 0 ]] && [[ -s $SERVER_LOG ]]; then
    log "server output (last 20 lines):"
    tail -n 20 "$SERVER_LOG" >&2
fi
exit $status

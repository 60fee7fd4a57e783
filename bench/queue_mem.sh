#!/usr/bin/env bash
# Memory per QUEUED job, restart time and job-list latency with many jobs in the store.
#
#   bench/queue_mem.sh [BUILD_DIR]        (default: <repo>/build)
#
# A server without agents takes N jobs over HTTP (they all stay QUEUED); then the store is filled
# directly with SQLite up to FILL jobs (HTTP submits of a million take minutes) and the server restarted.
# Prints one line per figure on stdout (loadgen details go to stderr):
#   list_1k / list_1k_state / list_1k_label: GET /v0/jobs?limit=50 (plain, ?state=QUEUED, ?label=) p50/p99
#   queued_bytes_submit: N=… B/job     (server RSS after the submits − RSS of the empty server) / N
#   restart: N=… S s                    start to listening with N queued jobs in the store
#   queued_bytes_restart: N=… B/job    (RSS after that restart − RSS of the empty server) / N
#   list_N… lines as above with N (and FILL) jobs; the label filter asks for the 1,000 oldest jobs
# RSS is read after the server's heap trimmer ran (12 s after the load); SQLite's page cache (at most
# 64 MiB per connection) is part of it, so the per-job figure falls as N grows.
#
# Environment: N=100000, FILL=1000000 (0: skip the fill), CONNECTIONS=16, DURATION=5,
#              BENCH_NO_BUILD=1, SERVER=PATH, LOADGEN=PATH
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "queue_mem: no build dir ${1:-$ROOT/build}" >&2; exit 2; }
SERVER=${SERVER:-$BUILD_DIR/app/tanvrit-compute}
LOADGEN=${LOADGEN:-$BUILD_DIR/bench/loadgen}
N=${N:-100000}
FILL=${FILL:-1000000}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-5}
RARE=1000

log() { echo "queue_mem: $*" >&2; }
if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute loadgen >&2 || { log "build failed"; exit 2; }
fi
command -v sqlite3 >/dev/null || { log "needs the sqlite3 command"; exit 2; }

TMP_ROOT=$(mktemp -d)
DATA_DIR=$TMP_ROOT/data
SERVER_LOG=$TMP_ROOT/server.log
SERVER_PID=
AGENT_PIDS=()
# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"

start_server() {
    : >"$SERVER_LOG"
    local t0; t0=$(date +%s.%N)
    "$SERVER" serve --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --log-level warn \
    --rate-limit-per-minute 0 --rate-limit-per-hour 0 >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    PORT=
    for _ in $(seq 6000); do
        kill -0 "$SERVER_PID" 2>/dev/null || { log "server exited"; tail -n 20 "$SERVER_LOG" >&2; exit 1; }
        PORT=$(sed -nE 's#.*url=http://127\.0\.0\.1:([0-9]+).*#\1#p' "$SERVER_LOG" | head -n 1)
        [[ -n $PORT && -s $DATA_DIR/admin.key ]] && break
        sleep 0.05
    done
    [[ -n $PORT ]] || { log "no url line"; exit 1; }
    STARTUP_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    KEY=$(head -n 1 "$DATA_DIR/admin.key" | tr -d '[:space:]')
    BASE=http://127.0.0.1:$PORT
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
settled_rss_kb() { sleep 12; rss_kb; }

submit() { # count label
    "$LOADGEN" --url "$BASE/v0/jobs" --method POST --header "X-API-Key: $KEY" \
        --body "{\"type\":\"COMMAND\",\"command\":\"true\",\"labels\":{\"pool\":\"$2\"}}" \
        --connections "$CONNECTIONS" --requests "$1" --expect 201 --label "submit_$2" >&2 || { log "submit failed"; exit 1; }
}

list_latency() { # name
    local q
    for q in "" "&state=QUEUED" "&label=pool:rare"; do
        local suffix=${q:+_${q#&}}; suffix=${suffix%%=*}
        "$LOADGEN" --url "$BASE/v0/jobs?limit=50$q" --method GET --header "X-API-Key: $KEY" \
            --connections 4 --duration "$DURATION" --expect 200 --label "$1$suffix" |
            sed -E 's/ \(.*\)//'
    done
}

bytes_per_job() { # label n rss_kb base_kb
    awk -v l="$1" -v n="$2" -v r="$3" -v b="$4" \
        'BEGIN { printf "%s: N=%d %.0f B/job (RSS %.1f MiB, empty server %.1f MiB)\n", l, n, (r - b) * 1024 / n, r / 1024, b / 1024 }'
}

start_server
BASE_KB=$(settled_rss_kb)
submit "$RARE" rare
list_latency list_1k
submit $((N - RARE)) common
bytes_per_job queued_bytes_submit "$N" "$(settled_rss_kb)" "$BASE_KB"
stop_all
start_server
echo "restart: N=$N $STARTUP_S s"
bytes_per_job queued_bytes_restart "$N" "$(settled_rss_kb)" "$BASE_KB"
list_latency "list_$((N / 1000))k"
stop_all

if ((FILL > N)); then
    # Jobs copied from a stored one, with ids newer than every job so far (the list walks past them
    # to reach the rare label). Hex digits are valid ULID characters and keep the ids in order.
    PREFIX=$(python3 -c '
import time
a = "0123456789abcdefghjkmnpqrstvwxyz"; t = int(time.time() * 1000) + 3600 * 1000; s = ""
for _ in range(10): s = a[t & 31] + s; t >>= 5
print(s)')
    t0=$(date +%s.%N)
    sqlite3 "$DATA_DIR/tanvrit.db" <<SQL || { log "fill failed"; exit 1; }
PRAGMA journal_mode=WAL;
BEGIN;
INSERT INTO jobs(id, workspace_id, state, priority, created_at, updated_at, agent_id, doc)
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $((FILL - N)))
  SELECT 'job_$PREFIX' || printf('%016x', i), t.workspace_id, 'QUEUED', t.priority, t.created_at, t.updated_at,
         NULL, replace(t.doc, t.id, 'job_$PREFIX' || printf('%016x', i))
  FROM c, (SELECT * FROM jobs WHERE id IN (SELECT job_id FROM job_labels WHERE value = 'common' LIMIT 1)) t;
INSERT INTO job_labels(workspace_id, key, value, job_id)
  SELECT workspace_id, 'pool', 'common', id FROM jobs WHERE id >= 'job_$PREFIX';
COMMIT;
SQL
    log "filled the store to $FILL jobs in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
    start_server
    echo "restart: N=$FILL $STARTUP_S s"
    bytes_per_job queued_bytes_restart "$FILL" "$(settled_rss_kb)" "$BASE_KB"
    list_latency "list_$((FILL / 1000))k"
    stop_all
fi

#!/usr/bin/env bash
# Artifact throughput: one file of SIZE_MIB MiB through the real path, beside `cp` of the same file.
#
#   bench/artifact_bench.sh [BUILD_DIR]        (default: <repo>/build)
#
# Prints one line per figure on stdout:
#   cp: R MB/s                      cp of the file on this disk (the reference)
#   agent_upload: R MB/s (...)      the agent collecting, hashing (sha256) and uploading it in 4 MiB parts
#                                   to `serve --with-agent` (from the job's end to "artifacts: stored")
#   put_upload: R MB/s              the same file PUT in 8 MiB parts with curl (the server's side alone)
#   download: R MB/s                GET of the signed URL with curl, written to a file
#   download_null: R MB/s           the same to /dev/null
#   server_rss: ...                 the server's peak RSS (VmHWM) after all of it
#
# Environment: SIZE_MIB=1024, BENCH_NO_BUILD=1, SERVER=PATH. MB is 10^6 bytes.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "artifact_bench: no build dir" >&2; exit 2; }
SERVER=${SERVER:-$BUILD_DIR/app/tanvrit-compute}
SIZE_MIB=${SIZE_MIB:-1024}
BYTES=$((SIZE_MIB * 1024 * 1024))

log() { echo "artifact_bench: $*" >&2; }
if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute >&2 || { log "build failed"; exit 2; }
fi

DATA_DIR=$(mktemp -d)
WORK_DIR=$(mktemp -d)
chmod 755 "$WORK_DIR" # jobs may run as another user (nobody under root)
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$DATA_DIR" "$WORK_DIR"
}
trap cleanup EXIT
fail() { log "$*"; tail -n 20 "$WORK_DIR/server.log" >&2; exit 1; }
now() { date +%s.%N; }
rate() { python3 -c "import sys; b,t=float(sys.argv[1]),float(sys.argv[2]); print(f'{b/t/1e6:.0f}')" "$1" "$2"; }

"$SERVER" serve --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --log-level info --with-agent --agent-slots 1 \
    --agent-jobs-dir "$WORK_DIR/jobs" --rate-limit-per-minute 0 --rate-limit-per-hour 0 \
    --artifact-max-file-bytes $((BYTES * 2)) >"$WORK_DIR/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 300); do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited during startup"
    PORT=$(sed -nE 's#.*url=http://127\.0\.0\.1:([0-9]+).*#\1#p' "$WORK_DIR/server.log" | head -n 1)
    [[ -n $PORT && -s $DATA_DIR/admin.key ]] && break
    sleep 0.1
done
[[ -n $PORT ]] || fail "no url= line"
KEY=$(head -n 1 "$DATA_DIR/admin.key" | tr -d '[:space:]')
BASE=http://127.0.0.1:$PORT
api() { curl -sS -H "X-API-Key: $KEY" -H 'Content-Type: application/json' "$@"; }
json() { python3 -c "import sys,json; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# The reference: cp of a file of that size on this disk.
head -c "$BYTES" /dev/urandom >"$WORK_DIR/src.bin" || fail "cannot write $WORK_DIR/src.bin"
sync
t0=$(now); cp "$WORK_DIR/src.bin" "$WORK_DIR/copy.bin"; sync; t1=$(now)
echo "cp: $(rate "$BYTES" "$(echo "$t1 - $t0" | bc)") MB/s (${SIZE_MIB} MiB, with sync)"
rm -f "$WORK_DIR/copy.bin"

# Agent path: the job writes the file; its last line carries the time it ended.
JOB=$(api -X POST "$BASE/v0/jobs" -d "{\"command\":\"head -c $BYTES /dev/urandom > big.bin && date +%s.%N\",\"artifacts\":[\"big.bin\"],\"timeoutSeconds\":600}" | json 'd["id"]')
[[ -n $JOB ]] || fail "submit failed"
for _ in $(seq 6000); do
    STATE=$(api "$BASE/v0/jobs/$JOB" | json 'd["state"]')
    [[ $STATE == SUCCEEDED || $STATE == FAILED || $STATE == TIMED_OUT || $STATE == CANCELLED ]] && break
    sleep 0.1
done
[[ $STATE == SUCCEEDED ]] || fail "job ended ${STATE:-?}"
LOGS=$(api "$BASE/v0/jobs/$JOB/logs")
python3 - "$BYTES" <<PY || fail "no artifact line in the job's log"
import json, sys, datetime
lines = json.loads('''$LOGS''')["lines"]
ended = float(lines[0]["text"])
stored = [l for l in lines if l["text"].startswith("artifacts: stored")][0]
ts = stored["ts"]
at = ts / 1000 if isinstance(ts, (int, float)) else datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
b = int(sys.argv[1])
print(f"agent_upload: {b / (at - ended) / 1e6:.0f} MB/s (collect + sha256 + PUT in 4 MiB parts, {at - ended:.2f} s)")
PY

# Server side alone: PUT in 8 MiB parts with curl (one connection per part).
SHA=$(sha256sum "$WORK_DIR/src.bin" | cut -d' ' -f1)
JOB2=$(api -X POST "$BASE/v0/jobs" -d '{"command":"true"}' | json 'd["id"]')
sleep 1
URL=$(api -X POST "$BASE/api/compute/jobs/artifacts/presign-upload" \
    -d "{\"jobId\":\"$JOB2\",\"name\":\"src.bin\",\"size\":$BYTES,\"sha256\":\"$SHA\"}" | json 'd["payload"]["url"]')
[[ -n $URL ]] || fail "presign-upload failed"
PART=$((8 * 1024 * 1024))
t0=$(now)
off=0
while [[ $off -lt $BYTES ]]; do
    n=$(( BYTES - off < PART ? BYTES - off : PART ))
    tail -c +$((off + 1)) "$WORK_DIR/src.bin" | head -c "$n" |
        curl -sS -o /dev/null -w '%{http_code}' -X PUT -H 'Expect:' -H 'Content-Type: application/octet-stream' \
            -H "Content-Range: bytes $off-$((off + n - 1))/$BYTES" --data-binary @- "$URL" | grep -q 200 || fail "PUT at $off failed"
    off=$((off + n))
done
t1=$(now)
echo "put_upload: $(rate "$BYTES" "$(echo "$t1 - $t0" | bc)") MB/s (curl, 8 MiB parts)"

# Download of the signed URL, to a file and to /dev/null.
DL=$(api -X POST "$BASE/api/compute/jobs/artifacts/presign-download" -d "{\"jobId\":\"$JOB\",\"name\":\"big.bin\"}" | json 'd["payload"]["url"]')
t0=$(now); curl -sS -o "$WORK_DIR/down.bin" "$DL" || fail "download failed"; sync; t1=$(now)
echo "download: $(rate "$BYTES" "$(echo "$t1 - $t0" | bc)") MB/s (curl to a file, with sync)"
[[ $(stat -c %s "$WORK_DIR/down.bin") == "$BYTES" ]] || fail "downloaded size differs"
rm -f "$WORK_DIR/down.bin"
t0=$(now); curl -sS -o /dev/null "$DL" || fail "download failed"; t1=$(now)
echo "download_null: $(rate "$BYTES" "$(echo "$t1 - $t0" | bc)") MB/s (curl to /dev/null)"
echo "server_rss: $(awk '/VmRSS/ {r=$2} /VmHWM/ {h=$2} END {printf "%.0f MiB now, peak %.0f MiB", r/1024, h/1024}' /proc/$SERVER_PID/status)"

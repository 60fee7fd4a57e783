#!/usr/bin/env bash
# The cost of authentication per request: one server, one load generator, one run, three figures —
# an unauthenticated probe, a job read with an API key, and the same read with a person's access token (JWT).
#
#   bench/auth_bench.sh [BUILD_DIR]        (default: <repo>/build)
#
# Prints on stdout:
#   health: R req/s (...)            GET /health (no credentials)
#   get_job_api_key: R req/s (...)   GET /v0/jobs/{id} with X-API-Key (SHA-256 of the key, cached lookup)
#   get_job_jwt: R req/s (...)       GET /v0/jobs/{id} with Authorization: Bearer <JWT> (HS256 verify, cached role)
# Environment: BENCH_NO_BUILD=1, CONNECTIONS=64, DURATION=10, SERVER=PATH, LOADGEN=PATH.
# Rate limits are off for the run (--rate-limit-per-minute 0 --rate-limit-per-hour 0): the figure is the
# cost of checking credentials, not of being refused.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
BUILD_DIR=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "auth_bench: no build dir ${1:-$ROOT/build}" >&2; exit 2; }
SERVER=${SERVER:-$BUILD_DIR/app/tanvrit-compute}
LOADGEN=${LOADGEN:-$BUILD_DIR/bench/loadgen}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10}
log() { echo "auth_bench: $*" >&2; }

if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute loadgen >&2 || { log "build failed"; exit 2; }
fi
command -v curl >/dev/null || { log "needs curl"; exit 2; }

TMP_ROOT=$(mktemp -d)
CONFIG_DIR=$TMP_ROOT/auth
SERVER_PID=
AGENT_PIDS=()
# shellcheck source=bench/bench_lib.sh
source "$ROOT/bench/bench_lib.sh"
trap cleanup EXIT

start_server || exit 1
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# A person: invited into the owner's workspace by the owner key, registered, signed in.
EMAIL=bench-$$@example.test
WS=$(curl -fsS "$URL/v0/workspaces" -H "X-API-Key: $KEY" | json_field "['workspaces'][0]['id']") || exit 1
curl -fsS -X POST "$URL/v0/workspaces/$WS/members" -H "X-API-Key: $KEY" \
    -d "{\"email\":\"$EMAIL\",\"role\":\"member\"}" >/dev/null || { log "invite failed"; exit 1; }
JWT=$(curl -fsS -X POST "$URL/v0/auth/register" -d "{\"email\":\"$EMAIL\",\"password\":\"bench password 1\"}" |
    json_field "['accessToken']") || { log "register failed"; exit 1; }
IDS=$TMP_ROOT/ids.txt
for _ in $(seq 200); do
    curl -fsS -X POST "$URL/v0/jobs" -H "X-API-Key: $KEY" -d '{"command":"true"}' | json_field "['id']"
done >"$IDS" || { log "submits failed"; exit 1; }

status=0
"$LOADGEN" --url "$URL/health" --connections "$CONNECTIONS" --duration "$DURATION" --expect 200 \
    --label health || status=1
"$LOADGEN" --url "$URL/v0/jobs/{id}" --ids-from "$IDS" --header "X-API-Key: $KEY" \
    --connections "$CONNECTIONS" --duration "$DURATION" --expect 200 --label get_job_api_key || status=1
"$LOADGEN" --url "$URL/v0/jobs/{id}" --ids-from "$IDS" --header "Authorization: Bearer $JWT" \
    --connections "$CONNECTIONS" --duration "$DURATION" --expect 200 --label get_job_jwt || status=1
exit $status

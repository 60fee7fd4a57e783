#!/usr/bin/env bash
# Webhook benchmark (part 3): event -> receiver latency through the durable outbox, against the real server
# and a local receiver (Python, threaded, keep-alive).
#
#   bench/webhook_bench.sh [BUILD_DIR]        (default: <repo>/build)
#
# Submits EVENTS jobs (each publishes job.created, the one event type the hook takes) at RATE per second,
# then once more as fast as one connection can (burst). The latency of an event is the receiver's clock at
# the POST minus the event's createdAt (same machine, same clock). Prints on stdout:
#   webhook_paced: N events at R/s  p50 X ms  p99 Y ms  max Z ms  (all delivered, signatures checked)
#   webhook_burst: N events          p50 X ms  p99 Y ms  max Z ms  drain S s
#   server_rss / server_fds: after the run
# Environment: BENCH_NO_BUILD=1, SERVER=PATH, EVENTS=2000, RATE=200.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build}
SERVER=${SERVER:-$BUILD_DIR/app/tanvrit-compute}
EVENTS=${EVENTS:-2000}
RATE=${RATE:-200}
log() { echo "webhook_bench: $*" >&2; }
if [[ ${BENCH_NO_BUILD:-0} != 1 ]]; then
    cmake --build "$BUILD_DIR" --target tanvrit-compute >&2 || { log "build failed"; exit 2; }
fi
[[ -x $SERVER ]] || { log "no server binary at $SERVER"; exit 2; }
DATA_DIR=$(mktemp -d)
SERVER_LOG=$(mktemp)
"$SERVER" serve --listen 127.0.0.1:0 --data-dir "$DATA_DIR" --log-level warn --rate-limit-per-minute 0 --rate-limit-per-hour 0 >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
cleanup() { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; rm -rf "$DATA_DIR" "$SERVER_LOG"; }
trap cleanup EXIT
URL=
for _ in $(seq 200); do
    URL=$(grep -o 'url=[^ ]*' "$SERVER_LOG" | head -1 | cut -d= -f2)
    [[ -n $URL && -f $DATA_DIR/admin.key ]] && break
    sleep 0.05
done
[[ -n $URL ]] || { log "server did not start"; cat "$SERVER_LOG" >&2; exit 2; }
KEY=$(cat "$DATA_DIR/admin.key")

python3 - "$URL" "$KEY" "$EVENTS" "$RATE" <<'PY'
import hashlib, hmac, http.client, http.server, json, sys, threading, time, urllib.parse
from datetime import datetime
url, key, total, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
lock = threading.Lock()
got = {}          # event id -> latency ms (first arrival)
bad = [0]
secret = [b""]

class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        now = time.time()
        e = json.loads(body)
        parts = [p.split("=", 1) for p in self.headers["Tanvrit-Signature"].split(",")]
        t = next(v for k, v in parts if k == "t")
        mac = hmac.new(secret[0], t.encode() + b"." + body, hashlib.sha256).hexdigest()
        created = datetime.strptime(e["createdAt"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=__import__("datetime").timezone.utc).timestamp()
        with lock:
            if not any(v == mac for k, v in parts if k == "v1"):
                bad[0] += 1
            got.setdefault(e["id"], (now - created) * 1000)
        self.send_response(204); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=srv.serve_forever, daemon=True).start()
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port)
def call(method, path, body=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"X-API-Key": key, "Content-Type": "application/json"})
    r = conn.getresponse(); data = r.read()
    return r.status, json.loads(data) if data else {}
st, hook = call("POST", "/v0/webhooks", {"url": "http://127.0.0.1:%d/hook" % srv.server_port, "events": ["job.created"]})
assert st == 201, hook
secret[0] = hook["secret"].encode()

def run(name, paced):
    with lock:
        got.clear()
    start = time.time()
    for i in range(total):
        if paced:
            delay = start + i / rate - time.time()
            if delay > 0:
                time.sleep(delay)
        st, _ = call("POST", "/v0/jobs", {"command": "true", "labels": {"bench": name}})
        assert st == 201
    sent = time.time()
    while time.time() - sent < 120:
        with lock:
            if len(got) >= total:
                break
        time.sleep(0.01)
    drain = time.time() - sent
    with lock:
        lat = sorted(got.values())
    if len(lat) < total:
        print("webhook_%s: only %d of %d events arrived" % (name, len(lat), total)); return False
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    extra = "at %g/s" % rate if paced else "drain %.2f s after the last submit" % drain
    print("webhook_%s: %d events %s  p50 %.1f ms  p99 %.1f ms  max %.1f ms  (all delivered, %d bad signatures)"
          % (name, total, extra, p(0.50), p(0.99), lat[-1], bad[0]))
    return bad[0] == 0
ok = run("paced", True) and run("burst", False)
sys.exit(0 if ok else 1)
PY
RC=$?
echo "server_rss: $(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2/1024 " MiB"}') (peak $(grep VmHWM /proc/$SERVER_PID/status | awk '{print $2/1024 " MiB"}'))"
echo "server_fds: $(ls /proc/$SERVER_PID/fd | wc -l)"
exit $RC

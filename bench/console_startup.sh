#!/usr/bin/env bash
# Launch of tanvrit-compute-console on a fresh data dir and a fresh home, under Xvfb, RUNS times (default 5):
# milliseconds from the process's start of main() to the window shown, to the embedded control plane and
# agent ready, and to the console connected (its first page loaded from the API). Prints the median and max.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
BIN=${BIN:-build/app/console/tanvrit-compute-console}
[ -x "$BIN" ] || { echo "build first (scripts/build.sh)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=()
for i in $(seq "$RUNS"); do
  home="$work/home$i"; mkdir -p "$home"
  out="$work/out$i"
  HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" TANVRIT_CONSOLE_NO_KEYCHAIN=1 \
    xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" --listen 127.0.0.1:0 >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 600); do grep -q "connected_ms=" "$out" && break; sleep 0.1; done
  line=$(grep -o "window_ms=[0-9]* backend_ready_ms=[0-9]* connected_ms=[0-9]*" "$out" || true)
  pkill -TERM -P "$pid" -f tanvrit-compute-console 2>/dev/null || true
  pkill -TERM -f "$home" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$line" ] || { echo "run $i: no connected line"; cat "$out"; exit 1; }
  echo "run $i: $line"
  results+=("$line")
done
for key in window_ms backend_ready_ms connected_ms; do
  printf '%s\n' "${results[@]}" | grep -o "$key=[0-9]*" | cut -d= -f2 | sort -n |
    awk -v k="$key" '{v[NR]=$1} END {printf "console_%s median=%d max=%d (n=%d)\n", k, v[int((NR+1)/2)], v[NR], NR}'
done

# Shared by bench/e2e_bench.sh and bench/logs_bench.sh (sourced): stopping what a configuration
# started, cleaning up on exit, CPU seconds of a process, log tails. The script defines log() and
# TMP_ROOT, and keeps SERVER_PID, AGENT_PIDS (array) and CONFIG_DIR current.

# Stops the current configuration's agents, then its server: SIGTERM, up to 10 s, SIGKILL.
stop_all() {
    local pids=("${AGENT_PIDS[@]}")
    [[ -n $SERVER_PID ]] && pids+=("$SERVER_PID")
    ((${#pids[@]})) || return 0
    kill -TERM "${AGENT_PIDS[@]}" 2>/dev/null
    [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null
    local p alive
    for _ in $(seq 100); do
        alive=0
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.1
    done
    for p in "${pids[@]}"; do
        if kill -0 "$p" 2>/dev/null; then
            log "pid $p still running 10 s after SIGTERM; killing it"
            kill -KILL "$p" 2>/dev/null
        fi
        wait "$p" 2>/dev/null
    done
    AGENT_PIDS=()
    SERVER_PID=
}

# shellcheck disable=SC2317  # invoked from the EXIT trap
cleanup() {
    stop_all
    rm -rf "$TMP_ROOT"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# cpu_secs PID [children]: CPU seconds (user + system) of a live process, or of its reaped children.
cpu_secs() {
    local f=(); read -r -a f <"/proc/$1/stat" 2>/dev/null || { echo 0; return; }
    local tck; tck=$(getconf CLK_TCK)
    if [[ ${2:-} == children ]]; then
        awk -v a="${f[15]}" -v b="${f[16]}" -v t="$tck" 'BEGIN { printf "%.2f", (a + b) / t }'
    else
        awk -v a="${f[13]}" -v b="${f[14]}" -v t="$tck" 'BEGIN { printf "%.2f", (a + b) / t }'
    fi
}

show_logs() {
    local f
    for f in "$CONFIG_DIR"/*.log; do
        [[ -s $f ]] || continue
        log "last lines of $(basename "$f"):"
        tail -n 10 "$f" >&2
    done
}


# start_server [serve flags…]: starts `$SERVER serve` on a free loopback port with its data dir under
# $CONFIG_DIR (output in $CONFIG_DIR/server.log), waits up to 20 s for its url line and admin.key, and
# sets SERVER_PID, URL and KEY. Set SERVE_NOFILE to run it under `ulimit -n` (soft and hard).
# Returns 1 (after showing the logs) when the server did not come up.
start_server() {
    mkdir -p "$CONFIG_DIR/data"
    (
        [[ -n ${SERVE_NOFILE:-} ]] && { ulimit -n "$SERVE_NOFILE" || exit 1; }
        exec "$SERVER" serve --listen 127.0.0.1:0 --data-dir "$CONFIG_DIR/data" --log-level warn \
            --rate-limit-per-minute 0 --rate-limit-per-hour 0 "$@"
    ) >"$CONFIG_DIR/server.log" 2>&1 &
    SERVER_PID=$!
    local port=
    for _ in $(seq 200); do
        kill -0 "$SERVER_PID" 2>/dev/null || { log "server exited during startup"; show_logs; return 1; }
        [[ -z $port ]] && port=$(sed -nE 's#.*url=http://127\.0\.0\.1:([0-9]+).*#\1#p' "$CONFIG_DIR/server.log" | head -n 1)
        [[ -n $port && -s $CONFIG_DIR/data/admin.key ]] && break
        sleep 0.1
    done
    [[ -n $port && -s $CONFIG_DIR/data/admin.key ]] || { log "no url line or admin.key in 20 s"; show_logs; return 1; }
    URL=http://127.0.0.1:$port
    KEY=$(head -n 1 "$CONFIG_DIR/data/admin.key" | tr -d '[:space:]')
}

#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) into build-fuzz and runs each for MINUTES
# (default 1; fractions work), or all of them for --total-seconds S together (CI: 60). Prints one line
# per harness: executions, executions/s, crashes; exits non-zero when a harness crashed. A crash's
# input is kept in build-fuzz/artifacts/ (replay: build-fuzz/fuzz/HARNESS FILE).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=1
total=
while (($#)); do
    case $1 in
    --total-seconds) total=$2; shift 2 ;;
    -h | --help) sed -n '2,6p' "$0"; exit 0 ;;
    *) minutes=$1; shift ;;
    esac
done
harnesses=(fuzz_request fuzz_router fuzz_bodies fuzz_query)
if [[ -n $total ]]; then
    each=$((total / ${#harnesses[@]}))
else
    each=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')
fi
((each >= 1)) || each=1

BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
if [[ ! -f $BUILD/build.ninja ]]; then
    mkdir -p "$BUILD"
    CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DTANVRIT_FUZZ=ON -DTANVRIT_TESTS=OFF -DTANVRIT_BENCH=OFF >"$BUILD/configure.log" 2>&1 \
        || { tail -20 "$BUILD/configure.log" >&2; exit 1; }
fi
if ! cmake --build "$BUILD" --target "${harnesses[@]}" -- -j"${FUZZ_JOBS:-2}" >"$BUILD/build.log" 2>&1; then
    tail -40 "$BUILD/build.log" >&2
    echo "fuzz: the harnesses did not build (full log: $BUILD/build.log)" >&2
    exit 1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_QPA_PLATFORM=offscreen
mkdir -p "$BUILD/artifacts"
failed=0
for h in "${harnesses[@]}"; do
    corpus="$BUILD/corpus/${h#fuzz_}"
    mkdir -p "$corpus"
    cp -n fuzz/corpus/"${h#fuzz_}"/* "$corpus"/ 2>/dev/null || true
    log="$BUILD/$h.log"
    rc=0
    "$BUILD/fuzz/$h" -max_total_time="$each" -print_final_stats=1 -max_len=8192 -timeout=10 \
        -artifact_prefix="$BUILD/artifacts/$h-" "$corpus" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    crashes=0
    if ((rc != 0)); then
        crashes=1
        failed=1
        grep -E "ERROR: |runtime error|==ERROR|deadly signal|Test unit written" "$log" | head -5 >&2 || true
    fi
    echo "fuzz $h: ${execs:-0} executions in ${each} s (${rate:-0} exec/s), $crashes crashes"
done
exit $failed

#!/usr/bin/env bash
# Runs the host fuzz targets (build/fuzz/fuzz_NAME, made by `make fuzz` from
# tests/fuzz/fuzz_NAME.c) one after the other, each for FTL_FUZZ_SECONDS
# (default 15; 0 runs every seed and regression input once and stops).
# Each starts from its committed seeds, tests/fuzz/corpus/NAME/, which
# include the input of every bug found so far, and from what earlier runs
# found, kept in build/fuzz/corpus/NAME/ (new inputs go there, never into
# the repository). A target passes when nothing crashed, leaked, timed out
# or ran out of memory; after a crash it is restarted for the rest of its
# time, so several distinct crashes can be found in one run, counted once
# per crash site. Crashing inputs are kept in build/fuzz/crashes/ and each
# run's libFuzzer output in build/fuzz/logs/NAME.log.
#
# Usage: tests/fuzz/run.sh [NAME...]     (default: every target)
# Prints per target `ok fuzz.NAME` or `FAIL fuzz.NAME: why`, then
# `bench: fuzz.NAME.execs N count` and `bench: fuzz.NAME.crashes N count`,
# and ends with `fuzz: N passed, N failed`. Exit status 0 only if all
# passed. Reproduce a crash with: build/fuzz/fuzz_NAME FILE
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

SECONDS_EACH="${FTL_FUZZ_SECONDS:-15}"
OUT=build/fuzz
RESTARTS_MAX=5 # attempts per target after crashes, within its time

if ! [[ "$SECONDS_EACH" =~ ^[0-9]+$ ]]; then
    echo "fuzz: FTL_FUZZ_SECONDS must be a whole number of seconds" >&2
    echo "fuzz: 0 passed, 1 failed"
    exit 1
fi

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for f in tests/fuzz/fuzz_*.c; do
        name="${f##*/fuzz_}"
        targets+=("${name%.c}")
    done
fi

passed=0
failed=0

# crash_site LOG: the first three frames of the crash's stack that are not
# the sanitizers', libFuzzer's or libc's, joined by "--": what tells two
# crashes apart.
crash_site() {
    grep -oE '#[0-9]+ 0x[0-9a-f]+ in [^ ]+' "$1" |
        awk '{print $4}' |
        grep -vE '^(__|fuzzer::|abort$|raise$|gsignal$|_start$)' |
        head -3 | paste -sd '-' - | sed 's/-/--/g'
}

# fuzz_once NAME BIN SECONDS LOG: one libFuzzer run; its status.
fuzz_once() {
    local name="$1" bin="$2" seconds="$3" log="$4"
    local budget=(-max_total_time="$seconds")
    if [[ "$seconds" -eq 0 ]]; then
        budget=(-runs=0)
    fi
    # -close_fd_mask=3: the targets' own messages (ftl-spec's diagnostics)
    # would drown the log; libFuzzer and sanitizer reports still get there.
    "$bin" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
        -use_value_profile=1 -print_final_stats=1 \
        -artifact_prefix="$OUT/crashes/$name-" \
        "$OUT/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
}

# fuzz_target NAME: runs one target for its time, prints its result.
fuzz_target() {
    local name="$1" bin="$OUT/fuzz_$1"
    local log="$OUT/logs/$1.log" started=$SECONDS
    local execs=0 crashes=0 why="" sites=" " attempt
    if [[ ! -x "$bin" ]]; then
        echo "FAIL fuzz.$name: $bin is not built (make fuzz)"
        failed=$((failed + 1))
        return
    fi
    mkdir -p "$OUT/corpus/$name" "$OUT/crashes" "$OUT/logs"
    : >"$log"
    for ((attempt = 0; attempt < RESTARTS_MAX; attempt++)); do
        local left=$((SECONDS_EACH - (SECONDS - started)))
        if [[ $attempt -gt 0 && $left -lt 1 ]]; then
            break
        fi
        [[ $left -lt 0 ]] && left=0
        local one="$OUT/logs/$name.$attempt.log" status=0
        fuzz_once "$name" "$bin" "$left" "$one" || status=$?
        cat "$one" >>"$log"
        local n
        n="$(sed -n 's/^stat::number_of_executed_units: *//p' "$one" | tail -1)"
        execs=$((execs + ${n:-0}))
        if [[ $status -eq 0 ]]; then
            rm -f "$one"
            break
        fi
        local artifact site
        artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$one" |
            tail -1)"
        site="$(crash_site "$one")"
        site="${site:-$(grep -m1 -E 'ERROR|ALARM|out-of-memory' "$one")}"
        rm -f "$one"
        if [[ "$sites" != *" $site "* ]]; then
            sites+="$site "
            crashes=$((crashes + 1))
            why+="${why:+; }${artifact:-no input written} (${site:-see $log})"
        fi
        [[ $SECONDS_EACH -eq 0 ]] && break
    done
    if [[ $crashes -eq 0 ]]; then
        echo "ok fuzz.$name ($((SECONDS - started)) s, $execs executions)"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz.$name: $crashes crash(es): $why; log: $log"
        failed=$((failed + 1))
    fi
    echo "bench: fuzz.$name.execs $execs count"
    echo "bench: fuzz.$name.crashes $crashes count"
}

for t in "${targets[@]}"; do
    fuzz_target "$t"
done
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# The benchmark report (`make bench`): runs every benchmark so that each
# figure is measured in FTL_BENCH_RUNS runs (default 5), collects the
# `bench: NAME VALUE UNIT` lines into build/bench/results.json as
# {NAME: {min, median, max, runs: [...], unit}} (and what the run was
# measured on into build/bench/run.json), prints the same-run ratios against
# the Linux guest with the goals the issues set, and renders
# docs/benchmarks.md with its plots (bench/report.py). Benchmarks report
# figures; none of them passes or fails on a time.
#
# Runs: a script that prints each of its figures once (kernel_bench.py,
# linux_bench.py, run with one boot each) is run FTL_BENCH_RUNS times; one
# that prints a figure per run itself (net_bench.py, boot_bench.py,
# cli_bench.py read FTL_BENCH_RUNS) is run once. Every step holds the QEMU
# lock (/tmp/ftl-qemu.lock) while it runs, and is stopped, with all it
# started, after FTL_BENCH_STEP_TIMEOUT seconds (default 1800): see
# bench/run_step.py. A step that fails is reported and the others go on.
#
# Usage: bench/run-all.sh [STEP...]   e.g. bench/run-all.sh "net_bench.py tap"
#        (default: every step below, then any other bench/*_bench.py; only
#        a run of every step renders docs/benchmarks.md)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS=${FTL_BENCH_RUNS:-5}
export FTL_BENCH_RUNS=$RUNS
# One boot per run where a script would otherwise boot several times and
# print only the median: the runs are then the boots.
export FTL_KERNEL_BENCH_BOOTS=${FTL_KERNEL_BENCH_BOOTS:-1}
export FTL_LINUX_BOOTS=${FTL_LINUX_BOOTS:-1}
LIMIT=${FTL_BENCH_STEP_TIMEOUT:-1800}
OUT=build/bench
STEPS_DIR=$OUT/steps
started=$(date +%s)

# The network benchmark runs in parts, each both guests on one path, so
# that the lock is released in between.
steps=(
    "boot_bench.py"
    "kernel_bench.py"
    "linux_bench.py"
    "net_bench.py user"
    "net_bench.py tap"
    "net_bench.py mem"
    "net_bench.py json"
    "net_bench.py json_wasm"
    "cli_bench.py"
    "control_bench.py --transport vcon"
    "control_bench.py --transport uart"
)
full=1
if [[ $# -gt 0 ]]; then
    steps=("$@")
    full=0
else
    for script in bench/*_bench.py; do
        name=${script#bench/}
        known=0
        for step in "${steps[@]}"; do
            [[ "${step%% *}" == "$name" ]] && known=1
        done
        [[ $known == 1 ]] || steps+=("$name")
    done
fi

rm -rf "$STEPS_DIR"
mkdir -p "$STEPS_DIR"
failed=()

# run_step STEP N: runs bench/STEP (a script and its arguments) once, as
# run N; its output goes to $STEPS_DIR. Returns its exit status.
run_step() {
    local step=$1 n=$2 log status
    log="$STEPS_DIR/$(echo "$step" | tr ' /' '__').$n.txt"
    if [[ $n == 1 ]]; then
        echo "== bench/$step"
    else
        echo "== bench/$step (run $n of $RUNS)"
    fi
    # shellcheck disable=SC2086
    python3 bench/run_step.py "$log" "$LIMIT" python3 bench/$step
    status=$?
    if [[ $status -ne 0 ]]; then
        echo "!! bench/$step exited with status $status"
        failed+=("$step (run $n, status $status)")
        if [[ $status -eq 130 ]]; then
            exit 130
        fi
    fi
    LAST_LOG=$log
    return $status
}

for step in "${steps[@]}"; do
    run_step "$step" 1 || continue
    repeats=$(python3 bench/report.py repeats "$LAST_LOG")
    if [[ "$repeats" -le 1 ]]; then
        for ((n = 2; n <= RUNS; n++)); do
            run_step "$step" "$n" || break
        done
    fi
done

failed_list=$(printf '%s\n' "${failed[@]+"${failed[@]}"}")
python3 bench/report.py collect --started "$started" \
    --failed "$failed_list" "$STEPS_DIR"/*.txt || exit 1
python3 bench/report.py ratios
# Only a run of every step renders the page (FTL_BENCH_RENDER=1 forces it),
# so that it never shows figures of different runs side by side.
if [[ "${FTL_BENCH_RENDER:-$full}" == 1 ]]; then
    python3 bench/report.py render
else
    echo "docs/benchmarks.md left as it is (not every step ran):" \
        "python3 bench/report.py render"
fi
echo "results: $OUT/results.json; report: docs/benchmarks.md" \
    "($(( $(date +%s) - started )) s)"
[[ ${#failed[@]} -eq 0 ]]

#!/usr/bin/env bash
# make soak (docs/reliability.md): at once, for FTL_SOAK_MINUTES (default
# 30),
#   - the system soak (tests/qemu/soak_test.py): HTTP load from the host
#     against the HTTP path and kv while the IPC fuzzer sends random
#     messages and services are killed at random, reporting requests
#     served and lost, recoveries, restarts and memory;
#   - the host fuzzers (tests/fuzz/run.sh) on the other core, the soak's
#     length shared among the targets;
# then the system call fuzzer's long run: for each seed, the fuzz tests of
# tests/qemu/reliability_test.py in user, kernel and wasm mode (random
# calls through a WebAssembly module's import) with FTL_FUZZ_CALLS calls
# (default 5,000,000) each; the seeds are
# FTL_SOAK_SEEDS (default: four new ones from the clock, printed, so that a
# failure is replayed with FTL_FUZZ_SEED=SEED). Ends like make test with
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

now=$(date +%s)
minutes=${FTL_SOAK_MINUTES:-30}
seeds=${FTL_SOAK_SEEDS:-"$now $((now + 1)) $((now + 2)) $((now + 3))"}
calls=${FTL_FUZZ_CALLS:-5000000}
targets=$(ls tests/fuzz/fuzz_*.c | wc -l)
fuzz_seconds=$(( ${minutes%.*} * 60 / targets ))
[[ $fuzz_seconds -ge 10 ]] || fuzz_seconds=10
echo "soak: $minutes minutes; host fuzzers $fuzz_seconds s a target;" \
    "system call fuzzer seeds $seeds, $calls calls per seed and mode"

out=build/soak
rm -rf "$out" && mkdir -p "$out"
( FTL_FUZZ_SECONDS=$fuzz_seconds tests/fuzz/run.sh >"$out/fuzz.log" 2>&1
  touch "$out/fuzz.done" ) &

suites=("env FTL_SOAK_MINUTES=$minutes python3 tests/qemu/soak_test.py")
# The host fuzzers' report, once they are done (its summary line counts).
suites+=("tests/qemu/soak_fuzz_report.sh $out")
for seed in $seeds; do
    suites+=("env FTL_FUZZ_SEED=$seed FTL_FUZZ_CALLS=$calls \
python3 tests/qemu/reliability_test.py syscall_fuzz_in_user_mode \
syscall_fuzz_in_kernel_mode syscall_fuzz_in_wasm_mode fuzz_figures")
done
tests/run-all.sh "${suites[@]}"

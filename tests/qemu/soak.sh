#!/usr/bin/env bash
# make soak: the system call fuzzer's long run. For each seed, the fuzz
# tests of tests/qemu/reliability_test.py in user and kernel mode with
# FTL_FUZZ_CALLS calls (default 5,000,000) each; the seeds are
# FTL_SOAK_SEEDS (default: four new ones from the clock, printed, so that a
# failure is replayed with FTL_FUZZ_SEED=SEED). Ends like make test with
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

now=$(date +%s)
seeds=${FTL_SOAK_SEEDS:-"$now $((now + 1)) $((now + 2)) $((now + 3))"}
calls=${FTL_FUZZ_CALLS:-5000000}
echo "soak: seeds $seeds, $calls calls per seed and mode"
suites=()
for seed in $seeds; do
    suites+=("env FTL_FUZZ_SEED=$seed FTL_FUZZ_CALLS=$calls \
python3 tests/qemu/reliability_test.py syscall_fuzz_in_user_mode \
syscall_fuzz_in_kernel_mode fuzz_figures")
done
exec tests/run-all.sh "${suites[@]}"

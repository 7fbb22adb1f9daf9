#!/usr/bin/env bash
# Counts QEMU's own work per IPC round trip under TCG: software-TLB refills
# (x86_cpu_tlb_fill), jump-cache misses (qht_lookup_custom) and jump-cache
# flushes (tcg_flush_jmp_cache), through uprobes on QEMU's functions. They
# explain where TCG's cycles go (docs/notes/ipc-speed.md): a diagnostic of
# the emulator, not a goal. A change to a hot path is judged by what it does
# on a real CPU: its instruction counts (bench/kernel_bench.py's `.insns`
# figures), the memory it touches, or a hardware reason; never by these
# counts alone. Needs perf and root (uprobes).
#
#   scripts/qemu-counts.sh [user_user|kernel_kernel|user_kernel|wasm_wasm|
#                           user_wasm|wasm_user|loop|ctxswitch]
#
# Boots tests/os/kernel_bench.c twice, running the round trip's benchmark
# once and then 5 times; the difference over the extra calls is per call.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name=${1:-user_user}
calls=5500 # BATCHES * CALLS_PER_BATCH of tests/os/ipc_client.c, loop_client.c
if [ "$name" = ctxswitch ]; then
    calls=44000 # kernel_bench.c: BATCHES * SWITCHES_PER_BATCH * 2, per switch
fi
. scripts/kernel-bench-boot.sh
functions=(x86_cpu_tlb_fill qht_lookup_custom tcg_flush_jmp_cache)
events=()
for f in "${functions[@]}"; do
    perf probe -q -x "$(command -v $qemu)" --add "$f" 2>/dev/null || true
    events+=(-e "probe_qemu:$f")
done
count() {
    kernel_bench_boot "$name" "$1"
    perf stat -x, "${events[@]}" -o "$2" -- "${boot[@]}" >/dev/null || true
}
one=$(mktemp) five=$(mktemp)
trap 'rm -f "$one" "$five"' EXIT
count 1 "$one"
count 5 "$five"
python3 - "$one" "$five" "$calls" <<'PY'
import sys
def read(path):
    counts = {}
    for line in open(path):
        fields = line.strip().split(",")
        if len(fields) > 2 and fields[0].isdigit():
            counts[fields[2].split(":")[-1]] = int(fields[0])
    return counts
one, five, calls = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3])
for name in one:
    print("%-22s %7.1f per round trip" % (name, (five[name] - one[name]) / (4.0 * calls)))
PY

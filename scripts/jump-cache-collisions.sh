#!/usr/bin/env bash
# Lists the code addresses that share a slot of QEMU's jump cache in a
# benchmark's steady state. The cache has 4,096 slots and a page's
# addresses fall into only 64 of them (bits 0-5 of the address xor bits
# 6-11), so two busy targets of one page can evict each other at every
# turn: each eviction is one more hash-table lookup, and a system call or
# a switch pays it every time (docs/notes/ipc-speed.md). A diagnostic of
# the emulator, not a goal: it explains a cycle figure under TCG that the
# code does not, but code is no longer aligned or moved to please QEMU's
# jump cache, which no CPU has (docs/notes/ipc-speed.md, "Instructions").
# Needs perf and root (uprobes), like scripts/qemu-counts.sh.
#
#   scripts/jump-cache-collisions.sh [user_user|kernel_kernel|user_kernel|loop|ctxswitch]...
#
# Without arguments, checks them all. Prints, per benchmark, the busy
# targets on the kernel's two hot pages with their slots (the address's
# low 16 bits:slot within the page, in hex), then the colliding groups, or
# "none". User addresses are the two programs' together (both load at the
# same base): a collision between a client's and a server's address costs
# nothing, the cache being emptied at each switch between them anyway.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/kernel-bench-boot.sh
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(user_user kernel_kernel user_kernel loop ctxswitch)
perf probe -q -d probe_qemu:qht_lookup_custom 2>/dev/null || true
# qht_lookup_custom(ht, userp, ...): userp is QEMU's struct tb_desc, whose
# first field is the guest address looked up.
perf probe -q -x "$(command -v $qemu)" --add \
    'qht_lookup_custom pc=+0(%si):x64' 2>/dev/null
data=$(mktemp) text=$(mktemp)
trap 'rm -f "$data" "$text"' EXIT
hot_a=$(nm build/ftl-kernel.elf | awk '/ __hot_wait_start$/ {print $1}')
hot_b=$(nm build/ftl-kernel.elf | awk '/ __hot_message_start$/ {print $1}')
for name in "${names[@]}"; do
    kernel_bench_boot "$name" 2
    perf record -q -e probe_qemu:qht_lookup_custom -o "$data" -- \
        "${boot[@]}" >/dev/null 2>&1 || true
    perf script -i "$data" 2>/dev/null |
        awk '{for (i = 1; i <= NF; i++) if ($i ~ /^pc=/) print substr($i, 4)}' \
            >"$text"
    python3 - "$name" "$text" "$hot_a" "$hot_b" <<'PY'
import collections, sys
name, path, hot_a, hot_b = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
pcs = [int(line, 16) for line in open(path)]
steady = collections.Counter(pcs[len(pcs) // 2:])  # the second round

def slot(pc):  # QEMU 7.2's tb_jmp_cache_hash_func, 4 KiB pages
    t = pc ^ (pc >> 6)
    return ((t >> 6) & 0xfc0) | (t & 0x3f)

# Busy: looked up at least 2,000 times in a round (5,500 round trips or
# 44,000 switches); rarer ones are start-up and printing.
busy = [pc for pc, n in steady.items() if n >= 2000]
pages = {int(hot_a, 16) >> 12, int(hot_b, 16) >> 12}
print("%-14s hot pages: %s" % (name, " ".join(
    "%x:%02x" % (pc & 0xffff, slot(pc) & 0x3f)
    for pc in sorted(busy) if pc >> 12 in pages) or "-"))
slots = collections.defaultdict(list)
for pc in busy:
    slots[slot(pc)].append(pc)
groups = [sorted(g) for g in slots.values() if len(g) > 1]
print("%-14s collisions: %s" % (name, " ".join(
    "/".join("%x" % pc for pc in g) for g in sorted(groups)) or "none"))
PY
done
